"""The corpus: the one owner of what is stored and what is derived from it.

It holds the store (Chroma), the BM25 index and its chunk catalogue, the article
vectors, the wire-copy index, the write journal and the lock between readers and
writers. Nobody else touches them; there are two doors:

- ``read()``: a :class:`ReadView` for one question or listing. Many are open at once;
  none sees half a write.
- the write door (``write``, ``delete``, ``settle``, ``repair``): exclusive and short.
  An ingest embeds outside it and comes in only to store a few articles at a time.

Before a read, the derived indexes are brought up to the store (another process may
have written to it): that catch-up goes through the write door too, since it changes
them.

While questions are being asked, each write's BM25 index is computed before the lock
(a question never waits for it); while nobody asks (a command-line or cluster ingest, a
quiet server), writes are noted and folded into the index once, before the next read or
at the end of the ingest: the index is recomputed once, not once per write (the cost of
each grows with the corpus). See ``rag.search.bm25``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from rag.contract import Article, ArticleInput
from rag.corpus.checking import CheckReport, check, repair
from rag.corpus.journal import WriteJournal
from rag.corpus.locks import ReadWriteLock
from rag.corpus.readers import Readers
from rag.corpus.view import ReadView
from rag.embedding import Vectors
from rag.search import (
    ArticleVectors,
    BM25Index,
    Chunk,
    CopyIndex,
    Retriever,
    Slot,
    Store,
    signature,
)
from rag.text import date_to_ordinal

log = logging.getLogger(__name__)
Written = tuple[Article, list[Chunk], Vectors]
Reindex = Callable[[list[ArticleInput]], object]  # re-ingests articles (force), for repairs
Signatures = Sequence[np.ndarray | None]  # wire-copy signatures of a write's articles
ASKED_S = 30.0  # a question in the last this many seconds: writes keep the index current


class Corpus:
    """Stored articles and chunks with their indexes, behind a read door and a write door."""

    def __init__(
        self,
        store: Store,
        index: BM25Index,
        retriever: Retriever,
        vectors: ArticleVectors | None = None,
        copies: CopyIndex | None = None,
        name: str = "default",
    ) -> None:
        self.name = name  # the collection it holds
        self.store, self.index, self.retriever = store, index, retriever
        self.vectors = vectors if vectors is not None else ArticleVectors(index.cache_dir)
        self.copies = copies if copies is not None else CopyIndex(index.cache_dir)
        self.journal = WriteJournal(index.cache_dir)
        self._lock = ReadWriteLock()
        self._catching_up = threading.Lock()  # one thread catches up; see ``catch_up``
        self.slot: Slot | None = None  # the claimed cache folder, when the store is shared
        self.readers = Readers()  # questions in flight: the desk's, shared by collections

    @property
    def model_id(self) -> str:
        return self.store.model_id

    # --- the read door -------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[ReadView]:
        """A consistent view of the corpus for the block; writes wait until it ends."""
        self.catch_up()
        with self._lock.read():
            yield ReadView(self, self.index.catalogue, self.index.idf_snapshot())

    def catch_up(self) -> None:
        """Bring the BM25 index, the copies and the article vectors up to the store (a
        write by another process, a lost cache); cheap when they are in step.

        The costly part (listing the stored ids, recomputing BM25: half a minute at a
        million chunks) is done outside the write lock, by one thread; questions asked
        meanwhile read the corpus as it was before the other process's write, as a read
        view opened a moment earlier would, unless it holds nothing yet (then they wait)."""
        if self._lock.reading():  # a nested read: the outer one caught up already
            return
        with self._lock.read():
            if self._in_step():
                return
        if not self._catching_up.acquire(blocking=not len(self.index.catalogue)):
            return  # another thread is at it: read what is installed
        try:
            with self._lock.read():
                if self._in_step():  # the thread this one waited for did it
                    return
                base = self.index.snapshot() if self.index.deferred is None else None
            caught = self.index.plan_sync(self.store, base) if base is not None else None
            if caught is not None and caught.state is not None:
                self.copies.lsh  # noqa: B018 (made here, outside the lock, if new)
            with self._lock.write():
                if caught is None or not self.index.install_sync(caught):
                    self.index.sync(self.store)
                self._sync_derived()
        finally:
            self._catching_up.release()

    def _in_step(self) -> bool:
        index = self.index
        return (
            index.deferred is None
            and self.store.generation() == index.generation
            and self.vectors.generation == index.generation
            and len(self.copies.canonical_of) == len(index.catalogue.article_ids)
        )

    def _sync(self) -> None:
        self.index.sync(self.store)
        self._sync_derived()

    def _sync_derived(self) -> None:
        """The copies and the article vectors, up to the BM25 index's articles."""
        if len(self.copies.canonical_of) != len(self.index.catalogue.article_ids):
            self.copies.sync(self.store, self.index.catalogue.article_ids)
        self.vectors.sync(self.store, self.index)

    # --- the write door ------------------------------------------------------------------

    def write(self, part: Sequence[Written], signatures: Signatures | None = None) -> None:
        """Store new versions of a few articles, in one short exclusive write.

        With questions being asked, the BM25 index after the write is computed before the
        lock is taken (on a large store most of a second) and swapped in with the write;
        if the write removed other chunks than expected, it is recomputed under the lock.
        Otherwise the write is noted and folded in later (``BM25Index.defer``). The
        journal names the articles, so a write cut short (kill -9) is repaired at the next
        start. ``signatures``: the articles' wire-copy signatures, if already computed
        (``rag.desk.Preparer`` does, in its worker processes on a cluster)."""
        written = [
            ((c.chunk_id, a.doc_id, a.source, date_to_ordinal(a.published_at)), c.text)
            for a, chunks, _ in part
            for c in chunks
        ]
        if signatures is None:
            signatures = [signature(a.text) for a, _, _ in part]
        eager = self.index.deferred is None and self.readers.recent(ASKED_S)
        prepared = self.index.prepare(written, self._expected(part)) if eager else None
        self.copies.lsh  # noqa: B018 (made now, outside the lock, by the first write)
        with self._lock.write(), self.journal.writing([a.doc_id for a, _, _ in part]):
            in_step = self.store.generation() == self.index.head
            removed = self.store.write_articles(part)
            generation = self.store.generation()
            if not in_step:  # another process wrote too: the next read syncs it all
                pass
            elif prepared is None:
                self.index.defer(written, removed, generation)
            elif not self.index.install(prepared, removed, generation):
                self.index.absorb(written, removed, generation)
            for (article, _, _), sig in zip(part, signatures, strict=True):
                self.copies.add_signed(article.doc_id, sig)

    def _expected(self, part: Sequence[Written]) -> list[str]:
        """The chunk ids a write of these articles should remove (their old versions')."""
        new = {c.chunk_id for _, chunks, _ in part for c in chunks}
        chunks_of = self.index.catalogue.chunks_of
        return [c for a, _, _ in part for c in chunks_of.get(a.doc_id, []) if c not in new]

    def settle(self) -> None:
        """After an ingest: everything in step with the store and saved to disk."""
        with self._lock.write():
            self._sync()
            self.index.flush()
            self.copies.flush()

    def delete(self, doc_id: str) -> None:
        """Remove an article and its chunks (NotFoundError for an unknown one)."""
        with self._lock.write():
            self.store.delete_article(doc_id)
            self.index.sync(self.store)
            self.copies.remove(doc_id)
            self.copies.flush()

    # --- consistency ---------------------------------------------------------------------

    def interrupted(self) -> bool:
        """Was the last write cut short (a journal left behind)?"""
        return self.journal.interrupted() is not None

    def check(self) -> CheckReport:
        """Are the store and the BM25 index consistent? The index is synced first, as
        every read does: what differs after that is wrong."""
        with self._lock.write():
            self.index.sync(self.store)
            return check(self.store, self.index)

    def repair(self, reindex: Reindex) -> CheckReport:
        """Drop stray chunks, re-index incomplete articles (``reindex``), re-sync; the
        journal is cleared once the store is whole again."""
        with self._lock.write():
            report = repair(self.store, self.index, reindex)
            self.copies.sync(self.store, self.index.catalogue.article_ids)
            self.vectors.sync(self.store, self.index)
            self.journal.clear()
            return report

    def content_hashes(self, doc_ids: Sequence[str]) -> dict[str, str]:
        """The stored content hash of each of these articles that is stored, from the
        store itself (an ingest asks before each batch: no catch-up of the indexes)."""
        return self.store.content_hashes(doc_ids) if doc_ids else {}

    def stats(self) -> dict[str, int]:
        with self.read() as view:
            return {"articles": view.count_articles(), "chunks": view.count_chunks()}
