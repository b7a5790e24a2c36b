"""Ingestion into the store: clean, chunk, embed and write new and changed articles.

Unchanged articles (same content hash, which covers the text, the metadata and the
chunking settings) are skipped; a failure on one article is reported and the batch goes on.

Readers (questions) share the store with an ingest: the slow part (cleaning, chunking,
embedding) runs without the desk's ``guard`` lock, and each write of a few articles takes
it briefly, updating the BM25 index in the same breath, so a question sees the store
before or after a write, never half of one, and never waits for the encoder.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from itertools import islice

import numpy as np

from rag.config import ChunkingSettings, IngestSettings
from rag.contract import Article, ArticleInput, IngestFailure, IngestReport
from rag.desk.journal import WriteJournal
from rag.desk.readers import Readers
from rag.embedding import VECTORS_VERSION, Embedder, Vectors
from rag.errors import IngestError
from rag.search import BM25Index, Chunk, Store, article_id, chunk_id, content_hash
from rag.search.copies import CopyIndex
from rag.text import CHUNKER_VERSION, Chunker, clean
from rag.text.dates import date_to_ordinal

log = logging.getLogger(__name__)
BATCH_ARTICLES = 64
WRITE_ARTICLES = 16  # per store write: how long a question may wait behind one
EMBED_SLICE = 32  # chunks embedded between looks at whether questions are waiting
YIELD_S = 0.5  # the longest an ingest waits for questions before each slice


@dataclass(frozen=True)
class _Prepared:
    article: Article
    chunks: list[Chunk]
    is_new: bool


@dataclass(frozen=True)
class _Embedding:
    """A batch of prepared articles whose chunk vectors are being computed."""

    todo: list[_Prepared]
    vectors: Future[Vectors]


class Indexer:
    """Writes articles into the store and keeps the BM25 index in step."""

    def __init__(
        self,
        chunking: ChunkingSettings,
        ingest: IngestSettings,
        embedder: Embedder,
        store: Store,
        index: BM25Index,
        guard: AbstractContextManager[object] | None = None,
        copies: CopyIndex | None = None,
    ) -> None:
        self.chunking, self.ingest = chunking, ingest
        self.embedder, self.store, self.index = embedder, store, index
        self.chunker = Chunker(chunking.chunk_size, chunking.chunk_overlap)
        self.guard = guard if guard is not None else threading.RLock()
        self.journal = WriteJournal(index.cache_dir)
        self.readers = Readers()
        self.copies = copies if copies is not None else CopyIndex(index.cache_dir)

    def run(
        self,
        items: Iterable[ArticleInput | IngestFailure],
        progress: Callable[[int], None] | None = None,
        force: bool = False,
    ) -> IngestReport:
        """Store new and changed articles; skip unchanged ones (unless ``force``: a repair
        rewrites them); collect failures.

        Embedding is the bulk of the work, so it runs in a worker thread (the encoder
        releases the GIL) while this thread writes the previous batch to the store and
        cleans and chunks the next one: the encoder never waits for Chroma.
        """
        report = IngestReport()
        iterator: Iterator[ArticleInput | IngestFailure] = iter(items)
        pending: _Embedding | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed") as pool:
            while batch := list(islice(iterator, BATCH_ARTICLES)):
                articles = [i for i in batch if isinstance(i, ArticleInput)]
                report.failed.extend(i for i in batch if isinstance(i, IngestFailure))
                todo = self._plan_batch(articles, report, pending, force)
                texts = [c.text for p in todo for c in p.chunks]
                current = _Embedding(todo, pool.submit(self._embed, texts)) if todo else None
                if pending is not None:
                    self._write(pending, report)
                pending = current
                if progress:
                    progress(len(batch))
            if pending is not None:
                self._write(pending, report)
        with self.guard:
            self.index.sync(self.store)
            self.index.flush()
            self.copies.flush()
        return report

    def _embed(self, texts: Sequence[str]) -> Vectors:
        """The texts' vectors, a slice at a time, making way for questions in between. A
        slice is at least the embedder's batch (a GPU's is large: small slices starve it)."""
        parts = []
        size = max(EMBED_SLICE, self.embedder.batch_size)
        for lo in range(0, len(texts), size):
            self.readers.wait_idle(YIELD_S)
            parts.append(self.embedder.embed(texts[lo : lo + size]))
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def _plan_batch(
        self,
        inputs: Sequence[ArticleInput],
        report: IngestReport,
        pending: _Embedding | None,
        force: bool = False,
    ) -> list[_Prepared]:
        """Clean and chunk the batch's new and changed articles (the rest is reported)."""
        keyed = {article_id(a): a for a in inputs}  # a later duplicate id wins
        with self.guard:
            stored = self.store.content_hashes(list(keyed)) if keyed else {}
        if pending is not None:  # not written yet, but it will be before this batch
            stored.update((p.article.doc_id, p.article.content_hash) for p in pending.todo)
        todo: list[_Prepared] = []
        for doc_id, item in keyed.items():
            digest = content_hash(item, self.chunking_key())
            if stored.get(doc_id) == digest and not force:
                report.unchanged.append(doc_id)
                continue
            try:
                todo.append(self._prepare(doc_id, digest, item, doc_id not in stored))
            except IngestError as exc:
                report.failed.append(IngestFailure(origin=item.origin or doc_id, message=str(exc)))
            except Exception as exc:  # a bug met on one article must not stop the batch
                log.exception("preparing article %s failed", doc_id)
                message = f"internal error while cleaning or chunking: {type(exc).__name__}: {exc}"
                report.failed.append(IngestFailure(origin=item.origin or doc_id, message=message))
        return todo

    def _write(self, embedding: _Embedding, report: IngestReport) -> None:
        vectors = embedding.vectors.result()
        batch, offset = [], 0
        for prepared in embedding.todo:
            n = len(prepared.chunks)
            batch.append((prepared.article, prepared.chunks, vectors[offset : offset + n]))
            offset += n
        for lo in range(0, len(batch), WRITE_ARTICLES):
            self._store(batch[lo : lo + WRITE_ARTICLES])
        for prepared in embedding.todo:
            report.chunks_written += len(prepared.chunks)
            done = report.added if prepared.is_new else report.updated
            done.append(prepared.article.doc_id)

    def _store(self, part: list[tuple[Article, list[Chunk], Vectors]]) -> None:
        """One write, under the guard and the journal. The BM25 index after the write is
        computed before taking the guard (on a large store that is most of a second) and
        swapped in with the write, so readers never wait for it and never need a full sync;
        if the write removed other chunks than expected, it is recomputed under the guard."""
        written = [
            ((c.chunk_id, a.doc_id, a.source, date_to_ordinal(a.published_at)), c.text)
            for a, chunks, _ in part
            for c in chunks
        ]
        new = {entry[0] for entry, _ in written}
        chunks_of = self.index.catalogue.chunks_of
        expected = [c for a, _, _ in part for c in chunks_of.get(a.doc_id, []) if c not in new]
        prepared = self.index.prepare(written, expected)
        with self.guard, self.journal.writing([a.doc_id for a, _, _ in part]):
            in_step = self.store.generation() == self.index.generation
            removed = self.store.write_articles(part)
            generation = self.store.generation()
            if in_step and not self.index.install(prepared, removed, generation):
                self.index.absorb(written, removed, generation)
            for article, _, _ in part:
                self.copies.add(article.doc_id, article.text)

    def chunking_key(self) -> str:
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

    def _prepare(self, doc_id: str, digest: str, item: ArticleInput, is_new: bool) -> _Prepared:
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
            text=item.text,
        )
        return _Prepared(article, chunks, is_new)
