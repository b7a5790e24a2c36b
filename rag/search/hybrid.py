"""Hybrid retrieval: dense (Chroma) and sparse (BM25) candidates, fused by reciprocal rank.

Each stage is a small class with one method, so a benchmark or a user can swap one
(e.g. dense only) without touching the others. Fusion works on ranks, not raw scores,
because cosine similarities and BM25 scores live on unrelated scales. Whole articles are
ranked too (article BM25, article mean vectors), and an article's fused rank adds to each
of its chunks: a passage of an article *about* the subject beats a passing mention. With
an as-of date, the in-memory searches run again within the recency window (a week's
articles can be a needle in a large archive) and chunks of articles in the window get a
bonus. The top passages come from as many articles as possible before any repeats.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from rag.config import RetrievalSettings
from rag.contract import Filters
from rag.embedding import Embedder, Vectors
from rag.search.article_vectors import ArticleVectors
from rag.search.bm25 import BM25Index
from rag.search.protocols import Store
from rag.search.records import Hit
from rag.search.windowed import dense_within
from rag.text import terms

Ranked = list[tuple[str, float]]


class CandidateSource(Protocol):
    """Ranks chunks (ids) for a question."""

    def candidates(self, question: str, k: int, filters: Filters | None) -> Ranked: ...


class ArticleSource(Protocol):
    """Ranks whole articles (doc ids) for a question; cheap enough to search twice."""

    def articles(self, question: str, k: int, filters: Filters | None) -> Ranked: ...


class DenseRetriever:
    """Nearest chunks by MiniLM cosine similarity."""

    def __init__(self, store: Store, embedder: Embedder, index: BM25Index | None = None) -> None:
        self.store, self.embedder, self.index = store, embedder, index
        self._last: tuple[str, Vectors] | None = None  # the eval asks twice; so may a UI

    def candidates(self, question: str, k: int, filters: Filters | None) -> Ranked:
        """With the chunk catalogue at hand (``index``), filters are applied here rather
        than by Chroma (:mod:`rag.search.windowed`)."""
        if self.index is None:
            return self.store.dense_search(self.vector(question), k, filters)
        return dense_within(self.store, self.index.catalogue, self.vector(question), k, filters)

    def vector(self, question: str) -> Vectors:
        """The question's vector, embedded once however many searches use it."""
        last = self._last  # one read: another thread may replace it meanwhile
        if last is None or last[0] != question:
            last = self._last = (question, self.embedder.embed([question])[0])
        return last[1]


class SparseRetriever:
    """Best chunks by BM25 over stemmed content words."""

    def __init__(self, index: BM25Index) -> None:
        self.index = index

    def candidates(self, question: str, k: int, filters: Filters | None) -> Ranked:
        return self.index.search(terms(question), k, filters)


class DenseArticleRetriever:
    """Nearest articles by the cosine of the question and the article's mean vector."""

    def __init__(self, dense: DenseRetriever, vectors: ArticleVectors) -> None:
        self.dense, self.vectors = dense, vectors

    def articles(self, question: str, k: int, filters: Filters | None) -> Ranked:
        # the vectors are kept in step by their owner (rag.corpus), never by a reader
        return self.vectors.search(self.dense.vector(question), k, filters)


class SparseArticleRetriever:
    """Best whole articles by BM25."""

    def __init__(self, index: BM25Index) -> None:
        self.index = index

    def articles(self, question: str, k: int, filters: Filters | None) -> Ranked:
        return self.index.search_articles(terms(question), k, filters)


@dataclass(frozen=True)
class Recency:
    """Prefer articles published in the ``days`` before an as-of date (news is asked at a time)."""

    as_of: date
    days: int
    weight: float

    @classmethod
    def of(cls, as_of: date | None, settings: RetrievalSettings) -> Recency | None:
        """The recency preference for a question asked on ``as_of`` (None: no preference)."""
        return cls(as_of, settings.recency_days, settings.recency_weight) if as_of else None

    def window(self, filters: Filters | None) -> Filters | None:
        """The filters narrowed to the window of preferred days (None when it is empty)."""
        end = self.as_of
        start = end - timedelta(days=min(self.days, end.toordinal() - 1))  # not before year 1
        base = filters or Filters()
        after = max(start, base.published_after or start)
        before = min(end, base.published_before or end)
        if after > before:
            return None
        days = {"published_after": after, "published_before": before, "undated": False}
        return base.model_copy(update=days)  # preferred: dated in the window, not undated


