"""Chroma-backed storage of articles and their chunks (embedded on disk, or a server).

Two collections per index: ``<name>_chunks`` (one record per chunk: embedding, and in its
metadata the cleaned text, span and doc_id) and ``<name>_articles`` (one per article:
original text and metadata; its vector is the mean of its chunks'). A ``generation``
stamp in the chunks collection's metadata changes on every write, so derived indexes
(BM25) know when they are stale.

Texts (a chunk's, an article's) are kept in the record's metadata, not as Chroma
"documents": Chroma indexes every document for full-text search, which Newsdesk never
uses (BM25 is its own), and that index was most of a write's time (8,000 chunks: 8.9 s as
documents, 4.0 s in metadata; 800 articles: 1.8 s and 0.6 s). Stores written before keep
their texts as documents, and are read the same way.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from rag.config import StoreSettings
from rag.contract import Article, ArticleMeta, Filters
from rag.embedding import ModelRecord, Vectors
from rag.errors import NotFoundError, StoreError
from rag.search.records import Chunk
from rag.text import date_to_ordinal

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings

log = logging.getLogger(__name__)
PAGE = 2000
# Ids alone come in pages this large: Chroma pages by offset, each page scanning past all
# before it, so 2,000-id pages made listing a million chunks quadratic (219 s; 4-12 s in
# pages of 100,000, each a few megabytes).
ID_PAGE = 100_000
TEXT = "text"  # the metadata key of a record's text (a chunk's, an article's)


def connect(settings: StoreSettings) -> ClientAPI:
    """A Chroma client for the configured mode, or StoreError naming where it looked."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.mode == "http":
            client = chromadb.HttpClient(
                host=settings.host, port=settings.port, settings=chroma_settings
            )
            client.heartbeat()
            return client
        settings.path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.path), settings=chroma_settings)
    except Exception as exc:  # chroma raises many types (ValueError, httpx errors, ...)
        where = f"{settings.host}:{settings.port}" if settings.mode == "http" else settings.path
        raise StoreError(f"cannot open the Chroma store at {where}: {exc}") from exc


