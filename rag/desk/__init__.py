"""The desk: the Newsdesk facade over the corpus and the answerers, the factory that
builds it, and the llama-index retriever that lets other Python code use its retrieval
(``NewsdeskRetriever``, imported on first use: llama-index takes a second to import)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rag.corpus import CheckReport
from rag.desk.answerer import Answerer, Retriever
from rag.desk.factory import build, lazy_embedder, model_record, open_corpus, open_store
from rag.desk.indexer import Embedded, Indexer, LocalPipeline, Pending, Pipeline
from rag.desk.locating import chunk_holding
from rag.desk.newsdesk import Newsdesk
from rag.desk.pooling import Retrieval
from rag.desk.preparing import Planned, Prepared, Preparer
from rag.desk.querying import checked

if TYPE_CHECKING:
    from rag.desk.llama import NewsdeskRetriever

__all__ = [
    "Answerer",
    "CheckReport",
    "Embedded",
    "Indexer",
    "LocalPipeline",
    "Newsdesk",
    "NewsdeskRetriever",
    "Pending",
    "Pipeline",
    "Planned",
    "Prepared",
    "Preparer",
    "Retrieval",
    "Retriever",
    "build",
    "checked",
    "chunk_holding",
    "lazy_embedder",
    "model_record",
    "open_corpus",
    "open_store",
]


def __getattr__(name: str) -> Any:
    if name == "NewsdeskRetriever":
        from rag.desk.llama import NewsdeskRetriever

        return NewsdeskRetriever
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
