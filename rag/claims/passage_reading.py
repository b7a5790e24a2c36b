"""A claim against an article's passages: which parts each passage holds, which it gives
another value for, and how much of the claim's subject it is about.

A passage is one sentence or a few in a row (``window``): news often says who in one
sentence and how many in the next. Every finding keeps its offsets in the article, so the
evidence marks exactly what was found.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from rag.claims.comparable import OPPOSITES, Word, conditional, negated_words, words
from rag.claims.mentions import (
    Mention,
    dates,
    numbers,
    other_day,
    other_number,
    same_day,
    same_number,
    same_unit,
)
from rag.claims.name_finding import GAP, find_name, listed, sequence
from rag.claims.parts import Part
from rag.contract import Article
from rag.text import kept_regions, sentence_spans, terms

Span = tuple[int, int]
LEDE = 3  # the sentences at an article's top that set its scene (dateline, lede)


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article, read once for every claim part."""

    start: int
    end: int
    words: tuple[Word, ...]
    terms: frozenset[str]
    mentions: tuple[Mention, ...]  # numbers and dates
    negated: frozenset[str]  # terms a "not", "no" or "never" bears on
    heading: bool = False  # a short line without a stop: it titles what follows it
    conditional: bool = False  # it says "if", "unless", "whether", "could", "may" ...
    asks: bool = False  # a question: it states nothing


@dataclass(frozen=True)
class Reading:
    """How one passage reads against a claim."""

    start: int
    end: int
    found: dict[int, list[Span]]  # part index -> where the passage holds it
    other: dict[int, Mention]  # part index -> the passage's different value
    coverage: float  # share of the claim's context weight the passage holds
    negated: bool  # a "not" bears on one of the claim's words
    contrary: bool = False  # it says the opposite of one of the claim's words
    conditional: bool = False  # it says "if" or "could"
    size: int = 1  # sentences
    apart: bool = False  # its numbers and names stand in different sentences only
    headline: bool = False  # the passage is the article's headline (offsets into the title)
    asks: bool = False  # the sentences holding its parts are questions


def sentences_of(article: Article) -> list[Sentence]:
    """The article's sentences (boilerplate lines left out), each read for words, terms,
    numbers and dates."""
    text = article.text
    return [_sentence(text, start, end)
            for lo, hi in kept_regions(text)
            for start, end in sentence_spans(text, lo, hi)]  # fmt: skip


def headline_of(article: Article) -> list[Sentence]:
    """The article's headline as one passage of its own (offsets into the title): a
    publisher's headline states facts as plainly as its text, and sometimes alone."""
    title = article.title.strip()
    return [_sentence(article.title, 0, len(article.title))] if title else []


def _sentence(text: str, start: int, end: int) -> Sentence:
    found = tuple(words(text, start, end))
    mentions = tuple(dates(text, start, end) + numbers(text, start, end))
    heading = len(found) <= 8 and text[start:end].rstrip()[-1:] not in '.!?”"’:'
    asks = text[start:end].rstrip().rstrip('”"’').endswith("?")
    return Sentence(start, end, found, frozenset(terms(text[start:end])), mentions,
                    negated_terms(found), heading, conditional(found, text), asks)  # fmt: skip


def readings(
    parts: Sequence[Part],
    weights: dict[str, float],
    sentences: Sequence[Sentence],
    window: int,
    text: str,
    lead: tuple[str, Sequence[Sentence]] = ("", ()),
) -> list[Reading]:
    """Every passage of up to ``window`` sentences of the article (``text``) that holds at
    least one part (or, for a claim without parts, any of its context); ``lead``: the
    title and its sentence, which set the scene with the first sentences."""
    total = sum(weights.values()) or 1.0
    everything = [w for s in sentences for w in s.words]
    names = [(n, p) for n, p in enumerate(parts) if p.kind == "name" and not p.forms]
    in_full = {n for n, p in names if sequence(p.words, everything, GAP)}
    # "US", "UK": a country an article is set in is named somewhere in it, seldom in
    # every passage, so an acronym anywhere in the article counts.
    in_article = {n for n, p in enumerate(parts)
                  if p.forms and everything and find_name(p, text, everything, False)}  # fmt: skip
    # the place a claim is set in ("in Japan") counts when the article's top names it: a
    # dateline or a lede sets the scene once for every passage after it
    set_in = {n for n, p in names if p.setting and _at_top(p, text, sentences, lead)}
    regions = {n for n in in_full if parts[n].region}
    worded = [frozenset(terms(p.text)) for p in parts]
    out = []
    for i in range(len(sentences)):
        for size in range(1, window + 1):
            chunk = sentences[i : i + size]
            if len(chunk) < size or (size > 1 and chunk[-1].heading):
                break
            known = (in_full, in_article, set_in, regions)
            reading = _read(parts, weights, total, chunk, text, known, worded)
            if any(reading.found.values()) or (not parts and reading.coverage > 0):
                out.append(reading)
    return out


