"""The Newsdesk facade: what the CLI, the REST API, MCP and the UI call.

It owns the order of the stages: checking the query, planning its days, retrieving and
locating passages inside one read view of the corpus, then answering from what that view
handed over, outside it. A slow language model therefore slows only its own question:
other questions, listings and ingest writes go on meanwhile. The stages themselves are
given to it (:func:`rag.desk.factory.build` wires them).

It is safe to share between threads. The corpus (:mod:`rag.corpus`) lets many readers in
at once and a writer alone, for the few milliseconds of a write; an ingest embeds outside
it and makes way for questions in flight. Ingests and repairs queue behind one another.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from rag.answering import Grounds, Standalone, finish, standalone
from rag.config import CoreSettings
from rag.contract import (
    Answer,
    Article,
    ArticleInput,
    ArticlePage,
    ChatMessage,
    Citation,
    IngestFailure,
    IngestReport,
    Query,
    SourceCount,
    SpeakerList,
)
from rag.corpus import CheckReport, Corpus, ReadView
from rag.desk.answerer import Answerer
from rag.desk.indexer import Indexer, Pipeline
from rag.desk.locating import locator
from rag.desk.passages import as_citations, source_counts
from rag.desk.querying import checked
from rag.desk.speaker_index import SpeakerIndex
from rag.desk.timing import Planned, nothing_in, plan
from rag.embedding import Embedder
from rag.search import Chunk, Hit, Recency

log = logging.getLogger(__name__)
OnToken = Callable[[str], None]
OnSources = Callable[[Sequence[Citation]], None]


@dataclass(frozen=True)
class Retrieval:
    """What one read view found for a question, valid after the view has closed: the
    question's days, the grounds an answerer composes from, and each article's other
    wire copies."""

    planned: Planned
    grounds: Grounds
    also_in: Mapping[str, tuple[str, ...]]


class Newsdesk:
    """Ingest articles and answer questions with verbatim, cited passages."""

    def __init__(
        self,
        settings: CoreSettings,
        embedder: Embedder,
        corpus: Corpus,
        indexer: Indexer,
        answerers: Mapping[str, Answerer],
        speakers: SpeakerIndex,
    ) -> None:
        self.settings, self.embedder, self.corpus = settings, embedder, corpus
        self.indexer, self.speaker_index = indexer, speakers
        self.answerers = dict(answerers)
        self._writer = threading.Lock()  # one ingest or repair at a time; others queue

    def recover(self) -> CheckReport | None:
        """Repair the store if a write was cut short (a crash, ``kill -9``), before anyone
        reads it; None when the last write finished. Cheap: a file check otherwise."""
        if not self.corpus.interrupted():
            return None
        with self._writer:
            if not self.corpus.interrupted():
                return None
            log.warning("the last write to the store was cut short: repairing")
            report = self.corpus.repair(self._reindex)
            log.warning("store repaired: %s", report.summary())
            return report

    def _reindex(self, inputs: list[ArticleInput]) -> IngestReport:
        return self.indexer.run(inputs, force=True)

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
        pipeline: Pipeline | None = None,
    ) -> IngestReport:
        """Store new and changed articles; skip unchanged ones; collect failures. A second
        ingest waits for the first to end; questions do not (see the module docstring).
        ``pipeline``: where articles are prepared and embedded (default: this process;
        ``services.cluster`` gives a Ray cluster's); they are written here either way."""
        self.recover()
        with self._writer:
            return self.indexer.run(items, progress, pipeline=pipeline)

    # --- asking --------------------------------------------------------------------------

    def ask(
        self,
        query: Query | str,
        on_token: OnToken | None = None,
        on_sources: OnSources | None = None,
    ) -> Answer:
        """Retrieve, then answer with citations; timings in milliseconds per stage. A chat
        (``query.conversation``) is answered as its last question made standalone.
        ``on_sources`` receives the passages as soon as they are chosen, before a model
        writes; ``on_token`` a written answer's tokens as the model produces them."""
        query = self._checked(query)
        turn = _turn(query)
        mode = query.mode or self.settings.answer.mode
        answerer = self.answerers.get(mode) or self.answerers[self.settings.answer.mode]
        started = time.perf_counter()
        with self.corpus.readers.reading() as reading:  # an ingest makes way meanwhile
            g = self._retrieval(turn.question, query)
            retrieved = time.perf_counter()

            def sources(citations: Sequence[Citation]) -> None:
                reading.done()  # from here a model may write for seconds: not our CPU
                if on_sources is not None:
                    on_sources(with_also_in(citations, g.also_in))

            composed = answerer.answer(g.planned.searched, g.grounds, on_token, sources)
        done = time.perf_counter()
        timings = {
            "retrieve": round((retrieved - started) * 1000, 2),
            "answer": round((done - retrieved) * 1000, 2),
            "total": round((done - started) * 1000, 2),
        }
        answer = Answer(
            question=turn.question,
            answer=nothing_in(g.planned.window, composed.text, bool(composed.citations)),
            citations=with_also_in(composed.citations, g.also_in),
            mode="extractive" if composed.notice else mode,
            timings_ms=timings,
            statements=composed.statements,
            verification=composed.verification,
            notice=composed.notice,
            window=g.planned.window,
        )
        return finish(answer, turn)

    def retrieve(self, query: Query | str) -> Retrieval:
        """What ``ask`` answers from (the question's days, one article per story), for
        code that composes its own answers (calibration benchmarks)."""
        query = self._checked(query)
        with self.corpus.readers.reading():
            return self._retrieval(_turn(query).question, query)

    def _retrieval(self, question: str, query: Query) -> Retrieval:
        """Inside one read view: the question's days planned, the passages found, their
        articles and stories, and the term weights of that state."""
        with self.corpus.read() as view:
            planned, hits = self._retrieve(view, question, query)
            doc_ids = list(dict.fromkeys(h.chunk.doc_id for h in hits))
            articles = view.articles(doc_ids)
            also_in = view.also_in(doc_ids)
            catalogue, idf = view.catalogue, view.idf
        locate = locator(hits, catalogue, self._chunks)
        return Retrieval(planned, Grounds(hits, articles, locate, idf), also_in)

    def _chunks(self, chunk_ids: list[str]) -> list[Chunk]:
        with self.corpus.read() as view:
            return view.chunks(chunk_ids)

    def _retrieve(self, view: ReadView, question: str, query: Query) -> tuple[Planned, list[Hit]]:
        retrieval = self.settings.retrieval
        planned = plan(question, query.filters, query.as_of)
        recency = Recency.of(planned.as_of, retrieval)
        k = query.top_k or retrieval.top_k
        hits = view.retrieve(planned.searched, k, planned.filters, recency, retrieval.one_per_story)
        return planned, hits

    def search(self, query: Query | str) -> list[Citation]:
        """The passages retrieval finds, best first, without composing an answer (the
        retrieval ``ask`` runs: the question's days, one article per story)."""
        query = self._checked(query)
        turn = _turn(query)
        with self.corpus.readers.reading(), self.corpus.read() as view:
            _, hits = self._retrieve(view, turn.question, query)
            articles = view.articles(list(dict.fromkeys(h.chunk.doc_id for h in hits)))
            return as_citations(hits, articles)

    def _checked(self, query: Query | str) -> Query:
        """A plain string is a question with the default options."""
        query = Query(question=query) if isinstance(query, str) else query
        return checked(query, self.settings.query, self.answerers)

    def sources(self) -> list[SourceCount]:
        with self.corpus.read() as view:
            return source_counts(view.catalogue)

    # --- articles ------------------------------------------------------------------------

    def list_articles(self, offset: int = 0, limit: int = 50) -> ArticlePage:
        with self.corpus.read() as view:
            rows = view.list_articles(offset, limit)
            total = view.count_articles()
        return ArticlePage(total=total, offset=offset, limit=limit, articles=rows)

    def iter_articles(self, page: int = 500) -> Iterator[Article]:
        """Every stored article with its text, a page at a time (export, eval scans)."""
        offset = 0
        while True:
            with self.corpus.read() as view:
                rows = view.list_articles(offset, page)
                found = view.articles([m.doc_id for m in rows])
            if not rows:
                return
            yield from (found[m.doc_id] for m in rows if m.doc_id in found)
            offset += len(rows)

    def get_article(self, doc_id: str) -> Article:
        """The article with its text, and its story: copies, or the article it copies."""
        with self.corpus.read() as view:
            return view.article(doc_id)

    def get_articles(self, doc_ids: Sequence[str]) -> dict[str, Article]:
        """The stored ones of these articles, by id (unknown ids are left out)."""
        with self.corpus.read() as view:
            return view.articles(list(doc_ids))

    def delete_article(self, doc_id: str) -> None:
        self.corpus.delete(doc_id)

    def speakers(
        self, doc_id: str | None = None, source: str | None = None, limit: int = 100
    ) -> SpeakerList:
        """Who is quoted, most often first: in one article, one publisher's, or all."""
        with self.corpus.read() as view:
            doc_ids: list[str] | None = None
            if doc_id is not None:
                view.article(doc_id)  # NotFoundError for an unknown article
                doc_ids = [doc_id]
            elif source:
                catalogue = view.catalogue
                pairs = zip(catalogue.article_ids, catalogue.article_sources, strict=True)
                doc_ids = [d for d, s in pairs if s == source]
            return self.speaker_index.listing(view, doc_ids, limit)

    def check(self, repair: bool = False) -> CheckReport:
        """Are the store and the BM25 index consistent? With ``repair``, make them so."""
        with self._writer:
            return self.corpus.repair(self._reindex) if repair else self.corpus.check()

    def ready(self) -> dict[str, object]:
        """Readiness: the model is loaded and the store answers (else StoreError); the model
        and where it runs (cpu, cuda, mps; remote: another server)."""
        self.warm_up()
        return {"model": self.embedder.model_id, "device": self.embedder.device, **self.stats()}

    def stats(self) -> dict[str, int]:
        return self.corpus.stats()


def with_also_in(
    citations: Sequence[Citation], also_in: Mapping[str, tuple[str, ...]]
) -> list[Citation]:
    """Each citation with the publishers of its story's other copies (wire copies)."""
    return [
        c.model_copy(update={"also_in": also_in[c.doc_id]}) if c.doc_id in also_in else c
        for c in citations
    ]


def _turn(query: Query) -> Standalone:
    """The question to answer: a chat's last message made standalone, else as asked."""
    if not query.conversation:
        return Standalone(query.question)
    return standalone([*query.conversation, ChatMessage(role="user", content=query.question)])
