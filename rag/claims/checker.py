"""Checking claims and quotes against articles already retrieved: the room's one entry.

Given the articles a read view found (best first) and a way to name the chunk holding an
offset, it returns the contract's :class:`rag.contract.ClaimCheck`. Nothing here reads the
corpus or calls a model; an article's sentences are read once per version and cached.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from itertools import pairwise

from rag.claims.claim_check import Readable, Rules, Said, judge_claim
from rag.claims.claim_report import claim_check
from rag.claims.comparable import hedged, words
from rag.claims.given import GivenQuote, parse_quote
from rag.claims.parts import Part, claim_parts, proper_in, titled
from rag.claims.passage_reading import (
    PRONOUNS,
    context_weights,
    headline_of,
    negated_terms,
    sentences_of,
)
from rag.claims.quote_check import QuotesOf, find, judge
from rag.claims.quote_report import quote_check
from rag.contract import Article, ClaimCheck
from rag.errors import QueryError
from rag.text import question_window, sentence_spans

Locate = Callable[[str, int], str]
CACHED = 256  # articles whose sentences are kept


class ClaimChecker:
    """Quote and claim checks over retrieved articles; safe to share between threads."""

    def __init__(self, quotes_of: QuotesOf, rules: Rules, max_evidence: int) -> None:
        self.quotes_of, self.rules, self.max_evidence = quotes_of, rules, max_evidence
        self._read: dict[tuple[str, str, str], Readable] = {}
        self._lock = threading.Lock()

    def quote(
        self,
        given: GivenQuote,
        order: Sequence[str],
        articles: Mapping[str, Article],
        locate: Locate,
    ) -> ClaimCheck:
        """exact, altered, misattributed or not_found, with the passages that show it."""
        finding = judge(given, find(given, order, articles, self.quotes_of))
        return quote_check(given, finding, articles, locate, self.max_evidence)

    def claim(
        self,
        claim: str,
        order: Sequence[str],
        articles: Mapping[str, Article],
        idf: Callable[[str], float],
        locate: Locate,
        as_of: date | None = None,
    ) -> ClaimCheck:
        """supported, contradicted, mixed or not_found, with the passages that show it;
        ``as_of``: the day "this week" or "on Monday" in the claim count back from."""
        stored = [d for d in order if d in articles]
        parts = claim_parts(claim, proper_in([articles[d].text for d in stored]))
        spans = sentence_spans(claim)
        said = _referring([_said(claim, a, b, parts, idf, as_of) for a, b in spans], claim, spans)
        finding = judge_claim(said, stored, lambda d: self.readable(articles[d]), self.rules)
        return claim_check(claim, parts, finding, articles, locate, self.max_evidence)

    def readable(self, article: Article) -> Readable:
        """The article's text and headline, read once per version."""
        key = (article.doc_id, article.content_hash, article.title)
        with self._lock:
            found = self._read.get(key)
        if found is None:
            found = Readable(article.text, sentences_of(article), article.title,
                             headline_of(article))  # fmt: skip
            with self._lock:
                self._read[key] = found
                while len(self._read) > CACHED:
                    self._read.pop(next(iter(self._read)))
        return found


def _said(
    claim: str,
    start: int,
    end: int,
    parts: list[Part],
    idf: Callable[[str], float],
    as_of: date | None,
) -> Said:
    """One sentence of the claim: its parts, the weights of its words, its "not", and the
    years its "this week" or "recently" means."""
    text = claim[start:end]
    mine = tuple(p for p in parts if start <= p.start < end)
    weights = context_weights(text, mine, idf)
    found = words(text)
    window = question_window(text, as_of) if as_of is not None else None
    dated = any(p.kind == "date" for p in mine)
    years = (window.start.year, window.end.year) if window and not dated else None
    return Said(mine, weights, bool(negated_terms(found) & weights.keys()), hedged(found, text),
                years=years)  # fmt: skip


def _referring(said: list[Said], claim: str, spans: Sequence[tuple[int, int]]) -> list[Said]:
    """Each sentence that says "he", "she", "it" or "they", with the names of the sentence
    before as what it refers to (one of them must stand in its passage)."""
    out = said[:1]
    for (before, now), (start, end) in zip(pairwise(said), spans[1:], strict=True):
        spoken = {w.norm for w in words(claim, start, end)}
        names = tuple(p for p in before.parts if p.kind == "name"
                      and (spoken & _PEOPLE or not titled(claim, p)))  # fmt: skip
        refers = bool(names) and bool(spoken & (_PEOPLE | _THINGS))
        out.append(replace(now, referents=names) if refers else now)
    return out


_THINGS = frozenset("it its".split())  # never a person named with a title ("President Biden")
_PEOPLE = PRONOUNS - _THINGS


def given_quote(text: str, speaker: str = "") -> GivenQuote:
    """The quote to look for; QueryError when it holds no words."""
    given = parse_quote(text, speaker)
    if not given.size:
        raise QueryError("the quote has no words to look for")
    return given
