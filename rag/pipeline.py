"""The Newsdesk facade: what the CLI, the REST app and the UI call.

It wires the stages (cleaning, chunking, embedding, store, BM25, retrieval, answering)
but holds no logic of its own beyond ordering them and timing them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from rag.answer import ExtractiveAnswerer
from rag.bm25 import BM25Index
from rag.chunking import VERSION as CHUNKER
from rag.chunking import Chunker
from rag.config import Settings
from rag.conversation import ChatMessage, finish, standalone
from rag.embed import VECTORS_VERSION, Embedder, Vectors
from rag.errors import IngestError, NotFoundError, QueryError
from rag.ids import article_id, chunk_id, content_hash
from rag.models import (
    Answer,
    ArticleInput,
    ArticleMeta,
    Chunk,
    Filters,
    Hit,
    IngestFailure,
    StoredArticle,
)
from rag.retrieve import HybridRetriever, Recency
from rag.store import ChromaStore
from rag.text import clean

log = logging.getLogger(__name__)
BATCH_ARTICLES = 64


@dataclass
class IngestReport:
    """What one ingest run did, article by article."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[IngestFailure] = field(default_factory=list)
    chunks_written: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.failed)} failed "
            f"({self.chunks_written} chunks written)"
        )


@dataclass(frozen=True)
class _Prepared:
    article: StoredArticle
    chunks: list[Chunk]
    is_new: bool


@dataclass(frozen=True)
class _Embedding:
    """A batch of prepared articles whose chunk vectors are being computed."""

    todo: list[_Prepared]
    vectors: Future[Vectors]


def chunk_holding(spans: Sequence[tuple[int, int, str]], doc_id: str, offset: int) -> str:
    """The chunk whose span holds ``offset``, else the last one starting before it."""
    if not spans:
        raise NotFoundError(f"no chunks stored for article '{doc_id}'")
    before = [c for s, _, c in spans if s <= offset] or [spans[0][2]]
    return next((c for s, e, c in spans if s <= offset < e), before[-1])


