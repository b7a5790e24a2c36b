"""An embedder that loads its model on first use.

Loading MiniLM (torch and sentence-transformers) takes seconds; listing, deleting or
reading articles needs no model at all, so the desk is built with this wrapper and only
a question or an ingest pays for the load. ``warm_up`` loads it up front (``serve`` does,
so that the first question is as fast as the rest and ``/readyz`` means ready).

The last few single texts embedded are kept: a question is embedded by retrieval, then
again by the answerer that compares it with sentences, and the second time is free.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

from rag.embedding.minilm import Embedder, Vectors


class LazyEmbedder:
    """Wraps a loader; the model id is known before the model is loaded."""

    def __init__(self, model_id: str, load: Callable[[], Embedder], remember: int = 64) -> None:
        self.model_id = model_id
        self._load = load
        self._model: Embedder | None = None
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, Vectors] = OrderedDict()  # single texts, newest last
        self._remember = remember
        self._recent_lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def warm_up(self) -> Embedder:
        """Load the model now (once, whichever thread asks first)."""
        with self._lock:
            if self._model is None:
                model = self._load()
                if model.model_id != self.model_id:
                    raise ValueError(f"loaded {model.model_id}, expected {self.model_id}")
                self._model = model
            return self._model

    def embed(self, texts: Sequence[str]) -> Vectors:
        if len(texts) != 1:
            model = self._model or self.warm_up()
            return model.embed(texts)
        with self._recent_lock:
            known = self._recent.get(texts[0])
            if known is not None:
                self._recent.move_to_end(texts[0])
                return known
        model = self._model or self.warm_up()
        vectors = model.embed(texts)
        vectors.setflags(write=False)  # shared with later callers
        with self._recent_lock:
            self._recent[texts[0]] = vectors
            while len(self._recent) > self._remember:
                self._recent.popitem(last=False)
        return vectors
