"""Did X really say that? A quote against every stream of quoted words of the articles read.

- ``exact``: found verbatim and said by the speaker given (or by anyone, when none is);
- ``misattributed``: found, but said by someone else (named): verbatim, else nearly;
- ``altered``: a near match by that speaker: some words added, dropped or changed;
- ``not_found``: nothing close, or only words the article attributes to nobody.
"Near" allows at most about one word in four to differ and needs three words in common;
punctuation, case, quotation marks and ellipses never count, a changed word always does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rag.claims.align import Alignment, align
from rag.claims.comparable import norms
from rag.claims.given import GivenQuote
from rag.claims.spoken import Spoken, spoken
from rag.contract import Article, QuoteVerdict
from rag.quotes import Quote, is_role, speaker_matches, speakers_with_role

QuotesOf = Callable[[Article], list[Quote]]
NEAR_SHARE = 0.3  # at most this share of the quote's words may differ in a near match
MIN_SAME = 3  # and at least this many must be the same


@dataclass(frozen=True)
class Found:
    """A stream holding the quote, verbatim or nearly."""

    spoken: Spoken
    alignment: Alignment
    rank: int  # of its article among those read
    by_speaker: bool  # said by the speaker given (False when none is given)

    @property
    def exact(self) -> bool:
        return self.alignment.distance == 0


@dataclass(frozen=True)
class QuoteFinding:
    verdict: QuoteVerdict
    found: list[Found]  # the evidence, strongest first
    unattributed: bool = False  # not found as the speaker's, but in nobody's quotation


def find(
    given: GivenQuote,
    order: Sequence[str],
    articles: Mapping[str, Article],
    quotes_of: QuotesOf,
) -> list[Found]:
    """Every stream of the articles (in ``order``) that holds the quote, verbatim or near."""
    wanted = set(norms(given.all_words))
    segments = [norms(s) for s in given.segments]
    out: list[Found] = []
    for rank, doc_id in enumerate(order):
        article = articles.get(doc_id)
        if article is None:
            continue
        quotes = quotes_of(article)
        theirs = _speakers_of(article, quotes, given.speaker)
        for stream in spoken(article, quotes):
            words = norms(stream.words)
            if 2 * len(wanted & set(words)) < len(wanted):
                continue
            alignment = align(segments, words)
            if alignment is not None and near(alignment.distance, given.size):
                mine = bool(stream.speaker) and stream.speaker in theirs
                out.append(Found(stream, alignment, rank, mine))
    return out


def near(distance: int, size: int) -> bool:
    return distance == 0 or (
        distance <= max(1, int(NEAR_SHARE * size)) and size - distance >= MIN_SAME
    )


def _speakers_of(article: Article, quotes: Sequence[Quote], name: str) -> set[str]:
    """The article's speakers the given name (or role: 'the Kremlin spokesman') denotes."""
    if not name:
        return set()
    speakers = sorted({q.speaker for q in quotes})
    if is_role(name):
        return set(speakers_with_role(article.text, speakers, name))
    return {s for s in speakers if speaker_matches(s, name)}


def judge(given: GivenQuote, found: Sequence[Found]) -> QuoteFinding:
    """The verdict, and the streams that show it (best first)."""
    ranked = sorted(found, key=lambda f: (f.alignment.distance, f.rank))
    named = [f for f in ranked if f.spoken.speaker]
    nobody = [f for f in ranked if not f.spoken.speaker]
    if not given.speaker:
        if any(f.exact for f in ranked):
            exact = [f for f in named if f.exact] + [f for f in nobody if f.exact]
            return QuoteFinding("exact", exact)
        if ranked:
            return QuoteFinding("altered", named + nobody)
        return QuoteFinding("not_found", [])
    mine = [f for f in named if f.by_speaker]
    others = [f for f in named if not f.by_speaker]
    if any(f.exact for f in mine):
        return QuoteFinding("exact", [f for f in mine if f.exact])
    if any(f.exact for f in others):
        return QuoteFinding("misattributed", [f for f in others if f.exact])
    if mine:
        return QuoteFinding("altered", mine)
    if others:
        return QuoteFinding("misattributed", others)
    return QuoteFinding("not_found", nobody, unattributed=bool(nobody))
