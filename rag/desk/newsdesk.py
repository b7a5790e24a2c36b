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
from collections.abc import Callable, Iterable, Mapping, Sequence

from rag.answering import Grounds, Standalone, finish, standalone
from rag.config import CoreSettings
from rag.contract import (
    Answer,
    ArticleInput,
    ChatMessage,
    Citation,
    ClaimCheck,
    ClaimQuery,
    IngestFailure,
    IngestReport,
    Query,
)
from rag.corpus import DEFAULT, CheckReport, Corpus, Library, Readers, ReadView
from rag.desk.answerer import Answerer
from rag.desk.claiming import ClaimDesk
from rag.desk.indexer import Indexer, Pipeline
from rag.desk.locating import locator
from rag.desk.matching import answers_in
from rag.desk.passages import as_citations
from rag.desk.pooling import Retrieval, pooled
from rag.desk.querying import checked
from rag.desk.shelves import QuotesOf, Shelves
from rag.desk.timing import Planned, nothing_in, plan
from rag.embedding import Embedder
from rag.search import Chunk, Hit, Recency

log = logging.getLogger(__name__)
OnToken = Callable[[str], None]
OnSources = Callable[[Sequence[Citation]], None]
Ingested = Callable[[str, IngestReport], object]  # (collection, report): after every ingest


