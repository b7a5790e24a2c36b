"""Hybrid retrieval: dense (Chroma) and sparse (BM25) candidates, fused by reciprocal rank.

Each stage is a small class with one method, so a benchmark or a user can swap one
(e.g. dense only) without touching the others. Fusion works on ranks, not raw scores,
because cosine similarities and BM25 scores live on unrelated scales.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from rag.bm25 import BM25Index
from rag.embed import Embedder
from rag.models import Filters, Hit
from rag.store import ChromaStore
from rag.text import tokenize

Ranked = list[tuple[str, float]]


class CandidateSource(Protocol):
    def candidates(self, question: str, k: int, filters: Filters | None) -> Ranked: ...


class DenseRetriever:
    """Nearest chunks by MiniLM cosine similarity."""

    def __init__(self, store: ChromaStore, embedder: Embedder) -> None:
        self.store, self.embedder = store, embedder

    def candidates(self, question: str, k: int, filters: Filters | None) -> Ranked:
        vector = self.embedder.embed([question])[0]
        return self.store.dense_search(vector, k, filters)


class SparseRetriever:
    """Best chunks by BM25 over stemmed content words."""

    def __init__(self, index: BM25Index) -> None:
        self.index = index

    def candidates(self, question: str, k: int, filters: Filters | None) -> Ranked:
        return self.index.search(tokenize(question), k, filters)


@dataclass(frozen=True)
class Recency:
    """Prefer articles published in the ``days`` before an as-of date (news is asked at a time)."""

    as_of: date
    days: int
    weight: float


def rrf(rankings: Sequence[Ranked], k: int) -> dict[str, float]:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the lists a chunk appears in."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, (chunk_id, _) in enumerate(ranking):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (k + rank + 1)
    return fused


class HybridRetriever:
    """Dense + sparse candidates, RRF, optional recency boost, then the top chunks."""

    def __init__(
        self,
        store: ChromaStore,
        sources: Sequence[tuple[CandidateSource, int]],
        index: BM25Index,
        rrf_k: int = 60,
    ) -> None:
        self.store, self.sources, self.index, self.rrf_k = store, sources, index, rrf_k

    def retrieve(
        self,
        question: str,
        top_k: int,
        filters: Filters | None = None,
        recency: Recency | None = None,
    ) -> list[Hit]:
        rankings = [source.candidates(question, k, filters) for source, k in self.sources]
        fused = rrf(rankings, self.rrf_k)
        if recency is not None:
            self._boost(fused, recency)
        best = sorted(fused.items(), key=lambda item: -item[1])[:top_k]
        chunks = {c.chunk_id: c for c in self.store.get_chunks([cid for cid, _ in best])}
        return [
            Hit(chunks[cid], score, rank)
            for rank, (cid, score) in enumerate((cid, s) for cid, s in best if cid in chunks)
        ]

    def _boost(self, fused: dict[str, float], recency: Recency) -> None:
        end = recency.as_of.toordinal()
        bonus = recency.weight / self.rrf_k
        for chunk_id in fused:
            day = self.index.day_of(chunk_id)
            if day and end - recency.days <= day <= end:
                fused[chunk_id] += bonus
