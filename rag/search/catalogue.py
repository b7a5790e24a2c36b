"""The chunk catalogue: which chunks exist, which article each belongs to, and what the
filters need of it (publisher, publication day), all in memory.

It is kept in step with the store by :class:`rag.search.bm25.BM25Index` (which persists it
with its term counts, one row per chunk in the same order), and read by everything that
needs to go from a chunk to its article or back without asking the store: fusion and
diversity (``doc_of``), recency (``day_of``), citations (``chunks_of``) and the article
vectors (``article_key``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from rag.search.ids import article_key

CatalogueEntry = tuple[str, str, str, int]  # chunk_id, doc_id, source, publication day


@dataclass
class ChunkCatalogue:
    """Per-chunk columns, aligned with one another (and with the BM25 count rows)."""

    ids: list[str] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    days: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._index()

    def _index(self) -> None:
        """The lookups derived from the columns (rebuilt whenever the columns change)."""
        self.day_array = np.asarray(self.days, dtype=np.int64)
        self.source_array = np.asarray(self.sources, dtype=object)
        self.doc_array = np.asarray(self.doc_ids, dtype=object)
        self.row_of = {cid: row for row, cid in enumerate(self.ids)}
        self.chunks_of: dict[str, list[str]] = {}
        for cid, doc in zip(self.ids, self.doc_ids, strict=True):
            self.chunks_of.setdefault(doc, []).append(cid)
        docs = np.asarray(self.doc_ids, dtype=object)
        articles, first, rows = np.unique(docs, return_index=True, return_inverse=True)
        self.article_ids: list[str] = [str(a) for a in articles]
        self.article_array: npt.NDArray[np.object_] = np.asarray(self.article_ids, dtype=object)
        self.article_days: npt.NDArray[np.int64] = self.day_array[first]
        self.article_sources: npt.NDArray[np.object_] = self.source_array[first]
        self.article_row: npt.NDArray[np.intp] = np.asarray(rows, dtype=np.intp).ravel()
        self.source_of: dict[str, str] = dict(
            zip(self.article_ids, (str(s) for s in self.article_sources), strict=True)
        )

    def keep_and_add(self, rows: Sequence[int], added: Sequence[CatalogueEntry]) -> ChunkCatalogue:
        """A catalogue of the given rows, in that order, then the added entries (one
        rebuild of the lookups, not two)."""
        return ChunkCatalogue(
            [self.ids[r] for r in rows] + [e[0] for e in added],
            [self.doc_ids[r] for r in rows] + [e[1] for e in added],
            [self.sources[r] for r in rows] + [e[2] for e in added],
            [self.days[r] for r in rows] + [e[3] for e in added],
        )

    def __len__(self) -> int:
        return len(self.ids)

    def doc_of(self, chunk_id: str) -> str:
        row = self.row_of.get(chunk_id)
        return self.doc_ids[row] if row is not None else ""

    def day_of(self, chunk_id: str) -> int:
        row = self.row_of.get(chunk_id)
        return self.days[row] if row is not None else 0

    def article_keys(self) -> list[str]:
        """Per article (in ``article_ids`` order): a key that changes with its content."""
        return [article_key(self.chunks_of[doc][0]) for doc in self.article_ids]
