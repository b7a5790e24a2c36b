"""Finding passages: the store (Chroma), BM25, article vectors, the chunk catalogue, and
hybrid retrieval that fuses them.

``ChromaStore`` is imported on first use: importing chromadb takes a while, and code that
works on an in-memory store (the fast tests) never needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rag.search.article_vectors import ArticleVectors
from rag.search.bm25 import BM25Index
from rag.search.cache_folders import cache_dir_for, cache_folder
from rag.search.catalogue import ChunkCatalogue
from rag.search.copies import CopyIndex, one_per_story, signature
from rag.search.files import atomic_file
from rag.search.hybrid import (
    DenseArticleRetriever,
    DenseRetriever,
    HybridRetriever,
    Recency,
    SparseArticleRetriever,
    SparseRetriever,
    diversify,
    rrf,
)
from rag.search.ids import article_id, article_key, chunk_doc, chunk_id, content_hash
from rag.search.placement import collection_store, stored_collections
from rag.search.protocols import Retriever, Store
from rag.search.records import Chunk, Hit
from rag.search.slots import Slot, claim_slot, saving

if TYPE_CHECKING:
    from rag.search.store import ChromaStore

__all__ = [
    "ArticleVectors",
    "BM25Index",
    "ChromaStore",
    "Chunk",
    "ChunkCatalogue",
    "CopyIndex",
    "DenseArticleRetriever",
    "DenseRetriever",
    "Hit",
    "HybridRetriever",
    "Recency",
    "Retriever",
    "Slot",
    "SparseArticleRetriever",
    "SparseRetriever",
    "Store",
    "article_id",
    "article_key",
    "atomic_file",
    "cache_dir_for",
    "cache_folder",
    "chunk_doc",
    "chunk_id",
    "claim_slot",
    "collection_store",
    "content_hash",
    "diversify",
    "one_per_story",
    "rrf",
    "saving",
    "signature",
    "stored_collections",
]


def __getattr__(name: str) -> Any:
    if name == "ChromaStore":
        from rag.search.store import ChromaStore

        return ChromaStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