class Newsdesk(Shelves):
    """Ingest articles and answer questions with verbatim, cited passages."""

    def __init__(
        self,
        settings: CoreSettings,
        embedder: Embedder,
        library: Library,
        answerers: Mapping[str, Answerer],
        quotes_of: QuotesOf,
        claims: ClaimDesk,
    ) -> None:
        super().__init__(library, quotes_of)
        self.settings, self.embedder, self.claims = settings, embedder, claims
        self.answerers = dict(answerers)
        self.readers = Readers()  # questions in flight, in any collection: the CPU is one
        self._indexers: dict[str, Indexer] = {}
        self._writer = threading.Lock()  # one ingest or repair at a time; others queue
        self.ingested: list[Ingested] = []  # told of every ingest (services' follows)

    @property
    def indexer(self) -> Indexer:
        """The default collection's indexer."""
        return self.indexer_of(self.corpus)

    def indexer_of(self, corpus: Corpus) -> Indexer:
        with self._lock:
            found = self._indexers.get(corpus.name)
            if found is None:
                corpus.readers = self.readers  # its writes keep the index current for them
                settings = self.settings
                found = Indexer(settings.chunking, settings.ingest, self.embedder, corpus,
                                self.readers)  # fmt: skip
                self._indexers[corpus.name] = found
            return found

    def recover(self, collection: str | None = None) -> CheckReport | None:
        """Repair a collection (None: every one) whose last write was cut short (a crash,
        ``kill -9``), before anyone reads it; None when every write finished."""
        names = [collection] if collection else self.library.names()
        reports = [r for r in (self._recover(self.library.corpus(n)) for n in names) if r]
        return reports[0] if reports else None

    def _recover(self, corpus: Corpus) -> CheckReport | None:
        if not corpus.interrupted():  # cheap: a file check
            return None
        with self._writer:
            if not corpus.interrupted():
                return None
            log.warning("the last write to collection %s was cut short: repairing", corpus.name)
            report = corpus.repair(self._reindexer(corpus))
            log.warning("collection %s repaired: %s", corpus.name, report.summary())
            return report

    def _reindexer(self, corpus: Corpus) -> Callable[[list[ArticleInput]], IngestReport]:
        return lambda inputs: self.indexer_of(corpus).run(inputs, force=True)

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
        collection: str = DEFAULT,
        pipeline: Pipeline | None = None,
    ) -> IngestReport:
        """Store new and changed articles in a collection (made if new); skip unchanged
        ones; collect failures. A second ingest waits for the first to end; questions do
        not (see the module docstring). ``pipeline``: where articles are prepared and
        embedded (default: this process; ``services.cluster`` gives a Ray cluster's); they
        are written here either way."""
        corpus = self.library.corpus(collection, create=True)
        self._recover(corpus)
        with self._writer:
            report = self.indexer_of(corpus).run(items, progress, pipeline=pipeline)
        for listener in list(self.ingested):
            try:
                listener(corpus.name, report)
            except Exception:  # what was stored stays stored; the listener's bug is logged
                log.exception("a listener of ingests failed on collection %s", corpus.name)
        return report

    def answers_in(
        self, queries: Sequence[Query | str], doc_ids: Sequence[str], collection: str = DEFAULT
    ) -> list[list[Answer]]:
        """Per question, the extractive answer of each given article that answers it by
        itself (its own passages only; "nothing found" gives none), for checking new
        articles against followed questions (:mod:`rag.desk.matching`)."""
        asked = [self._checked(q) for q in queries]
        corpus = self.library.corpus(collection)
        questions = [_turn(q).question for q in asked]
        return answers_in(corpus, self.answerers["extractive"], questions, doc_ids)

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
        with self.readers.reading() as reading:  # an ingest makes way meanwhile
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
        with self.readers.reading():
            return self._retrieval(_turn(query).question, query)

    def _retrieval(self, question: str, query: Query) -> Retrieval:
        corpora = [self.library.corpus(name) for name in query.collections or (DEFAULT,)]
        parts = [self._retrieval_in(c, question, query) for c in corpora]
        return pooled(parts, query.top_k or self.settings.retrieval.top_k)

    def _retrieval_in(self, corpus: Corpus, question: str, query: Query) -> Retrieval:
        """Inside one read view of a collection: the question's days planned, the passages
        found, their articles and stories, and the term weights of that state."""
        with corpus.read() as view:
            planned, hits = self._retrieve(view, question, query)
            doc_ids = list(dict.fromkeys(h.chunk.doc_id for h in hits))
            articles = view.articles(doc_ids)
            stale = {d for d, a in articles.items() if not planned.fresh(a.published_at)}
            if stale:  # news of this week is not in an article from years before
                hits = [h for h in hits if h.chunk.doc_id not in stale]
                doc_ids = [d for d in doc_ids if d not in stale]
                articles = {d: a for d, a in articles.items() if d not in stale}
            also_in = view.also_in(doc_ids)
            catalogue, idf = view.catalogue, view.idf

        def chunks(chunk_ids: list[str]) -> list[Chunk]:
            with corpus.read() as again:
                return again.chunks(chunk_ids)

        grounds = Grounds(hits, articles, locator(hits, catalogue, chunks), idf)
        return Retrieval(planned, grounds, also_in, len(catalogue))

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
        grounds = self.retrieve(query).grounds
        return as_citations(grounds.hits, grounds.articles)

    def check_claim(self, check: ClaimQuery) -> ClaimCheck:
        """Check a claim (supported, contradicted, mixed, not_found) or a quote (exact,
        altered, misattributed, not_found) against the archive (``check.collections``, default:
        the default collection), with the evidence."""
        return self.claims.check(check, self.answerers, self.readers)

    def _checked(self, query: Query | str) -> Query:
        """A plain string is a question with the default options."""
        query = Query(question=query) if isinstance(query, str) else query
        return checked(query, self.settings.query, self.answerers)

    def check(self, repair: bool = False, collection: str = DEFAULT) -> CheckReport:
        """Are a collection's store and BM25 index consistent? With ``repair``, make them so."""
        corpus = self.library.corpus(collection)
        with self._writer:
            return corpus.repair(self._reindexer(corpus)) if repair else corpus.check()

    def ready(self) -> dict[str, object]:
        """Readiness: the model is loaded and the store answers (else StoreError); the model
        and where it runs (cpu, cuda, mps; remote: another server)."""
        self.warm_up()
        return {"model": self.embedder.model_id, "device": self.embedder.device, **self.stats()}


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
