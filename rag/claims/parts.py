"""A claim taken apart: the parts a passage must hold, word for word, to support it.

- quoted words (“bankrupt”): the same words, in order;
- dates ("February 25, 2025", "in 2014"): the same day, month or year;
- numbers with their units ("15,000 tons", "$2.9 million", "20%"): the same value in the
  same unit;
- names (capitalised words not at the start of a sentence, titles left out: "President
  Joe Biden" -> "Joe Biden"): the same words, in order, at most two words apart.
The rest of the claim's words are its context: a passage about the same subject holds
most of their weight (:mod:`rag.claims.passage_reading`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from rag.claims.comparable import Word, words
from rag.claims.mentions import SYMBOLS, Mention, dates, numbers
from rag.contract import ClaimPart, PartKind
from rag.text import STOPWORDS, quote_spans, sentence_spans

_CONNECTORS = frozenset("of the de del da di van von al bin la le du der y".split())
TITLES = frozenset(
    """president vice prime minister secretary ceo chief senator sen governor gov mayor
    king queen prince princess pope general gen judge director chairman chairwoman chair
    spokesman spokeswoman spokesperson dr mr mrs ms sir lord lady former actor actress
    singer star pop rep representative speaker leader founder coach officer""".split()
)
ALIASES = {
    "US": ("US", "U.S.", "United States", "America", "American", "Americans"),
    "UK": ("UK", "U.K.", "United Kingdom", "Britain", "British"),
    "EU": ("EU", "E.U.", "European Union"),
    "UN": ("UN", "U.N.", "United Nations"),
}
"""How a short acronym is written elsewhere; any other is looked for dotted or not."""
_LONG_FORMS = {" ".join(long.lower().split()): forms for forms in ALIASES.values()
               for long in forms[2:3]}  # fmt: skip
"""A long form ("United Kingdom") is found as any of its acronym's forms ("Britain")."""
_IN = re.compile(  # "in", not after "is" or "located": "Camp Hale is in Utah" claims a place
    r"(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )(?<!located )(?<!situated )(?<!based )"
    r"\b(?:[Ii]n|across)\s+(?:the\s+)?$"
)
_NAME_BEFORE = re.compile(r"\b([A-Z][a-z]+)[ -]$")
_UNIT_WORD = re.compile(r"[ -]+[^\W\d_][\w’'-]*")
_CALENDAR = frozenset(
    """january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday
    thursday friday saturday sunday""".split()
)


@dataclass(frozen=True)
class Part:
    """One checkable part of a claim, with what finding it takes."""

    kind: PartKind
    text: str  # as the claim writes it
    start: int
    end: int
    words: tuple[str, ...] = ()  # names, quoted words: the words to find
    mention: Mention | None = None  # numbers, dates
    forms: tuple[str, ...] = ()  # acronyms: the ways it is written ("US", "U.S.", ...)
    named: str = ""  # a number that follows a name ("Artemis 1"): that name's last word
    setting: bool = False  # a place the claim sets itself in ("in Japan"): see _settings
    region: bool = False  # a place naming the one before it ("San Francisco, California")

    @property
    def value(self) -> str:
        if self.forms:
            return self.forms[0]
        return self.mention.normal if self.mention else " ".join(self.words)

    def contract(self) -> ClaimPart:
        return ClaimPart(kind=self.kind, text=self.text, value=self.value)


def claim_parts(claim: str, proper: Callable[[str], bool] = lambda word: False) -> list[Part]:
    """The checkable parts of a claim, in the order it says them. ``proper`` tells whether
    a capitalised word that opens a sentence is a name ("Macron said ...") rather than any
    word ("Scientists say ..."): see :func:`proper_in`."""
    parts = _quoted(claim)
    taken = [(p.start, p.end) for p in parts]
    for mention in dates(claim) + numbers(claim):
        if not _overlaps(mention.start, mention.end, taken):
            end = mention.end + len(with_unit(claim, mention)) - (mention.end - mention.start)
            text = claim[mention.start : end]
            named = _named_before(claim, mention) if mention.kind == "number" else ""
            parts.append(Part(mention.kind, text, mention.start, end, mention=mention,  # type: ignore[arg-type]
                              named=named))  # fmt: skip
    taken = [(p.start, p.end) for p in parts]
    for start, end in sentence_spans(claim):
        found = [w for w in words(claim, start, end) if not _overlaps(w.start, w.end, taken)]
        parts += _names(claim, found, start, proper)
    return _settings(claim, sorted(parts, key=lambda p: p.start))


def _settings(claim: str, parts: list[Part]) -> list[Part]:
    """Names after "in" or "across" ("a volcano in Japan", "in San Francisco, California")
    set the claim in a place: an article names its setting once, seldom in every passage,
    so it may stand at its top (:mod:`rag.claims.passage_reading`); the region after a
    place and a comma ("California") is held where the place is found. "Is in", "located
    in" claim the place instead: that must be found."""
    out: list[Part] = []
    for part in parts:
        after_in = _IN.search(claim, 0, part.start) is not None
        region = bool(out) and out[-1].setting and claim[out[-1].end : part.start] == ", "
        named = part.kind == "name"
        out.append(replace(part, setting=named and (after_in or region), region=named and region))
    return out


def titled(claim: str, part: Part) -> bool:
    """Does a person's title stand right before the name ("President Biden")?"""
    before = claim[: part.start].split()
    return bool(before) and before[-1].lower().strip(".,") in TITLES