class Newsdesk:
    """Ingest articles and answer questions with verbatim, cited passages."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        store: ChromaStore,
        index: BM25Index,
        chunker: Chunker,
        retriever: HybridRetriever,
        answerer: ExtractiveAnswerer,
    ) -> None:
        self.settings = settings
        self.embedder, self.store, self.index = embedder, store, index
        self.chunker, self.retriever, self.answerer = chunker, retriever, answerer

    # --- ingestion -----------------------------------------------------------------------

    def ingest(
        self,
        items: Iterable[ArticleInput | IngestFailure],
        progress: Callable[[int], None] | None = None,
    ) -> IngestReport:
        """Store new and changed articles; skip unchanged ones; collect failures.

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
                todo = self._plan_batch(articles, report, pending)
                texts = [c.text for p in todo for c in p.chunks]
                current = (
                    _Embedding(todo, pool.submit(self.embedder.embed, texts)) if todo else None
                )
                if pending is not None:
                    self._write(pending, report)
                pending = current
                if progress:
                    progress(len(batch))
            if pending is not None:
                self._write(pending, report)
        self.index.sync(self.store)
        return report

    def _plan_batch(
        self, inputs: Sequence[ArticleInput], report: IngestReport, pending: _Embedding | None
    ) -> list[_Prepared]:
        """Clean and chunk the batch's new and changed articles (the rest is reported)."""
        keyed = {article_id(a): a for a in inputs}  # a later duplicate id wins
        stored = self.store.content_hashes(list(keyed)) if keyed else {}
        if pending is not None:  # not written yet, but it will be before this batch
            stored.update(
                (p.article.meta.doc_id, p.article.meta.content_hash) for p in pending.todo
            )
        todo: list[_Prepared] = []
        for doc_id, item in keyed.items():
            digest = content_hash(item, self._chunking_key())
            if stored.get(doc_id) == digest:
                report.unchanged.append(doc_id)
                continue
            try:
                todo.append(self._prepare(doc_id, digest, item, doc_id not in stored))
            except IngestError as exc:
                report.failed.append(IngestFailure(item.origin or doc_id, str(exc)))
            except Exception as exc:  # a bug met on one article must not stop the batch
                log.exception("preparing article %s failed", doc_id)
                message = f"internal error while cleaning or chunking: {type(exc).__name__}: {exc}"
                report.failed.append(IngestFailure(item.origin or doc_id, message))
        return todo

    def _write(self, embedding: _Embedding, report: IngestReport) -> None:
        vectors = embedding.vectors.result()
        batch, offset = [], 0
        for prepared in embedding.todo:
            n = len(prepared.chunks)
            batch.append((prepared.article, prepared.chunks, vectors[offset : offset + n]))
            offset += n
        self.store.write_articles(batch)
        for prepared in embedding.todo:
            report.chunks_written += len(prepared.chunks)
            done = report.added if prepared.is_new else report.updated
            done.append(prepared.article.meta.doc_id)

    def _chunking_key(self) -> str:
        chunking, ingest = self.settings.chunking, self.settings.ingest
        parts = (
            CHUNKER,
            VECTORS_VERSION,
            chunking.chunk_size,
            chunking.chunk_overlap,
            ingest.strip_boilerplate,
        )
        return "/".join(map(str, parts)) + "/" + "|".join(ingest.extra_boilerplate)

    def _prepare(self, doc_id: str, digest: str, item: ArticleInput, is_new: bool) -> _Prepared:
        ingest = self.settings.ingest
        cleaned = clean(item.text, ingest.strip_boilerplate, tuple(ingest.extra_boilerplate))
        spans = self.chunker.split(cleaned)
        if not spans:
            raise IngestError(f"{item.origin or doc_id}: no article text left after cleaning")
        chunks = [
            Chunk(chunk_id(doc_id, digest, s.seq), doc_id, s.seq, s.text, s.start, s.end)
            for s in spans
        ]
        meta = ArticleMeta(
            doc_id=doc_id,
            title=item.title,
            source=item.source,
            published_at=item.published_at,
            url=item.url,
            authors=item.authors,
            content_hash=digest,
            n_chunks=len(chunks),
            origin=item.origin,
        )
        return _Prepared(StoredArticle(meta, item.text), chunks, is_new)

    # --- asking --------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        top_k: int | None = None,
        filters: Filters | None = None,
        as_of: date | None = None,
    ) -> Answer:
        """Retrieve, then answer with citations; timings in milliseconds per stage."""
        question = self._check_question(question)
        started = time.perf_counter()
        self.index.sync(self.store)
        retrieval = self.settings.retrieval
        recency = Recency.of(as_of, retrieval)
        hits = self.retriever.retrieve(question, top_k or retrieval.top_k, filters, recency)
        retrieved = time.perf_counter()
        articles = self.store.get_articles([h.chunk.doc_id for h in hits]) if hits else {}
        text, citations = self.answerer.answer(question, hits, articles, self._locator(hits))
        done = time.perf_counter()
        timings = {
            "retrieve": round((retrieved - started) * 1000, 2),
            "answer": round((done - retrieved) * 1000, 2),
            "total": round((done - started) * 1000, 2),
        }
        return Answer(question, text, citations, self.settings.answer.mode, timings)

    def chat(
        self,
        messages: Sequence[ChatMessage],
        top_k: int | None = None,
        filters: Filters | None = None,
        as_of: date | None = None,
    ) -> Answer:
        """Answer the last user message; follow-ups borrow the speaker or topic before it."""
        turn = standalone(messages)
        return finish(self.ask(turn.question, top_k, filters, as_of), turn)

    def _check_question(self, question: str) -> str:
        question = " ".join(question.split())
        if not question:
            raise QueryError("the question is empty")
        limit = self.settings.server.max_question_chars
        if len(question) > limit:
            raise QueryError(f"the question has {len(question)} characters; the limit is {limit}")
        return question

    def _locator(self, hits: Sequence[Hit]) -> Callable[[str, int], str]:
        """Find the chunk that holds an offset: a retrieved one if possible, else one of the
        article's chunk spans from the store (fetched once per article per answer)."""
        retrieved = {(h.chunk.doc_id, h.chunk.start, h.chunk.end): h.chunk.chunk_id for h in hits}
        stored: dict[str, list[tuple[int, int, str]]] = {}

        def locate(doc_id: str, offset: int) -> str:
            for (doc, start, end), found in retrieved.items():
                if doc == doc_id and start <= offset < end:
                    return found
            if doc_id not in stored:  # by id: a Chroma filter on doc_id cost ~12 ms
                chunks = self.store.get_chunks(self.index.chunks_of.get(doc_id, []))
                stored[doc_id] = sorted((c.start, c.end, c.chunk_id) for c in chunks)
            return chunk_holding(stored[doc_id], doc_id, offset)

        return locate

    # --- articles ------------------------------------------------------------------------

    def list_articles(self, offset: int = 0, limit: int = 50) -> list[ArticleMeta]:
        return self.store.list_articles(offset, limit)

    def get_article(self, doc_id: str) -> StoredArticle:
        return self.store.get_article(doc_id)

    def delete_article(self, doc_id: str) -> None:
        self.store.delete_article(doc_id)
        self.index.sync(self.store)

    def ready(self) -> dict[str, object]:
        """Readiness: the model is loaded and the store answers (else StoreError)."""
        return {"model": self.embedder.model_id, **self.stats()}

    def stats(self) -> dict[str, int]:
        return {"articles": self.store.count_articles(), "chunks": self.store.count_chunks()}
