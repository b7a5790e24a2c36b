"""Sentence embeddings from the packaged all-MiniLM-L6-v2 (no model hub at run time)."""

from rag.embedding.cached import QuestionCache
from rag.embedding.devices import Accelerators, pick_device, resolve_precision, torch_accelerators
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
from rag.embedding.record import ModelRecord

__all__ = [
    "DIM",
    "VECTORS_VERSION",
    "Accelerators",
    "Embedder",
    "LazyEmbedder",
    "ModelRecord",
    "QuestionCache",
    "Vectors",
    "make_embedder",
    "minilm_tokenizer",
    "model_id_of",
    "pick_device",
    "resolve_precision",
    "torch_accelerators",
]
