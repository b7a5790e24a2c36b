"""An embedder that loads its model on first use.

Loading MiniLM (torch and sentence-transformers) takes seconds; listing, deleting or
reading articles needs no model at all, so the desk is built with this wrapper and only
a question or an ingest pays for the load. ``warm_up`` loads it up front (``serve`` does,
so that the first question is as fast as the rest and ``/readyz`` means ready).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from rag.embedding.minilm import DIM, Embedder, Vectors


class LazyEmbedder:
    """Wraps a loader; the model id and vector length are known before the model is loaded
    (the store checks them when it opens); where it runs only after."""

    def __init__(self, model_id: str, load: Callable[[], Embedder], dimensions: int = DIM) -> None:
        self.model_id = model_id
        self.dimensions = dimensions
        self._load = load
        self._model: Embedder | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def warm_up(self) -> Embedder:
        """Load the model now (once, whichever thread asks first)."""
        with self._lock:
            if self._model is None:
                model = self._load()
                if (model.model_id, model.dimensions) != (self.model_id, self.dimensions):
                    raise ValueError(
                        f"loaded {model.model_id} ({model.dimensions} dimensions), expected "
                        f"{self.model_id} ({self.dimensions})"
                    )
                self._model = model
            return self._model

    @property
    def device(self) -> str:
        """The loaded model's device ("not loaded" before)."""
        return self._model.device if self._model is not None else "not loaded"

    @property
    def batch_size(self) -> int:
        """The model's batch size (known once loaded: the device decides it), so asking
        loads it; an ingest asks just before it embeds."""
        return (self._model or self.warm_up()).batch_size

    def embed(self, texts: Sequence[str]) -> Vectors:
        model = self._model or self.warm_up()
        return model.embed(texts)