def rrf(rankings: Sequence[Ranked], k: int) -> dict[str, float]:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the lists a chunk appears in."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, (chunk_id, _) in enumerate(ranking):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (k + rank + 1)
    return fused


def diversify(order: Sequence[str], doc_of: Callable[[str], str], n: int, per: int) -> list[str]:
    """The first n of ``order``, taking at most ``per`` chunks of an article until all have had
    their turn (then the rest, in order, fill any places left)."""
    taken: dict[str, int] = {}
    first: list[str] = []
    rest: list[str] = []
    for chunk_id in order:
        doc = doc_of(chunk_id)
        if taken.get(doc, 0) < per:
            taken[doc] = taken.get(doc, 0) + 1
            first.append(chunk_id)
            if len(first) == n:
                break
        else:
            rest.append(chunk_id)
    return (first + rest)[:n]


class HybridRetriever:
    """Chunk and article candidates, RRF, optional recency boost, then diverse top chunks."""

    def __init__(
        self,
        store: Store,
        sources: Sequence[tuple[CandidateSource, int]],
        index: BM25Index,
        rrf_k: int = 60,
        article_sources: Sequence[tuple[ArticleSource, int]] = (),
        per_article: int = 1,
    ) -> None:
        self.store, self.index, self.rrf_k = store, index, rrf_k
        self.sources = list(sources)
        self.article_sources = [(s, k) for s, k in article_sources if k > 0]
        self.per_article = per_article
        # Searched again within the recency window: only BM25, whose filters are an
        # in-memory mask (a filtered Chroma query costs more than the whole ask budget).
        self._windowed = [(s, k) for s, k in self.sources if isinstance(s, SparseRetriever)]

    def retrieve(
        self,
        question: str,
        top_k: int,
        filters: Filters | None = None,
        recency: Recency | None = None,
    ) -> list[Hit]:
        rankings = [source.candidates(question, k, filters) for source, k in self.sources]
        window = recency.window(filters) if recency is not None else None
        if window is not None:  # the days before as_of may be a needle in a large haystack
            rankings += [s.candidates(question, k, window) for s, k in self._windowed]
        fused = rrf(rankings, self.rrf_k)
        if self.article_sources:
            self._add_articles(fused, question, filters, window)
        if recency is not None:
            self._boost(fused, recency)
        order = sorted(fused, key=lambda cid: -fused[cid])
        best = diversify(order, self.index.catalogue.doc_of, top_k, self.per_article)
        chunks = {c.chunk_id: c for c in self.store.get_chunks(best)}
        found = [cid for cid in best if cid in chunks]
        return [Hit(chunks[cid], fused[cid], rank) for rank, cid in enumerate(found)]

    def _add_articles(
        self,
        fused: dict[str, float],
        question: str,
        filters: Filters | None,
        window: Filters | None,
    ) -> None:
        """Add each candidate chunk's article's fused rank among whole articles."""
        scopes = [filters] if window is None else [filters, window]
        rankings = [s.articles(question, k, f) for f in scopes for s, k in self.article_sources]
        articles = rrf(rankings, self.rrf_k)
        for chunk_id in fused:
            fused[chunk_id] += articles.get(self.index.catalogue.doc_of(chunk_id), 0.0)

    def _boost(self, fused: dict[str, float], recency: Recency) -> None:
        end = recency.as_of.toordinal()
        bonus = recency.weight / self.rrf_k
        for chunk_id in fused:
            day = self.index.catalogue.day_of(chunk_id)
            if day and end - recency.days <= day <= end:
                fused[chunk_id] += bonus