def _read(
    parts: Sequence[Part],
    weights: dict[str, float],
    total: float,
    chunk: Sequence[Sentence],
    text: str,
    known: tuple[set[int], set[int], set[int], set[int]],
    worded: Sequence[frozenset[str]],
) -> Reading:
    """How one passage reads against the claim. ``known``: the parts the article names in
    full somewhere, those it holds anywhere, the places its top sets it in, and the
    regions it names; ``worded``: each part's own terms."""
    in_full, in_article, set_in, regions = known
    found_words = [w for s in chunk for w in s.words]
    mentions = [m for s in chunk for m in s.mentions]
    held = frozenset().union(*(s.terms for s in chunk))
    found: dict[int, list[Span]] = {}
    other: dict[int, Mention] = {}
    for n, part in enumerate(parts):
        if part.kind == "name":
            spans = find_name(part, text, found_words, n in in_full) if found_words else []
        else:
            spans = _find(part, found_words, mentions)
            if part.kind == "quoted" and spans:
                spans = _listed_out(spans, text, found_words)
        if spans or n in in_article:
            found[n] = spans
        elif part.mention is not None:
            different = _other(part.mention, mentions)
            if different is not None:
                other[n] = different
    if (set_in or regions) and any(found.values()):  # the setting, named at the top
        found.update((n, []) for n in set_in if n not in found)
        found.update((n, []) for n in regions if n not in found and found.get(n - 1))
    # a name the passage gives in another of its forms ("Britain" for "United Kingdom",
    # "U.S." for "US", "World War II" for "WWII", "Ashton" for "Ash") holds its words
    held = held.union(*(worded[n] for n, spans in found.items()
                        if spans and _whole(parts[n], spans, found_words)))  # fmt: skip
    coverage = sum(w for t, w in weights.items() if t in held) / total
    denied = any(s.negated & weights.keys() for s in chunk)
    contrary = any(t not in held and OPPOSITE[t] & held for t in weights if t in OPPOSITE)
    return Reading(chunk[0].start, chunk[-1].end, found, other, coverage, denied, contrary,
                   any(s.conditional for s in chunk), len(chunk),
                   _apart(parts, found, chunk), asks=_asks(found, chunk))  # fmt: skip


def _asks(found: dict[int, list[Span]], chunk: Sequence[Sentence]) -> bool:
    """Is every sentence that holds a part a question? ("Disney stopped selling what in
    Australia?" states nothing.)"""
    if not any(s.asks for s in chunk):
        return False
    held = holding(found, chunk)
    return bool(held) and all(s.asks for s in held)


def holding(found: dict[int, list[Span]], chunk: Sequence[Sentence]) -> list[Sentence]:
    """The sentences of a passage that hold one of the parts ``found`` in it."""
    starts = [a for spans in found.values() for a, _ in spans]
    return [s for s in chunk if any(s.start <= a < s.end for a in starts)]


def _at_top(part: Part, text: str, sentences: Sequence[Sentence],
            lead: tuple[str, Sequence[Sentence]]) -> bool:  # fmt: skip
    """Does the headline or the article's first sentences name the place?"""
    title, heads = lead
    head = [w for s in heads for w in s.words]
    top = [w for s in sentences[:LEDE] for w in s.words]
    return bool((head and find_name(part, title, head, False))
                or (top and find_name(part, text, top, False)))  # fmt: skip


def _whole(part: Part, spans: Sequence[Span], found: Sequence[Word]) -> bool:
    """Is the name found whole: in one of its other forms, or in as many words as it has
    (not "Lago" alone for "Mar-a-Lago", "Day" for "Presidents' Day")?"""
    if part.kind != "name" or not spans:
        return False
    if part.forms or len(part.words) == 1:
        return True
    starts = [w.start for w in found]
    return any(bisect_left(starts, b) - bisect_left(starts, a) >= len(part.words)
               for a, b in spans)  # fmt: skip