def filters_to_where(filters: Filters | None) -> dict[str, Any] | None:
    """The Chroma ``where`` clause for the filters (None when there are none)."""
    if filters is None:
        return None
    clauses: list[dict[str, Any]] = []
    if filters.source:
        clauses.append({"source": filters.source})
    dated: list[dict[str, Any]] = []
    if filters.published_after:
        dated.append({"published_day": {"$gte": date_to_ordinal(filters.published_after)}})
    if filters.published_before:
        dated.append({"published_day": {"$lte": date_to_ordinal(filters.published_before)}})
    if dated and filters.undated:  # in the range, or no date at all (day 0)
        inside = dated[0] if len(dated) == 1 else {"$and": dated}
        dated = [{"$or": [inside, {"published_day": 0}]}]
    clauses += dated
    if filters.exclude:
        clauses.append({"doc_id": {"$nin": list(filters.exclude)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _meta_record(meta: Article) -> dict[str, Any]:
    return {
        "title": meta.title,
        "source": meta.source,
        "published_at": meta.published_at,
        "published_day": date_to_ordinal(meta.published_at),
        "updated_at": meta.updated_at,
        "url": meta.url,
        "authors": "; ".join(meta.authors),
        "content_hash": meta.content_hash,
        "n_chunks": meta.n_chunks,
        "origin": meta.origin,
        "kind": meta.kind,
        "locations": json.dumps(meta.locations),  # Chroma metadata holds scalars only
    }


def _fields(doc_id: str, rec: dict[str, Any]) -> dict[str, Any]:
    """An article record's metadata as ArticleMeta fields."""
    return {
        "doc_id": doc_id,
        "title": str(rec.get("title", "")),
        "source": str(rec.get("source", "")),
        "published_at": str(rec.get("published_at", "")),
        "updated_at": str(rec.get("updated_at", "")),
        "url": str(rec.get("url", "")),
        "authors": tuple(a for a in str(rec.get("authors", "")).split("; ") if a),
        "content_hash": str(rec.get("content_hash", "")),
        "n_chunks": int(rec.get("n_chunks", 0)),
        "origin": str(rec.get("origin", "")),
        "kind": str(rec.get("kind") or "article"),  # stores written before kinds: articles
    }


def _locations(rec: dict[str, Any]) -> list[tuple[int, str]]:
    """An article record's locations (none in stores written before them)."""
    return [(int(o), str(label)) for o, label in json.loads(str(rec.get("locations") or "[]"))]


def _text(meta: Any, document: str | None) -> str:
    """A chunk's or article's text: in its metadata, or (a store written before) its
    document."""
    text = meta.get(TEXT)
    return str(text) if text is not None else document or ""


def _chunk(chunk_id: str, meta: Any, document: str | None) -> Chunk:
    seq, start, end = int(meta["seq"]), int(meta["start"]), int(meta["end"])
    return Chunk(chunk_id, str(meta["doc_id"]), seq, _text(meta, document), start, end)


def _vectors(collection: Collection, ids: Sequence[str]) -> dict[str, Vectors]:
    """The stored vectors of those of the ids that exist, a page of ids at a time."""
    out: dict[str, Vectors] = {}
    for lo in range(0, len(ids), PAGE):
        found = collection.get(ids=list(ids[lo : lo + PAGE]), include=["embeddings"])
        vectors = found["embeddings"] if found["embeddings"] is not None else []
        out.update(zip(found["ids"], np.asarray(vectors, dtype=np.float32), strict=True))
    return out


def _mean_vector(vectors: Vectors) -> Vectors:
    """An article's vector: the normalised mean of its chunks' (Chroma needs one)."""
    mean = vectors.mean(axis=0)
    normalised: Vectors = mean / max(float(np.linalg.norm(mean)), 1e-12)
    return normalised


class ChromaStore:
    """Articles and chunks in Chroma; every method raises StoreError on backend trouble."""

    def __init__(self, settings: StoreSettings, model: ModelRecord) -> None:
        self.settings = settings
        self.model_id = model.model
        self._record = model.metadata()
        self.client = connect(settings)
        self.chunks = self._collection(f"{settings.collection}_chunks")
        self.articles = self._collection(f"{settings.collection}_articles")
        self._check_model(model)

    def _collection(self, name: str) -> Collection:
        return self.client.get_or_create_collection(
            name,
            metadata={**self._record, "generation": uuid.uuid4().hex},
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
        )

    def _check_model(self, model: ModelRecord) -> None:
        """Refuse a store another model built; keep the record of the backend that built
        it (a record an earlier version wrote, the model id alone, gains the rest at the
        next write)."""
        built = ModelRecord.from_metadata(self.chunks.metadata or {})
        if built is None:
            return
        if built.differences(model):
            settings = self.settings
            where = f"{settings.host}:{settings.port}" if settings.mode == "http" else settings.path
            raise StoreError(
                f"the store '{settings.collection}' at {where} was built with "
                f"{built.describe()}, but the config gives {model.describe()}: set the "
                "embedding section back, or point store.path at a new folder and ingest again"
            )
        if built.backend:
            self._record["embedding_backend"] = built.backend

    def generation(self) -> str:
        """Changes whenever chunks are added or removed (by this or any other process)."""
        name = self.chunks.name
        return str((self.client.get_collection(name).metadata or {}).get("generation", ""))

    def identity(self) -> str:
        """Chroma's id of the chunks collection: kept when the store's folder moves, new
        when the collection is made again."""
        return str(self.chunks.id)

    def _bump(self) -> None:
        self.chunks.modify(metadata={**self._record, "generation": uuid.uuid4().hex})

    # --- writing -------------------------------------------------------------------------

    def content_hashes(self, doc_ids: Sequence[str]) -> dict[str, str]:
        """Stored content hash of each given article that exists."""
        if not doc_ids:
            return {}
        found = self.articles.get(ids=list(doc_ids), include=["metadatas"])
        metas = found["metadatas"] or []
        return {i: str(m.get("content_hash", "")) for i, m in zip(found["ids"], metas, strict=True)}

    def write_articles(
        self, batch: Sequence[tuple[Article, Sequence[Chunk], Vectors]]
    ) -> list[str]:
        """Store a batch of articles: new chunks first, then the articles, then old chunks go.

        In that order a crash never loses what was stored before; at worst an old and a
        new version of one article coexist until it is ingested again. One call per
        collection per batch: Chroma's per-call cost, not its per-record cost, dominates.
        """
        if not batch:
            return []
        doc_ids = [article.doc_id for article, _, _ in batch]
        where: Any = {"doc_id": {"$in": doc_ids}}
        old = self.chunks.get(where=where, include=[])["ids"]
        records: Any = [_meta_record(article) for article, _, _ in batch]
        chunks = [(c, r) for (_, cs, _), r in zip(batch, records, strict=True) for c in cs]
        vectors = np.concatenate([v for _, _, v in batch]) if chunks else None
        for lo in range(0, len(chunks), PAGE):
            part = chunks[lo : lo + PAGE]
            self.chunks.upsert(
                ids=[c.chunk_id for c, _ in part],
                embeddings=vectors[lo : lo + PAGE],  # type: ignore[index]
                metadatas=[self._chunk_meta(c, r) for c, r in part],
            )
        self.articles.upsert(
            ids=doc_ids,
            embeddings=[_mean_vector(v).tolist() for _, _, v in batch],
            metadatas=[{**r, TEXT: a.text} for (a, _, _), r in zip(batch, records, strict=True)],
        )
        stale = sorted(set(old) - {c.chunk_id for c, _ in chunks})
        if stale:
            self.chunks.delete(ids=stale)
        self._bump()
        return stale

    @staticmethod
    def _chunk_meta(chunk: Chunk, record: dict[str, Any]) -> dict[str, Any]:
        keep = ("source", "published_day")
        return {
            "doc_id": chunk.doc_id,
            "seq": chunk.seq,
            "start": chunk.start,
            "end": chunk.end,
            TEXT: chunk.text,
            **{k: record[k] for k in keep},
        }

    def delete_article(self, doc_id: str) -> None:
        """Remove an article and its chunks; NotFoundError when there is none."""
        if not self.articles.get(ids=[doc_id], include=[])["ids"]:
            raise NotFoundError(f"no article with id '{doc_id}'")
        self.chunks.delete(where={"doc_id": doc_id})
        self.articles.delete(ids=[doc_id])
        self._bump()

    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        """Remove chunks by id (what ``newsdesk check --repair`` finds astray)."""
        for lo in range(0, len(chunk_ids), PAGE):
            self.chunks.delete(ids=list(chunk_ids[lo : lo + PAGE]))
        if chunk_ids:
            self._bump()

    # --- reading -------------------------------------------------------------------------

    def get_articles(self, doc_ids: Sequence[str]) -> dict[str, Article]:
        if not doc_ids:
            return {}
        found = self.articles.get(
            ids=list(dict.fromkeys(doc_ids)), include=["metadatas", "documents"]
        )
        docs, metas = found["documents"] or [], found["metadatas"] or []
        return {
            i: Article(**_fields(i, dict(m)), text=_text(m, d), locations=_locations(dict(m)))
            for i, m, d in zip(found["ids"], metas, docs, strict=True)
        }

    def get_article(self, doc_id: str) -> Article:
        article = self.get_articles([doc_id]).get(doc_id)
        if article is None:
            raise NotFoundError(f"no article with id '{doc_id}'")
        return article

    def list_articles(self, offset: int = 0, limit: int = 50) -> list[ArticleMeta]:
        found = self.articles.get(include=["metadatas"], offset=offset, limit=limit)
        metas = found["metadatas"] or []
        return [
            ArticleMeta(**_fields(i, dict(m))) for i, m in zip(found["ids"], metas, strict=True)
        ]

    def count_articles(self) -> int:
        return self.articles.count()

    def count_chunks(self) -> int:
        return self.chunks.count()

    def get_chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        """Chunks in the order asked for (missing ones are skipped)."""
        if not chunk_ids:
            return []
        found = self.chunks.get(ids=list(chunk_ids), include=["metadatas", "documents"])
        docs, metas = found["documents"] or [], found["metadatas"] or []
        by_id = {i: _chunk(i, m, d) for i, m, d in zip(found["ids"], metas, docs, strict=True)}
        return [by_id[i] for i in chunk_ids if i in by_id]

    def dense_search(
        self, vector: Vectors, k: int, filters: Filters | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks as (chunk_id, cosine similarity), best first. (Chroma 1.5 returns
        fewer than k when there are fewer; counting first cost ~9 ms on 82k chunks.)"""
        result = self.chunks.query(
            query_embeddings=[vector.tolist()],
            n_results=k,
            where=filters_to_where(filters),
            include=["distances"],
        )
        distances = (result["distances"] or [[]])[0]
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], distances, strict=True)]

    def article_vectors(self, doc_ids: Sequence[str]) -> dict[str, Vectors]:
        """Stored article vectors (the mean of their chunks')."""
        return _vectors(self.articles, doc_ids)

    def chunk_vectors(self, chunk_ids: Sequence[str]) -> dict[str, Vectors]:
        return _vectors(self.chunks, chunk_ids)

    def iter_chunk_ids(self) -> Iterator[list[str]]:
        """All chunk ids, a page at a time (no metadata: it holds the texts). A short page
        is the last: asking past the end costs Chroma a scan of everything before it."""
        offset = 0
        while True:
            page = self.chunks.get(include=[], offset=offset, limit=ID_PAGE)
            if page["ids"]:
                yield list(page["ids"])
            if len(page["ids"]) < ID_PAGE:
                return
            offset += len(page["ids"])

    def chunk_records(self, chunk_ids: Sequence[str]) -> list[tuple[dict[str, Any], str]]:
        out: list[tuple[dict[str, Any], str]] = []
        for lo in range(0, len(chunk_ids), PAGE):
            part = list(chunk_ids[lo : lo + PAGE])
            found = self.chunks.get(ids=part, include=["metadatas", "documents"])
            docs, metas = found["documents"] or [], found["metadatas"] or []
            by_id = {
                i: ({k: v for k, v in m.items() if k != TEXT}, _text(m, d))
                for i, m, d in zip(found["ids"], metas, docs, strict=True)
            }
            out.extend(by_id.get(i, ({}, "")) for i in part)
        return out
