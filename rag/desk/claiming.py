"""Claim and quote checks at the desk: retrieve inside one read view per collection,
judge outside it.

A quote is searched by its own words (BM25 finds verbatim words best) and, when a speaker
is given, once more with the speaker's name, so the speaker's articles are read too. A
claim is searched by its words. One article per story. What the view handed over (the
articles, the term weights, the chunk catalogue) is then judged by :mod:`rag.claims`
without holding the view; in LLM mode a model may then judge a claim
(:mod:`rag.desk.claim_judging`), and its verdict stands only where its passages hold up.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date

from rag.answering import Grounds
from rag.claims import ClaimChecker, given_quote
from rag.config import CoreSettings
from rag.contract import Article, Citation, ClaimCheck, ClaimQuery, Filters
from rag.corpus import DEFAULT, Corpus, Library, Readers
from rag.desk.locating import locator
from rag.desk.pooling import Retrieval, pooled
from rag.desk.querying import checked_claim
from rag.desk.timing import Planned, plan
from rag.search import Chunk, Hit, Recency
from rag.text import question_window

Judge = Callable[[ClaimCheck, Sequence[Citation]], ClaimCheck]  # with the passages found


class ClaimDesk:
    """``Newsdesk.check_claim``: the retrieval and the order of the stages."""

    def __init__(
        self,
        settings: CoreSettings,
        library: Library,
        checker: ClaimChecker,
        judge: Judge | None = None,
    ) -> None:
        self.settings, self.library, self.checker, self.judge = settings, library, checker, judge

    def check(self, query: ClaimQuery, modes: Collection[str], readers: Readers) -> ClaimCheck:
        """The checked claim or quote, searched in ``query.collections`` only (default: the
        default collection); QueryError for bad input (the question's limits)."""
        query = checked_claim(query, self.settings.query, modes)
        mode = query.mode or self.settings.answer.mode
        started = time.perf_counter()
        given = given_quote(query.quote, query.speaker) if query.kind == "quote" else None
        if given is None:
            searches, filters = _claim_search(query)
        else:
            searches, filters = _quote_searches(given.text, given.speaker), query.filters
        with readers.reading():
            grounds = self._retrieval(searches, query, filters)
            hits, articles = grounds.hits, grounds.articles
            retrieved = time.perf_counter()
            order = list(dict.fromkeys(h.chunk.doc_id for h in hits))
            if given is not None:
                check = self.checker.quote(given, order, articles, grounds.locate)
            else:
                check = self.checker.claim(
                    query.claim, order, articles, grounds.idf, grounds.locate, query.as_of
                )
            found = _passages(hits, articles) if given is None and mode == "llm" else []
        if given is None and mode == "llm" and self.judge is not None:
            check = self.judge(check, found)
        done = time.perf_counter()
        timings = {
            "retrieve": round((retrieved - started) * 1000, 2),
            "check": round((done - retrieved) * 1000, 2),
            "total": round((done - started) * 1000, 2),
        }
        return check.model_copy(update={"timings_ms": timings, "mode": mode})

    def _retrieval(
        self, searches: Sequence[str], query: ClaimQuery, filters: Filters | None
    ) -> Grounds:
        """Each collection searched in its own read view, the passages pooled by their fused
        scores (as a question's are), as many as one collection gives."""
        k = query.top_k or self.settings.claims.top_k
        planned = Planned(searches[0], filters, query.as_of or date.today(), None)
        recency = Recency.of(query.as_of, self.settings.retrieval)  # None: no preference
        parts = [
            self._retrieval_in(self.library.corpus(name), searches, k, planned, recency)
            for name in query.collections or (DEFAULT,)
        ]
        return pooled(parts, k * len(searches)).grounds

    def _retrieval_in(
        self,
        corpus: Corpus,
        searches: Sequence[str],
        k: int,
        planned: Planned,
        recency: Recency | None,
    ) -> Retrieval:
        """Inside one read view: the passages of each search (one article per story), the
        articles, and the catalogue and term weights of that state."""
        with corpus.read() as view:
            hits: list[Hit] = []
            for text in searches:
                known = {h.chunk.chunk_id for h in hits}
                found = view.retrieve(text, k, planned.filters, recency, story_once=True)
                hits += [h for h in found if h.chunk.chunk_id not in known]
            articles = view.articles(list(dict.fromkeys(h.chunk.doc_id for h in hits)))
            catalogue, idf = view.catalogue, view.idf

        def chunks(chunk_ids: list[str]) -> list[Chunk]:
            with corpus.read() as again:
                return again.chunks(chunk_ids)

        grounds = Grounds(hits, articles, locator(hits, catalogue, chunks), idf)
        return Retrieval(planned, grounds, {}, len(catalogue))


def _passages(hits: Sequence[Hit], articles: Mapping[str, Article]) -> list[Citation]:
    """The passages retrieval found, as citations (a model judges from them too)."""
    return [
        Citation.of(
            articles[h.chunk.doc_id],
            n,
            h.chunk.chunk_id,
            (h.chunk.start, h.chunk.end),
            h.score,
            0.0,
        )
        for n, h in enumerate(hits, start=1)
        if h.chunk.doc_id in articles
    ]


def _claim_search(query: ClaimQuery) -> tuple[list[str], Filters | None]:
    """The claim's words and filters. "This week", "on Monday", "recently" are the days
    before the claim's as-of day: only articles of those days can show it (as for a
    question). A date the claim names ("in August 2024") is what it claims, checked as a
    part, and no filter: a fact is often reported long after its day."""
    window = question_window(query.claim, query.as_of or date.today())
    if window is None or window.names_a_date:
        return [query.claim], query.filters
    planned = plan(query.claim, query.filters, query.as_of)
    return [planned.searched], planned.filters


def _quote_searches(words: str, speaker: str) -> list[str]:
    """The quote's words; with a speaker, also the speaker with the words."""
    return [words, f"{speaker}: {words}"] if speaker else [words]