def _apart(parts: Sequence[Part], found: dict[int, list[Span]], chunk: Sequence[Sentence]) -> bool:
    """Do the claim's numbers and names, found in a passage of several sentences, stand
    only in different sentences? ("Sosa holds the record with 73" is not held by "Bonds
    set the record with 73. ... McGwire and Sosa".) A number belongs to what its own
    sentence names, by the whole name or by its last word ("McGrath ... 47 seasons"), or
    to what the sentence before names when its own opens with a pronoun ("Bob McGrath
    ... has died. He was 90.")."""
    if len(chunk) < 2:
        return False
    named = [p for p in parts if p.kind == "name" and p.words and not p.forms]
    numbers = {i for n, part in enumerate(parts) if part.kind == "number"
               for start, _ in found.get(n, ())
               for i, s in enumerate(chunk) if s.start <= start < s.end}  # fmt: skip
    last_words = {part.words[-1].lower() for part in named}
    names: set[int] = set()
    for i, s in enumerate(chunk):
        says = last_words & {w.norm for w in s.words}
        goes_on = i - 1 in names and bool(s.words) and s.words[0].norm in PRONOUNS
        if says or goes_on:
            names.add(i)
    return bool(numbers and names) and not numbers & names


def _find(part: Part, found: Sequence[Word], mentions: Sequence[Mention]) -> list[Span]:
    if part.mention is not None:
        match: Callable[[Mention, Mention], bool] = same_day if part.kind == "date" else same_number
        spans = [(m.start, m.end) for m in mentions
                 if m.kind == part.kind and match(part.mention, m)]  # fmt: skip
        return spans or _roman(part, found)
    return _quoted_words(part.words, found)


def _roman(part: Part, found: Sequence[Word]) -> list[Span]:
    """A number after a name written in Roman numerals after it: "Artemis I" holds
    "Artemis 1", "World War II" holds "World War 2"."""
    if not part.named or part.mention is None:
        return []
    numeral = _numeral(int(part.mention.value)).lower()
    return [(b.start, b.end) for a, b in pairwise(found)
            if a.norm == part.named and b.norm == numeral]  # fmt: skip


def _numeral(n: int) -> str:
    """1 -> "I", 14 -> "XIV" (up to 99)."""
    out = ""
    for value, letters in ((90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):  # fmt: skip
        count, n = divmod(n, value)
        out += letters * count
    return out


def _listed_out(spans: list[Span], text: str, found: Sequence[Word]) -> list[Span]:
    return [s for s in spans if not listed(text, s, found)]


def _quoted_words(wanted: Sequence[str], found: Sequence[Word]) -> list[Span]:
    """Where the quoted words stand in ``found``, one after the other."""
    n = len(wanted)
    norms = [w.norm for w in found]
    return [(found[i].start, found[i + n - 1].end)
            for i in range(len(norms) - n + 1) if norms[i : i + n] == list(wanted)]  # fmt: skip


def _other(claimed: Mention, mentions: Sequence[Mention]) -> Mention | None:
    """The passage's value of the same kind that differs from the claim's, if it gives
    exactly one such value and none close to the claim's ("a 59% majority disapprove, with
    41% approving" gives 60% roughly: 41% is of something else)."""
    if claimed.kind == "date":
        others = [m for m in mentions if m.kind == "date" and other_day(claimed, m)]
    else:
        same = [m for m in mentions if m.kind == "number" and same_unit(claimed, m)]
        if any(not other_number(claimed, m) for m in same):
            return None
        others = [m for m in same if other_number(claimed, m)]
    values = {m.normal for m in others}
    return others[0] if len(values) == 1 else None


def negated_terms(found: Sequence[Word]) -> frozenset[str]:
    """The terms a negation bears on (see :func:`rag.claims.comparable.negated_words`)."""
    return frozenset(terms(" ".join(negated_words(found))))


def context_weights(
    claim: str, parts: Sequence[Part], idf: Callable[[str], float]
) -> dict[str, float]:
    """The claim's content terms (numbers left out: they are parts), weighted by rarity;
    not its hedges of time and amount ("recently", "approximately") nor the words that only
    say where a thing is or what it is called ("located", "named"): news writes "Camp Hale
    in Colorado" and "storm Nicole"."""
    words_ = [t for t in terms(claim) if not t[:1].isdigit() and t not in _UNWEIGHED]
    return {t: max(idf(t), 0.0) for t in dict.fromkeys(words_)}


def _opposites() -> dict[str, frozenset[str]]:
    pairs: dict[str, set[str]] = {}
    for pair in OPPOSITES:
        a, b = terms(pair) if len(terms(pair)) == 2 else pair.split()
        pairs.setdefault(a, set()).add(b)
        pairs.setdefault(b, set()).add(a)
    return {t: frozenset(o) for t, o in pairs.items()}


OPPOSITE = _opposites()  # stemmed: "approv" -> {"reject"}
PRONOUNS = frozenset("he she it they his her its their him them".split())
_HEDGES = frozenset(terms("recently recent latest currently now approximately reportedly"))
_LINKS = frozenset(terms("located situated called named name known"))
_UNWEIGHED = _HEDGES | _LINKS
