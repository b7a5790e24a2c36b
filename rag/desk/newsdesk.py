"""The Newsdesk facade: what the CLI, the REST API and the UI call.

It owns the order of the stages and what lies between them: checking the question,
syncing the BM25 index with the store before reading it, the as-of preference, fetching
the cited articles, finding the chunk each citation points into, and timing each stage.
The stages themselves are given to it (:func:`rag.desk.factory.build` wires them).

It is safe to share between threads. Reads (questions, listings) hold the indexer's
``guard`` for their few milliseconds; an ingest holds it only while it writes a few
articles (see :mod:`rag.desk.indexer`), so questions go on while it embeds. Ingests and
repairs queue behind one another on a second lock, never interleaved.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date

from rag.answering import finish, standalone
from rag.config import CoreSettings
from rag.contract import (
    Answer,
    Article,
    ArticleInput,
    ArticleMeta,
    ArticlePage,
    ChatMessage,
    Citation,
    Filters,
    IngestFailure,
    IngestReport,
    SourceCount,
    SpeakerList,
)
from rag.desk.checking import CheckReport
from rag.desk.checking import check as check_store
from rag.desk.checking import repair as repair_store
from rag.desk.indexer import Indexer
from rag.desk.locating import locator
from rag.desk.passages import as_citations, source_counts
from rag.desk.protocols import Answerer, Retriever
from rag.desk.speakers import SpeakerIndex
from rag.desk.stories import in_step, one_article_per_story, with_copies, with_story
from rag.desk.timing import Planned, nothing_in, plan
from rag.embedding import Embedder
from rag.errors import QueryError
from rag.search import BM25Index, Hit, Recency, Store

log = logging.getLogger(__name__)
MAX_QUESTION_CHARS = 2000


class Newsdesk:
    """Ingest articles and answer questions with verbatim, cited passages."""

    def __init__(
        self,
        settings: CoreSettings,
        embedder: Embedder,
        store: Store,
        index: BM25Index,
        indexer: Indexer,
        retriever: Retriever,
        answerer: Answerer,
        speakers: SpeakerIndex,
        max_question_chars: int = MAX_QUESTION_CHARS,
    ) -> None:
        self.settings = settings
        self.embedder, self.store, self.index, self.indexer = embedder, store, index, indexer
        self.retriever, self.answerer, self.speaker_index = retriever, answerer, speakers
        self.max_question_chars = max_question_chars
        self.guard = indexer.guard
        self.answerers: dict[str, Answerer] = {settings.answer.mode: answerer}
        self._writer = threading.Lock()  # one ingest or repair at a time; others queue

    def recover(self) -> CheckReport | None:
        """Repair the store if a write was cut short (a crash, ``kill -9``), before anyone
        reads it; None when the last write finished. Cheap: a file check otherwise."""
        if self.indexer.journal.interrupted() is None:
            return None
        with self._writer, self.guard:
            if self.indexer.journal.interrupted() is None:
                return None
            log.warning("the last write to the store was cut short: repairing")
            report = repair_store(self.store, self.index, self.indexer)
            self.indexer.journal.clear()
            log.warning("store repaired: %s", report.summary())
            return report

    def warm_up(self) -> None:
        """Load the embedding model now rather than on the first question or ingest."""
        warm = getattr(self.embedder, "warm_up", None)
        if callable(warm):
            warm()

    # --- ingestion -----------------------------------------------------------------------

    def ingest(
        self,
        items: Iterable[ArticleInput | IngestFailure],
        progress: Callable[[int], None] | None = None,
    ) -> IngestReport:
        """Store new and changed articles; skip unchanged ones; collect failures. A second
        ingest waits for the first to end; questions do not (see the module docstring)."""
        self.recover()
        with self._writer:
            return self.indexer.run(items, progress)

    # --- asking --------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        top_k: int | None = None,
        filters: Filters | None = None,
        as_of: date | None = None,
        on_token: Callable[[str], None] | None = None,
        mode: str | None = None,
        on_sources: Callable[[Sequence[Citation]], None] | None = None,
    ) -> Answer:
        """Retrieve, then answer with citations; timings in milliseconds per stage.
        ``on_token`` receives a written answer's tokens as the model produces them;
        ``on_sources`` the passages the answer rests on, once, before any token (with their
        wire copies named); ``mode`` picks an answerer of ``answerers`` (default: the
        configured one)."""
        question = self._check_question(question)
        if mode is not None and mode not in self.answerers:
            raise QueryError(f"no '{mode}' answers here: {', '.join(sorted(self.answerers))}")
        with self.indexer.readers.reading(), self.guard:  # an ingest makes way meanwhile
            return self._ask(question, top_k, filters, as_of, on_token, mode, on_sources)

    def _ask(
        self,
        question: str,
        top_k: int | None,
        filters: Filters | None,
        as_of: date | None,
        on_token: Callable[[str], None] | None,
        mode: str | None = None,
        on_sources: Callable[[Sequence[Citation]], None] | None = None,
    ) -> Answer:
        started = time.perf_counter()
        mode = mode or self.settings.answer.mode
        answerer = self.answerers.get(mode, self.answerer)
        copies = self.indexer.copies
        asked, hits = self._retrieve(question, top_k, filters, as_of)
        retrieved = time.perf_counter()
        articles = self.store.get_articles([h.chunk.doc_id for h in hits]) if hits else {}
        locate = locator(hits, self.index.catalogue, self.store)
        sources = None
        if on_sources is not None:
            sources = lambda found: on_sources(with_copies(found, copies, self.store))  # noqa: E731
        composed = answerer.answer(asked.searched, hits, articles, locate, on_token, sources)
        done = time.perf_counter()
        timings = {
            "retrieve": round((retrieved - started) * 1000, 2),
            "answer": round((done - retrieved) * 1000, 2),
            "total": round((done - started) * 1000, 2),
        }
        return Answer(
            question=question,
            answer=nothing_in(asked.window, composed.text, bool(composed.citations)),
            citations=with_copies(composed.citations, copies, self.store),
            mode="extractive" if composed.notice else mode,
            timings_ms=timings,
            statements=composed.statements,
            verification=composed.verification,
            notice=composed.notice,
            window=asked.window,
        )

    def search(
        self,
        question: str,
        top_k: int | None = None,
        filters: Filters | None = None,
        as_of: date | None = None,
    ) -> list[Citation]:
        """The passages retrieval finds, best first, without composing an answer."""
        question = self._check_question(question)
        with self.indexer.readers.reading(), self.guard:
            _, hits = self._retrieve(question, top_k, filters, as_of)
            articles = self.store.get_articles([h.chunk.doc_id for h in hits]) if hits else {}
            return as_citations(hits, articles)

    def _retrieve(
        self, question: str, top_k: int | None, filters: Filters | None, as_of: date | None
    ) -> tuple[Planned, list[Hit]]:
        """The index in step, the question's days planned, the passages found (one article
        per story)."""
        self.index.sync(self.store)
        in_step(self.indexer.copies, self.index.catalogue, self.store)
        retrieval = self.settings.retrieval
        asked = plan(question, filters, as_of)
        recency = Recency.of(asked.as_of, retrieval)
        k = top_k or retrieval.top_k
        hits = self.retriever.retrieve(asked.searched, k, asked.filters, recency)
        if retrieval.one_per_story:
            hits = one_article_per_story(hits, self.indexer.copies)
        return asked, hits

    def sources(self) -> list[SourceCount]:
        with self.guard:
            self.index.sync(self.store)
            return source_counts(self.index.catalogue)

    def chat(
        self,
        messages: Sequence[ChatMessage],
        top_k: int | None = None,
        filters: Filters | None = None,
        as_of: date | None = None,
        on_token: Callable[[str], None] | None = None,
        mode: str | None = None,
        on_sources: Callable[[Sequence[Citation]], None] | None = None,
    ) -> Answer:
        """Answer the last user message; follow-ups borrow the speaker or topic before it."""
        turn = standalone(messages)
        answer = self.ask(turn.question, top_k, filters, as_of, on_token, mode, on_sources)
        return finish(answer, turn)

    def _check_question(self, question: str) -> str:
        question = " ".join(question.split())
        if not question:
            raise QueryError("the question is empty")
        limit = self.max_question_chars
        if len(question) > limit:
            raise QueryError(f"the question has {len(question)} characters; the limit is {limit}")
        return question

    # --- articles ------------------------------------------------------------------------

    def list_articles(self, offset: int = 0, limit: int = 50) -> ArticlePage:
        with self.guard:
            rows = self.store.list_articles(offset, limit)
            rows = [with_story(row, self.indexer.copies) for row in rows]
            total = self.store.count_articles()
        return ArticlePage(total=total, offset=offset, limit=limit, articles=rows)

    def iter_articles(self, page: int = 500) -> Iterator[Article]:
        """Every stored article with its text, a page at a time (export, eval scans)."""
        offset = 0
        while rows := self._page(offset, page):
            with self.guard:
                found = self.store.get_articles([m.doc_id for m in rows])
            yield from (found[m.doc_id] for m in rows if m.doc_id in found)
            offset += len(rows)

    def _page(self, offset: int, limit: int) -> list[ArticleMeta]:
        with self.guard:
            return self.store.list_articles(offset, limit)

    def get_article(self, doc_id: str) -> Article:
        """The article with its text, and its story: copies, or the article it copies."""
        with self.guard:
            return with_story(self.store.get_article(doc_id), self.indexer.copies)

    def delete_article(self, doc_id: str) -> None:
        with self.guard:
            self.store.delete_article(doc_id)
            self.index.sync(self.store)
            self.indexer.copies.remove(doc_id)
            self.indexer.copies.flush()

    def speakers(
        self, doc_id: str | None = None, source: str | None = None, limit: int = 100
    ) -> SpeakerList:
        """Who is quoted, most often first: in one article, one publisher's, or all."""
        with self.guard:
            return self._speakers(doc_id, source, limit)

    def _speakers(self, doc_id: str | None, source: str | None, limit: int) -> SpeakerList:
        self.index.sync(self.store)
        catalogue = self.index.catalogue
        doc_ids: list[str] | None = None
        if doc_id is not None:
            self.store.get_article(doc_id)  # NotFoundError for an unknown article
            doc_ids = [doc_id]
        elif source:
            pairs = zip(catalogue.article_ids, catalogue.article_sources, strict=True)
            doc_ids = [d for d, s in pairs if s == source]
        return self.speaker_index.listing(self.store, self.index, doc_ids, limit)

    def check(self, repair: bool = False) -> CheckReport:
        """Are the store and the BM25 index consistent? With ``repair``, make them so. The
        index is synced first, as every question does: what differs after that is wrong."""
        with self._writer, self.guard:
            if repair:
                report = repair_store(self.store, self.index, self.indexer)
                self.indexer.journal.clear()
                return report
            self.index.sync(self.store)
            return check_store(self.store, self.index)

    def ready(self) -> dict[str, object]:
        """Readiness: the model is loaded and the store answers (else StoreError)."""
        self.warm_up()
        return {"model": self.embedder.model_id, **self.stats()}

    def stats(self) -> dict[str, int]:
        with self.guard:
            return {"articles": self.store.count_articles(), "chunks": self.store.count_chunks()}