def _named_before(claim: str, mention: Mention) -> str:
    """The capitalised word right before a whole number ("Artemis" of "Artemis 1", "War"
    of "World War 2"), lower-cased: such a number may be written in Roman numerals."""
    m = _NAME_BEFORE.search(claim, 0, mention.start)
    plain = claim[mention.start : mention.end]
    return m.group(1).lower() if m and plain.isdigit() and len(plain) <= 2 else ""


def proper_in(texts: Sequence[str]) -> Callable[[str], bool]:
    """Is a word a name for these texts: never written there in lower case? (A word they
    do not hold at all counts as a name: it must then be found, which it cannot be.)"""

    def proper(word: str) -> bool:
        word = re.sub(r"['’]s?$", "", word)
        if word.lower() in STOPWORDS or word.lower().endswith("ly") or not word:
            return False
        lower = re.compile(rf"\b{re.escape(word.lower())}\b")
        return not any(lower.search(t) for t in texts)

    return proper


def with_unit(text: str, mention: Mention) -> str:
    """A number as the text writes it, with its unit word when it has one ("1,500 tons";
    "$2.9 million" and "20%" hold theirs)."""
    shown = text[mention.start : mention.end]
    if not mention.unit or mention.unit in SYMBOLS or mention.kind != "number":
        return shown
    m = _UNIT_WORD.match(text, mention.end)
    return shown + m.group() if m else shown


def _quoted(claim: str) -> list[Part]:
    out = []
    for start, end, closed in quote_spans(claim, 0, len(claim)):
        inner = words(claim, start + 1, end - 1 if closed else end)
        if inner:
            text = claim[start:end]
            out.append(Part("quoted", text, start, end, tuple(w.norm for w in inner)))
    return out


def _names(
    claim: str, found: list[Word], sentence_start: int, proper: Callable[[str], bool]
) -> list[Part]:
    """Runs of capitalised words (with 'of', 'de' ... inside), split at titles."""
    runs: list[list[Word]] = []
    run: list[Word] = []
    for i, w in enumerate(found):
        raw = claim[w.start : w.end]
        nxt = found[i + 1] if i + 1 < len(found) else None
        joined = bool(run) and _adjacent(claim, run[-1], w)
        if joined and raw[:1].isdigit() and claim[run[-1].end : w.start] in ("-", ""):
            run.append(w)  # "Covid-19"
        elif _capital(raw) and w.norm not in _CALENDAR:
            if not joined:
                run = []
                runs.append(run)
            run.append(w)
        elif (
            joined
            and nxt
            and _capital(claim[nxt.start : nxt.end])
            and (
                w.norm in _CONNECTORS or claim[run[-1].end : w.start] == "-"  # Mar-a-Lago
            )
        ):
            run.append(w)
        else:
            run = []
    out = []
    for r in runs:
        for piece in _split(r, claim, sentence_start, proper):
            text = claim[piece[0].start : piece[-1].end]
            if len(piece) == 1 and _acronym(text):
                out.append(Part("name", text, piece[0].start, piece[-1].end, (piece[0].norm,),
                                forms=ALIASES.get(text, (text,))))  # fmt: skip
                continue
            name = tuple(w.norm.removesuffix("'s") for w in piece)
            out.append(Part("name", text, piece[0].start, piece[-1].end, name,
                            forms=_LONG_FORMS.get(" ".join(name), ())))  # fmt: skip
    return out


def _split(
    run: list[Word], claim: str, sentence_start: int, proper: Callable[[str], bool]
) -> list[list[Word]]:
    """A run without its titles and function words; the sentence's first word alone is a
    name only if ``proper`` says so (it is capitalised anyway); short acronyms are none
    ("US" is "U.S." elsewhere)."""
    if run and run[0].start == sentence_start:
        first = claim[run[0].start : run[0].end]
        if run[0].norm in STOPWORDS or (len(run) == 1 and not proper(first)):
            run = run[1:]
    pieces: list[list[Word]] = [[]]
    for w in run:
        hyphened = claim[w.start - 1 : w.start] == "-"
        function = w.norm in STOPWORDS and w.norm not in _CONNECTORS and not hyphened
        if _acronym(claim[w.start : w.end]):
            pieces += [[w], []]  # "US" stands alone: it is written "U.S." too
        elif w.norm in TITLES or function:
            pieces.append([])
        else:
            pieces[-1].append(w)
    return [_trim(p) for p in pieces if _trim(p)]


def _acronym(raw: str) -> bool:
    """A short all-capital word ("US", "UK", "EU"): its lower-case form is another word."""
    return len(raw) <= 2 and raw.isupper() and raw.isalpha()


def _trim(piece: list[Word]) -> list[Word]:
    while piece and piece[0].norm in _CONNECTORS:
        piece = piece[1:]
    while piece and piece[-1].norm in _CONNECTORS:
        piece = piece[:-1]
    return piece


def _capital(raw: str) -> bool:
    """A capital anywhere: "Sri", "iPhone", "McDonald"."""
    return any(c.isupper() for c in raw) and not raw[:1].isdigit()


def _adjacent(claim: str, a: Word, b: Word) -> bool:
    """Only spaces, a hyphen or an apostrophe between two words ("Presidents’ Day"): a
    comma or a stop ends a name."""
    return claim[a.end : b.start].strip(" -’'") == ""


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)
