"""Ingestion into the store: clean, chunk, embed and write new and changed articles.

Unchanged articles (same content hash, which covers the text, the metadata and the
chunking settings) are skipped; a failure on one article is reported and the batch goes on.

Readers (questions) share the corpus with an ingest: the slow part (cleaning, chunking,
embedding) runs outside the corpus's doors, and each write of a few articles goes through
its write door briefly (:meth:`rag.corpus.Corpus.write`), so a question sees the store
before or after a write, never half of one, and never waits for the encoder.

Where the slow part runs is a :class:`Pipeline`: here (the default: cleaning and chunking
on this thread, the encoder in a worker thread), or on a cluster (``services/cluster.py``,
Ray tasks and actors). Either way this module plans the batches (which articles are new
or changed) and writes the results in input order, on this process, through the corpus:
the same ids, hashes, journal and BM25 index as a local ingest.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Protocol

import numpy as np

from rag.config import ChunkingSettings, IngestSettings
from rag.contract import ArticleInput, IngestFailure, IngestReport
from rag.corpus import Corpus, Readers, Written
from rag.desk.preparing import Planned, Prepared, Preparer
from rag.embedding import Embedder, Vectors
from rag.search import article_id

log = logging.getLogger(__name__)
BATCH_ARTICLES = 64
WRITE_ARTICLES = 64  # per store write (~0.4 s for 64 news articles): a question waits behind one
EMBED_SLICE = 32  # chunks embedded between looks at whether questions are waiting
YIELD_S = 0.5  # the longest an ingest waits for questions before each slice


@dataclass(frozen=True)
class Embedded:
    """A batch done: its prepared articles, their chunks' vectors (in order), and the
    articles that failed to prepare."""

    prepared: list[Prepared]
    vectors: Vectors
    failed: list[IngestFailure] = field(default_factory=list)


class Pending(Protocol):
    """A batch on its way: ``result()`` waits for it (and raises what went wrong)."""

    def result(self) -> Embedded: ...


class Pipeline(Protocol):
    """Prepares and embeds planned batches, up to ``window`` of them in flight."""

    window: int

    def submit(self, todo: list[Planned]) -> Pending: ...

    def close(self) -> None: ...


@dataclass
class _Batch:
    loaded: list[IngestFailure]  # inputs that failed to load
    todo: list[Planned]
    pending: Pending | None


class Indexer:
    """Cleans, chunks and embeds articles, and writes them through the corpus."""

    def __init__(
        self,
        chunking: ChunkingSettings,
        ingest: IngestSettings,
        embedder: Embedder,
        corpus: Corpus,
        readers: Readers | None = None,
    ) -> None:
        self.chunking, self.ingest = chunking, ingest
        self.embedder, self.corpus = embedder, corpus
        self.readers = readers if readers is not None else Readers()
        self.preparer = Preparer(chunking, ingest)
        self.chunker = self.preparer.chunker

    def run(
        self,
        items: Iterable[ArticleInput | IngestFailure],
        progress: Callable[[int], None] | None = None,
        force: bool = False,
        pipeline: Pipeline | None = None,
    ) -> IngestReport:
        """Store new and changed articles; skip unchanged ones (unless ``force``: a repair
        rewrites them); collect failures.

        Batches are planned here, prepared and embedded by the pipeline (by default this
        process: embedding, the bulk of the work, runs in a worker thread, since the
        encoder releases the GIL, while this thread writes the previous batch and cleans
        and chunks the next one), and written here in input order.
        """
        report = IngestReport()
        own = pipeline is None
        pipe = pipeline or LocalPipeline(self.preparer, self._embed, self.ingest.prepare_processes)
        flight: deque[_Batch] = deque()
        planned: dict[str, str] = {}  # doc id -> content hash, planned but not yet written
        try:
            for batch in _batches(items, BATCH_ARTICLES):
                flight.append(self._plan(batch, report, planned, force, pipe))
                while len(flight) > pipe.window:
                    self._finish(flight.popleft(), report, planned)
                if progress:
                    progress(len(batch))
            while flight:
                self._finish(flight.popleft(), report, planned)
        finally:
            if own:
                pipe.close()
        self.corpus.settle()
        return report

    def _plan(
        self,
        batch: list[ArticleInput | IngestFailure],
        report: IngestReport,
        planned: dict[str, str],
        force: bool,
        pipe: Pipeline,
    ) -> _Batch:
        """Which of the batch's articles are new or changed, handed to the pipeline."""
        articles = [i for i in batch if isinstance(i, ArticleInput)]
        loaded = [i for i in batch if isinstance(i, IngestFailure)]
        stored = self._stored(articles, planned)
        todo, unchanged = self.preparer.plan(articles, stored, force)
        report.unchanged.extend(unchanged)
        planned.update((p.doc_id, p.digest) for p in todo)
        return _Batch(loaded, todo, pipe.submit(todo) if todo else None)

    def _stored(self, articles: Sequence[ArticleInput], planned: dict[str, str]) -> dict[str, str]:
        """Stored content hashes of these articles; an article planned in an earlier batch
        still in flight counts as stored (it will be, before this batch is written)."""
        ids = list(dict.fromkeys(article_id(a) for a in articles))
        stored = self.corpus.content_hashes(ids)
        stored.update((i, planned[i]) for i in ids if i in planned)
        return stored

    def _finish(self, batch: _Batch, report: IngestReport, planned: dict[str, str]) -> None:
        """Write a batch whose vectors are ready (in input order), and report it."""
        report.failed.extend(batch.loaded)
        if batch.pending is None:
            return
        done = batch.pending.result()
        report.failed.extend(done.failed)
        self.write(done.prepared, done.vectors, report)
        for p in batch.todo:
            if planned.get(p.doc_id) == p.digest:
                del planned[p.doc_id]

    def write(self, prepared: Sequence[Prepared], vectors: Vectors, report: IngestReport) -> None:
        """Store prepared articles with their chunks' vectors (in order), a few articles per
        write through the corpus's door, and report them. Also the way in for articles
        embedded elsewhere (precomputed vectors: ``bench.scale``)."""
        batch: list[Written] = []
        offset = 0
        for p in prepared:
            n = len(p.chunks)
            batch.append((p.article, p.chunks, vectors[offset : offset + n]))
            offset += n
        if offset != len(vectors):
            raise ValueError(f"{len(vectors)} vectors for {offset} chunks")
        for lo in range(0, len(batch), WRITE_ARTICLES):
            part = prepared[lo : lo + WRITE_ARTICLES]
            self.corpus.write(batch[lo : lo + WRITE_ARTICLES], [p.signature for p in part])
        for p in prepared:
            report.chunks_written += len(p.chunks)
            (report.added if p.is_new else report.updated).append(p.article.doc_id)

    def _embed(self, texts: Sequence[str]) -> Vectors:
        """The texts' vectors, a slice at a time, making way for questions in between. A
        slice is at least the embedder's batch (a GPU's is large: small slices starve it)."""
        parts = []
        size = max(EMBED_SLICE, self.embedder.batch_size)
        for lo in range(0, len(texts), size):
            self.readers.wait_idle(YIELD_S)
            parts.append(self.embedder.embed(texts[lo : lo + size]))
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def chunking_key(self) -> str:
        """Everything besides the article that decides its chunks and vectors."""
        return self.preparer.key()


