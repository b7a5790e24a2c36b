"""Sentence embeddings from the packaged all-MiniLM-L6-v2 (no model hub at run time)."""

from rag.embedding.lazy import LazyEmbedder
from rag.embedding.minilm import (
    DIM,
    VECTORS_VERSION,
    Embedder,
    Vectors,
    make_embedder,
    minilm_tokenizer,
    model_id_of,
)

__all__ = [
    "DIM",
    "VECTORS_VERSION",
    "Embedder",
    "LazyEmbedder",
    "Vectors",
    "make_embedder",
    "minilm_tokenizer",
    "model_id_of",
]
