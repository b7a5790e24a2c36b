"""The desk: the Newsdesk facade over the corpus and the answerers, the factory that
builds it, and the llama-index retriever that lets other Python code use its retrieval."""

from rag.corpus import CheckReport
from rag.desk.factory import build, lazy_embedder, open_corpus, open_store
from rag.desk.indexer import Indexer
from rag.desk.locating import chunk_holding
from rag.desk.newsdesk import Newsdesk, Retrieval
from rag.desk.protocols import Answerer, Retriever
from rag.desk.querying import checked

__all__ = [
    "Answerer",
    "CheckReport",
    "Indexer",
    "Newsdesk",
    "Retrieval",
    "Retriever",
    "build",
    "checked",
    "chunk_holding",
    "lazy_embedder",
    "open_corpus",
    "open_store",
]
