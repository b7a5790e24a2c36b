"""Preparing an article for the store: its id and content hash, its cleaned text cut into
chunks with their ids, and its MinHash signature (wire copies), before any vector exists.

One function for every place that ingests: the local :class:`rag.desk.Indexer` and the
tasks of a distributed ingest (``services/cluster.py``, on Ray) both call
:meth:`Preparer.prepare`, so the same article gets the same ids, hashes and chunks
wherever it is prepared. A ``Preparer`` holds only settings and pickles small (its
chunker is made again in each process), and a :class:`Prepared` article is plain data.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from rag.config import ChunkingSettings, IngestSettings
from rag.contract import Article, ArticleInput, IngestFailure
from rag.embedding import VECTORS_VERSION
from rag.errors import IngestError
from rag.search import Chunk, article_id, chunk_id, content_hash, signature
from rag.text import CHUNKER_VERSION, Chunker, clean

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Planned:
    """An article to (re)index: its id, content hash, input, and whether it is new."""

    doc_id: str
    digest: str
    item: ArticleInput
    is_new: bool


@dataclass(frozen=True)
class Prepared:
    """An article ready for its vectors: the record to store, its chunks, whether it is
    new (else an update), and its wire-copy signature (None: too short to tell)."""

    article: Article
    chunks: list[Chunk]
    is_new: bool
    signature: np.ndarray | None = None

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.chunks]


class Preparer:
    """Cleans and chunks articles with the configured settings."""

    def __init__(self, chunking: ChunkingSettings, ingest: IngestSettings) -> None:
        self.chunking, self.ingest = chunking, ingest

    @cached_property
    def chunker(self) -> Chunker:
        return Chunker(self.chunking.chunk_size, self.chunking.chunk_overlap)

    def __getstate__(self) -> dict[str, object]:
        return {"chunking": self.chunking, "ingest": self.ingest}

    def warm_up(self) -> None:
        """Load the chunker's tokenizer and splitter now (a worker process does, as it
        starts, rather than on its first article)."""
        self.chunker.split(clean("Warm up.", False, ()))

    def key(self) -> str:
        """Everything besides the article that decides its chunks and vectors."""
        chunking, ingest = self.chunking, self.ingest
        parts = (
            CHUNKER_VERSION,
            VECTORS_VERSION,
            chunking.chunk_size,
            chunking.chunk_overlap,
            ingest.strip_boilerplate,
        )
        return "/".join(map(str, parts)) + "/" + "|".join(ingest.extra_boilerplate)

    def plan(
        self, items: Sequence[ArticleInput], stored: dict[str, str], force: bool = False
    ) -> tuple[list[Planned], list[str]]:
        """The articles to index, and the ids of those unchanged (same content hash as
        ``stored``, doc id -> hash). A later duplicate id in ``items`` wins. Cheap: no
        cleaning, only hashing."""
        keyed = {article_id(a): a for a in items}
        key = self.key()
        todo: list[Planned] = []
        unchanged: list[str] = []
        for doc_id, item in keyed.items():
            digest = content_hash(item, key)
            if stored.get(doc_id) == digest and not force:
                unchanged.append(doc_id)
            else:
                todo.append(Planned(doc_id, digest, item, doc_id not in stored))
        return todo, unchanged

    def prepare_all(self, todo: Sequence[Planned]) -> list[Prepared | IngestFailure]:
        """Each planned article prepared, or the failure that names it (one bad article,
        or a bug met on one, never stops the others)."""
        out: list[Prepared | IngestFailure] = []
        for planned in todo:
            origin = planned.item.origin or planned.doc_id
            try:
                out.append(self.prepare(planned))
            except IngestError as exc:
                out.append(IngestFailure(origin=origin, message=str(exc)))
            except Exception as exc:
                log.exception("preparing article %s failed", planned.doc_id)
                message = f"internal error while cleaning or chunking: {type(exc).__name__}: {exc}"
                out.append(IngestFailure(origin=origin, message=message))
        return out

    def prepare(self, planned: Planned) -> Prepared:
        """Clean and chunk one article (IngestError when no text is left)."""
        doc_id, digest, item = planned.doc_id, planned.digest, planned.item
        ingest = self.ingest
        cleaned = clean(item.text, ingest.strip_boilerplate, tuple(ingest.extra_boilerplate))
        spans = self.chunker.split(cleaned)
        if not spans:
            raise IngestError(f"{item.origin or doc_id}: no article text left after cleaning")
        chunks = [
            Chunk(chunk_id(doc_id, digest, s.seq), doc_id, s.seq, s.text, s.start, s.end)
            for s in spans
        ]
        article = Article(
            doc_id=doc_id,
            title=item.title,
            source=item.source,
            published_at=item.published_at,
            updated_at=item.updated_at,
            url=item.url,
            authors=item.authors,
            content_hash=digest,
            n_chunks=len(chunks),
            origin=item.origin,
            kind=item.kind,
            text=item.text,
            locations=item.locations,
        )
        return Prepared(article, chunks, planned.is_new, signature(item.text))