class LocalPipeline:
    """This machine, in three stages at once: cleaning and chunking a batch, embedding the
    one before (a worker thread: the encoder releases the GIL), while the calling thread
    writes the one before that.

    Cleaning, chunking and MinHash signatures are Python and hold the GIL, so they run in
    ``processes`` worker processes, on a thread here when that is 0. The workers start with
    a large ingest's first batch (a one-article upload starts none) and take batches once
    they are up (seconds: Python, llama-index, the tokenizer); until then batches are
    prepared here. Without an encoder (vectors computed elsewhere) this took corpus-1k's
    ingest from 19.6 s to 17.4 s on 2 cores (``bench/ingest.py --no-encoder``)."""

    window = 2

    def __init__(
        self, preparer: Preparer, embed: Callable[[Sequence[str]], Vectors], processes: int = 0
    ) -> None:
        self.preparer, self.embed, self.processes = preparer, embed, processes
        self.preparing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prepare")
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed")
        self._workers: ProcessPoolExecutor | None = None
        self._ready: list[Future[None]] = []  # the workers' warm-up (Python and the chunker)
        self._batches = 0

    def submit(self, todo: list[Planned]) -> Pending:
        self._batches += 1
        if self._batches == 1 and len(todo) >= BATCH_ARTICLES // 2:
            self._start()  # a large ingest: the workers start while this batch is prepared
        return _LocalPending(self.preparing.submit(self._prepare, todo))

    def _start(self) -> ProcessPoolExecutor | None:
        if self._workers is None and self.processes > 0:  # spawned: this process has threads
            context = multiprocessing.get_context("spawn")
            try:
                self._workers = ProcessPoolExecutor(
                    self.processes, context, _start_worker, (self.preparer,)
                )
                self._ready = [self._workers.submit(_ready) for _ in range(self.processes)]
            except (OSError, RuntimeError) as exc:  # no processes here (a sandbox, limits)
                self._give_up(exc)
        return self._workers

    def _give_up(self, exc: BaseException) -> None:
        """Prepare here from now on: workers that cannot start must not stop an ingest."""
        log.warning("preparing articles in this process: worker processes failed (%s)", exc)
        self.processes = 0
        if self._workers is not None:
            self._workers.shutdown(wait=False, cancel_futures=True)
            self._workers = None

    def _prepare(self, todo: list[Planned]) -> _Prepared:
        results = self._prepare_all(todo)
        prepared = [r for r in results if isinstance(r, Prepared)]
        failed = [r for r in results if isinstance(r, IngestFailure)]
        texts = [t for p in prepared for t in p.texts]
        vectors = self.pool.submit(self.embed, texts) if texts else None
        return _Prepared(prepared, failed, vectors)

    def _prepare_all(self, todo: list[Planned]) -> list[Prepared | IngestFailure]:
        workers = self._start() if self._batches > 1 else None
        if workers is None or not all(f.done() for f in self._ready):
            return self.preparer.prepare_all(todo)  # until they have started (seconds)
        failed = next((f.exception() for f in self._ready if f.exception()), None)
        if failed is not None:
            self._give_up(failed)
            return self.preparer.prepare_all(todo)
        size = -(-len(todo) // self.processes)
        parts = [todo[lo : lo + size] for lo in range(0, len(todo), size)]
        done = [workers.submit(_prepare_in_worker, part) for part in parts]
        return [r for future in done for r in future.result()]

    def close(self) -> None:
        self.preparing.shutdown(wait=True)
        self.pool.shutdown(wait=True)
        if self._workers is not None:
            self._workers.shutdown(wait=True)


_worker: Preparer | None = None  # in a worker process: its preparer, made once


def _start_worker(preparer: Preparer) -> None:
    global _worker
    _worker = preparer
    _leave_with_parent()
    preparer.warm_up()


def _leave_with_parent() -> None:
    """End this worker when the ingesting process ends without shutting it down (kill -9).
    Otherwise it waits for work forever: its siblings hold the task queue open."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        sentinel = parent.sentinel
        watch = threading.Thread(target=_exit_after, args=(sentinel,), daemon=True)
        watch.start()


def _exit_after(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(0)


def _ready() -> None:
    """Returns once a worker has started (its initializer ran)."""


def _prepare_in_worker(todo: list[Planned]) -> list[Prepared | IngestFailure]:
    assert _worker is not None, "a preparing process starts with its preparer"
    return _worker.prepare_all(todo)


@dataclass(frozen=True)
class _Prepared:
    prepared: list[Prepared]
    failed: list[IngestFailure]
    vectors: Future[Vectors] | None


@dataclass(frozen=True)
class _LocalPending:
    batch: Future[_Prepared]

    def result(self) -> Embedded:
        done = self.batch.result()
        if done.vectors is None:
            return Embedded([], np.zeros((0, 0), dtype=np.float32), done.failed)
        return Embedded(done.prepared, done.vectors.result(), done.failed)


def _batches(
    items: Iterable[ArticleInput | IngestFailure], size: int
) -> Iterator[list[ArticleInput | IngestFailure]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
