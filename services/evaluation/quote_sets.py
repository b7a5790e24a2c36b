"""Quotes to check, made from real attributed quotes of a corpus: each as it stands (exact),
and altered the ways quotes are altered in the wild.

From every article the quote attribution of :mod:`rag.quotes` reads, quotations of 8 to 60
words inside one attributed quote are taken (in a fixed order, by hash), each giving:
- ``exact``: the words as stored, given to their speaker -> ``exact``;
- ``word``: one content word changed ("important" for "strategic") -> ``altered``;
- ``negation``: "not" after the first auxiliary ("we are ready" -> "we are not ready")
  -> ``altered`` (quotes without an auxiliary give none);
- ``number``: the first number changed (doubled) -> ``altered`` (quotes with a number);
- ``speaker``: the exact words given to another speaker of the corpus -> ``misattributed``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rag.contract import Article, QuoteVerdict
from rag.quotes import find_quotes, speaker_matches
from rag.text import STOPWORDS, kept_regions, quote_spans

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_AUX = re.compile(
    r"\b(?:is|are|was|were|will|would|can|could|should|have|has|had|do|does|did|must|may|"
    r"might|am)\b(?!\s+(?:not|n[o’']t|never)\b)",
    re.IGNORECASE,
)
REPLACEMENTS = ("important", "different", "difficult", "political", "economic")


@dataclass(frozen=True)
class QuoteCase:
    """One quote to check and the verdict it should get."""

    id: str
    quote: str
    speaker: str
    expected: QuoteVerdict
    variant: str  # exact, word, negation, number, speaker
    doc_id: str


@dataclass(frozen=True)
class Said:
    doc_id: str
    speaker: str
    words: str  # the quotation's inside, verbatim


def attributed(articles: Iterable[Article], min_words: int = 8, max_words: int = 60) -> list[Said]:
    """Quotations of the right length, each inside one attributed quote of its article."""
    out = []
    for article in articles:
        text, regions = article.text, kept_regions(article.text)
        for quote in find_quotes(text):
            if not any(lo <= quote.start < hi for lo, hi in regions):
                continue
            line_end = text.find("\n", quote.start)
            hi = len(text) if line_end < 0 else line_end
            for start, end, closed in quote_spans(text, quote.start, min(quote.end, hi)):
                inner = text[start + 1 : end - 1 if closed else end].strip().rstrip(",")
                if closed and min_words <= len(_WORD.findall(inner)) <= max_words:
                    out.append(Said(article.doc_id, quote.speaker, inner))
    return out


def quote_cases(said: Sequence[Said], limit: int) -> list[QuoteCase]:
    """Up to ``limit`` quotations (in hash order, one per article), each with its variants."""
    ordered = sorted(said, key=lambda s: _hash(f"{s.doc_id}|{s.words}"))
    chosen: list[Said] = []
    seen: set[str] = set()
    for s in ordered:
        if s.doc_id not in seen and len(chosen) < limit:
            chosen.append(s)
            seen.add(s.doc_id)
    speakers = sorted({s.speaker for s in said})
    cases: list[QuoteCase] = []
    for n, s in enumerate(chosen):
        cases += _variants(n, s, speakers)
    return cases


def _variants(n: int, s: Said, speakers: Sequence[str]) -> list[QuoteCase]:
    def case(variant: str, quote: str, speaker: str, expected: QuoteVerdict) -> QuoteCase:
        return QuoteCase(f"q{n}-{variant}", quote, speaker, expected, variant, s.doc_id)

    out = [case("exact", s.words, s.speaker, "exact")]
    changed = _word_changed(s.words)
    if changed:
        out.append(case("word", changed, s.speaker, "altered"))
    negated = _negated(s.words)
    if negated:
        out.append(case("negation", negated, s.speaker, "altered"))
    number = _number_changed(s.words)
    if number:
        out.append(case("number", number, s.speaker, "altered"))
    other = _other_speaker(s.speaker, speakers, n)
    if other:
        out.append(case("speaker", s.words, other, "misattributed"))
    return out


def _word_changed(words: str) -> str | None:
    """The longest lower-case content word replaced by another."""
    found = [m for m in _WORD.finditer(words) if m.group().islower()
             and m.group() not in STOPWORDS and len(m.group()) >= 5]  # fmt: skip
    if not found:
        return None
    m = max(found, key=lambda m: (len(m.group()), -m.start()))
    new = next(r for r in REPLACEMENTS if r != m.group())
    return words[: m.start()] + new + words[m.end() :]


def _negated(words: str) -> str | None:
    m = _AUX.search(words)
    return None if m is None else words[: m.end()] + " not" + words[m.end() :]


def _number_changed(words: str) -> str | None:
    m = _NUMBER.search(words)
    if m is None:
        return None
    value = float(m.group().replace(",", ""))
    doubled = f"{value * 2:,.0f}" if value.is_integer() else f"{value * 2:g}"
    return words[: m.start()] + doubled + words[m.end() :]


def _other_speaker(speaker: str, speakers: Sequence[str], n: int) -> str | None:
    """Another speaker of the corpus (not one the name could denote), chosen by turn."""
    others = [s for s in speakers if not speaker_matches(s, speaker) and " " in s]
    return others[n % len(others)] if others else None


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
