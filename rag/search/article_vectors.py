"""Articles' vectors in memory, for dense search over whole articles.

Each article's vector (the normalised mean of its chunks') lives in Chroma, but a filtered
Chroma query over the as-of window cost ~110 ms on the 7,171-article corpus, more than a
whole ask; exact search over the same vectors in memory costs about a millisecond. They
are cached on disk beside the BM25 index, aligned with its articles, and fetched from the
store only for articles that are new or changed (an article's key is its chunk-id prefix,
which carries its content hash), so a restart or a small ingest does not re-read them all.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import numpy.typing as npt

from rag.contract import Filters
from rag.embedding import DIM, Vectors
from rag.search.bm25 import BM25Index, filter_mask
from rag.search.files import atomic_file
from rag.search.protocols import Store

log = logging.getLogger(__name__)
CACHE = "article_vectors.npz"


class ArticleVectors:
    """One row per article of the BM25 index, kept in step with it."""

    def __init__(self, cache_dir: Path) -> None:
        self.file = cache_dir / CACHE
        self.generation = ""
        self.keys: list[str] = []
        self.vectors: Vectors = np.zeros((0, 0), dtype=np.float32)
        self.days: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self.sources: npt.NDArray[np.object_] = np.zeros(0, dtype=object)
        self.ids: list[str] = []
        self._docs: npt.NDArray[np.object_] = np.zeros(0, dtype=object)
        # the last question's scores: a question searches the whole archive and then its
        # as-of window with one vector, and at 1M chunks each product reads 134 MB (~10 ms)
        self._last: tuple[bytes, Vectors, npt.NDArray[np.float32]] | None = None
        self._load()

    def _load(self) -> None:
        try:
            with np.load(self.file, allow_pickle=False) as data:
                self.keys = [str(k) for k in data["keys"]]
                self.vectors = data["vectors"].astype(np.float32)
        except (OSError, ValueError, KeyError):
            self.keys = []

    def _save(self) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(self.file) as out:
            np.savez(out, keys=np.asarray(self.keys, dtype=str), vectors=self.vectors)

    def sync(self, store: Store, index: BM25Index) -> None:
        """Align with the index's articles; fetch vectors only for new or changed ones."""
        if index.generation == self.generation:
            return
        catalogue = index.catalogue
        keys = catalogue.article_keys()
        if keys == self.keys and len(self.vectors) == len(keys):  # the same article versions
            self._adopt(index)  # (another process wrote nothing new: 160 MB unsaved at 1M)
            return
        cached = dict(zip(self.keys, self.vectors, strict=True))
        missing = [
            doc for doc, key in zip(catalogue.article_ids, keys, strict=True) if key not in cached
        ]
        fetched = store.article_vectors(missing) if missing else {}
        rows = [
            cached.get(key, fetched.get(doc))
            for doc, key in zip(catalogue.article_ids, keys, strict=True)
        ]
        dim = next((len(r) for r in rows if r is not None), DIM)  # DIM: none stored at all
        self.vectors = np.asarray(
            [r if r is not None else np.zeros(dim, np.float32) for r in rows], dtype=np.float32
        ).reshape(len(rows), dim)
        self.keys = keys
        self._adopt(index)
        self._save()
        log.info("article vectors synced: %d articles, %d fetched", len(keys), len(fetched))

    def _adopt(self, index: BM25Index) -> None:
        """Take the index's article order, days and sources, and its generation."""
        catalogue = index.catalogue
        self.ids, self.days, self.sources = (
            catalogue.article_ids,
            catalogue.article_days,
            catalogue.article_sources,
        )
        self._docs = np.asarray(self.ids, dtype=object)
        self.generation = index.generation

    def scores(self, vector: Vectors) -> npt.NDArray[np.float32]:
        """Every article's cosine with ``vector``; computed once for the same vector and
        the same rows (new rows, after a sync, are a new array: never stale scores)."""
        key, rows, last = vector.tobytes(), self.vectors, self._last
        if last is not None and last[0] == key and last[1] is rows:
            return last[2]
        scores: npt.NDArray[np.float32] = rows @ vector.astype(np.float32)
        self._last = (key, rows, scores)  # one assignment: a thread beside reads either
        return scores

    def search(
        self, vector: Vectors, k: int, filters: Filters | None = None
    ) -> list[tuple[str, float]]:
        """Nearest articles as (doc_id, cosine similarity), best first."""
        if not self.ids or k <= 0:
            return []
        scores = self.scores(vector)
        mask = filter_mask(filters, self.days, self.sources, self._docs)
        candidates = np.flatnonzero(mask) if mask is not None else np.arange(len(scores))
        if not len(candidates):
            return []
        k = min(k, len(candidates))
        top = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top]
