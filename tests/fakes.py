"""Honest in-memory stand-ins for the model and the vector store, for the fast test tier.

They implement the same protocols as the real parts (``rag.embedding.Embedder``,
``rag.search.Store``, ``rag.text.EntityTagger``) and behave like them where the core can
tell: vectors are unit length and alike for texts that share words; the store keeps what
it is given, searches by cosine, honours filters, and changes its generation on every
write; the tagger finds the names it is told. They are fakes: a test that needs the real
model's judgement of meaning or of names, or Chroma's, belongs to the full suite.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from rag.contract import Article, ArticleMeta, Filters
from rag.embedding import DIM, Vectors
from rag.errors import NotFoundError
from rag.search import Chunk
from rag.text import Entity, date_to_ordinal, terms


class HashingEmbedder:
    """Bag of stemmed words hashed into ``DIM`` signed buckets, L2-normalised."""

    model_id = "hashing-test"
    dimensions = DIM
    device = "cpu"
    batch_size = 32

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for term in terms(text):
                digest = hashlib.blake2b(term.encode(), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % DIM
                out[row, bucket] += 1.0 if digest[4] & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        normalised: Vectors = out / np.maximum(norms, 1e-12)
        return normalised


class DictStore:
    """Articles and chunks in dicts; the :class:`rag.search.Store` protocol, in memory."""

    def __init__(self, model_id: str = HashingEmbedder.model_id) -> None:
        self.model_id = model_id
        self.articles: dict[str, Article] = {}
        self.article_vecs: dict[str, Vectors] = {}
        self.chunks: dict[str, tuple[Chunk, Vectors, str, int]] = {}  # + source, day
        self._generation = uuid.uuid4().hex
        self._identity = uuid.uuid4().hex
        self.writes = 0

    def generation(self) -> str:
        return self._generation

    def identity(self) -> str:
        return self._identity

    def _bump(self) -> None:
        self._generation = uuid.uuid4().hex

    def content_hashes(self, doc_ids: Sequence[str]) -> dict[str, str]:
        return {d: self.articles[d].content_hash for d in doc_ids if d in self.articles}

    def write_articles(
        self, batch: Sequence[tuple[Article, Sequence[Chunk], Vectors]]
    ) -> list[str]:
        self.writes += 1
        removed: list[str] = []
        for article, chunks, vectors in batch:
            old: set[str] = set()
            if article.doc_id in self.articles:  # (scanning for every new one is slow)
                old = {cid for cid, (c, *_) in self.chunks.items() if c.doc_id == article.doc_id}
            day = date_to_ordinal(article.published_at)
            for chunk, vector in zip(chunks, vectors, strict=True):
                self.chunks[chunk.chunk_id] = (chunk, vector, article.source, day)
            self.articles[article.doc_id] = article
            mean = vectors.mean(axis=0)
            self.article_vecs[article.doc_id] = mean / max(float(np.linalg.norm(mean)), 1e-12)
            for stale in sorted(old - {c.chunk_id for c in chunks}):
                del self.chunks[stale]
                removed.append(stale)
        self._bump()
        return removed

    def delete_article(self, doc_id: str) -> None:
        if doc_id not in self.articles:
            raise NotFoundError(f"no article with id '{doc_id}'")
        del self.articles[doc_id], self.article_vecs[doc_id]
        self.chunks = {k: v for k, v in self.chunks.items() if v[0].doc_id != doc_id}
        self._bump()

    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        for chunk_id in chunk_ids:
            self.chunks.pop(chunk_id, None)
        if chunk_ids:
            self._bump()

    def get_articles(self, doc_ids: Sequence[str]) -> dict[str, Article]:
        return {d: self.articles[d] for d in doc_ids if d in self.articles}

    def get_article(self, doc_id: str) -> Article:
        if doc_id not in self.articles:
            raise NotFoundError(f"no article with id '{doc_id}'")
        return self.articles[doc_id]

    def list_articles(self, offset: int = 0, limit: int = 50) -> list[ArticleMeta]:
        rows = list(self.articles.values())[offset : offset + limit]
        return [a.meta for a in rows]

    def count_articles(self) -> int:
        return len(self.articles)

    def count_chunks(self) -> int:
        return len(self.chunks)

    def get_chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        return [self.chunks[c][0] for c in chunk_ids if c in self.chunks]

    def dense_search(
        self, vector: Vectors, k: int, filters: Filters | None = None
    ) -> list[tuple[str, float]]:
        scored = [
            (cid, float(vec @ vector))
            for cid, (chunk, vec, source, day) in self.chunks.items()
            if _passes(filters, chunk.doc_id, source, day)
        ]
        return sorted(scored, key=lambda pair: -pair[1])[:k]

    def article_vectors(self, doc_ids: Sequence[str]) -> dict[str, Vectors]:
        return {d: self.article_vecs[d] for d in doc_ids if d in self.article_vecs}

    def chunk_vectors(self, chunk_ids: Sequence[str]) -> dict[str, Vectors]:
        return {c: np.asarray(self.chunks[c][1], dtype=np.float32) for c in chunk_ids
                if c in self.chunks}  # fmt: skip

    def iter_chunk_ids(self) -> Iterator[list[str]]:
        if self.chunks:
            yield list(self.chunks)

    def chunk_records(self, chunk_ids: Sequence[str]) -> list[tuple[dict[str, Any], str]]:
        out: list[tuple[dict[str, Any], str]] = []
        for cid in chunk_ids:
            if cid not in self.chunks:
                out.append(({}, ""))
                continue
            c, _, source, day = self.chunks[cid]
            out.append(({"doc_id": c.doc_id, "source": source, "published_day": day}, c.text))
        return out


def _passes(filters: Filters | None, doc_id: str, source: str, day: int) -> bool:
    if filters is None:
        return True
    if doc_id in filters.exclude or (filters.source and source != filters.source):
        return False
    if filters.undated and day == 0:
        return True
    if filters.published_after and day < date_to_ordinal(filters.published_after):
        return False
    return not (filters.published_before and day > date_to_ordinal(filters.published_before))


_PATTERNS = (
    (
        "MONEY",
        re.compile(
            r"\$\d[\d,.]*(?:\s+(?:million|billion|trillion))?|\d[\d,.]*(?:\s+(?:million|"
            r"billion|trillion))?\s+(?:euros|dollars|pounds)"
        ),
    ),
    ("PERCENT", re.compile(r"\d[\d,.]*\s?(?:%|percent)")),
    (
        "DATE",
        re.compile(
            r"\b(?:(?:January|February|March|April|May|June|July|August|September|October|"
            r"November|December)(?:\s+\d{1,2})?(?:,?\s+\d{4})?|Monday|Tuesday|Wednesday|"
            r"Thursday|Friday|Saturday|Sunday|(?:19|20)\d\d)\b"
        ),
    ),
    ("CARDINAL", re.compile(r"\b\d[\d,.]*\b")),
)


class GazetteerTagger:
    """A named-entity tagger for the fast tier: the names it is given (a gazetteer, e.g.
    ``{"Dmitry Peskov": "PERSON"}``) where they occur, and money, percents, dates and
    numbers by pattern. It knows no name it was not told: a test of the real model's
    judgement ("United States" is no person) belongs to the full suite."""

    def __init__(self, names: dict[str, str] | None = None) -> None:
        self.names = dict(names or {})
        self.calls = 0

    def tag(self, texts: Sequence[str]) -> list[tuple[Entity, ...]]:
        self.calls += 1
        return [self._tag(text) for text in texts]

    def _tag(self, text: str) -> tuple[Entity, ...]:
        found: list[Entity] = []
        taken: list[tuple[int, int]] = []
        spans = [
            (m, label)
            for name, label in self.names.items()
            for m in re.finditer(rf"\b{re.escape(name)}\b", text)
        ]
        spans += [(m, label) for label, pattern in _PATTERNS for m in pattern.finditer(text)]
        for match, label in spans:
            start, end = match.span()
            if all(end <= s or start >= e for s, e in taken):
                taken.append((start, end))
                found.append(Entity(match.group(), label, start, end))
        return tuple(sorted(found, key=lambda e: e.start))
