"""The desk: the Newsdesk facade that wires the rooms, and the factory that builds it."""

from rag.desk.checking import CheckReport
from rag.desk.factory import build, lazy_embedder, model_record, open_store
from rag.desk.indexer import Indexer
from rag.desk.locating import chunk_holding
from rag.desk.newsdesk import MAX_QUESTION_CHARS, Newsdesk
from rag.desk.protocols import Answerer, Retriever

__all__ = [
    "MAX_QUESTION_CHARS",
    "Answerer",
    "CheckReport",
    "Indexer",
    "Newsdesk",
    "Retriever",
    "build",
    "chunk_holding",
    "lazy_embedder",
    "model_record",
    "open_store",
]
