"""Questions embedded once, whichever collections they search.

Each collection has its own retriever; a question over twenty collections would be
embedded twenty times without this small cache of the last questions' vectors (single
texts only: an ingest's batches pass straight through)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from rag.embedding.minilm import Embedder, Vectors


class QuestionCache:
    """An embedder that remembers the vectors of the last ``size`` single texts."""

    def __init__(self, embedder: Embedder, size: int = 64) -> None:
        self.embedder, self.size = embedder, size
        self.model_id, self.dimensions = embedder.model_id, embedder.dimensions
        self._seen: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def device(self) -> str:
        return self.embedder.device

    @property
    def batch_size(self) -> int:
        return self.embedder.batch_size

    def embed(self, texts: Sequence[str]) -> Vectors:
        if len(texts) != 1:
            return self.embedder.embed(texts)
        text = texts[0]
        with self._lock:
            found = self._seen.get(text)
            if found is not None:
                self._seen.move_to_end(text)
                return found
        vector = np.asarray(self.embedder.embed([text]))
        with self._lock:
            self._seen[text] = vector
            while len(self._seen) > self.size:
                self._seen.popitem(last=False)
        return vector
