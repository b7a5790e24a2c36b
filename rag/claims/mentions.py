"""Numbers with their units and dates, read the same way from a claim and from an article.

"15,000 tons" and "15000 tons" are one value; "$2.9 million" is 2,900,000 dollars;
"20%" and "20 percent" are one share; "Feb. 25, 2025", "25 February 2025" and "2025-02-25"
are one day (:func:`rag.text.normalise_date` where it reads the form). A year alone
("in 2014") is a date, not a number. A unit is the word after the number ("tons",
"acceptance letters" -> "accept"), stemmed as the rest of the system stems terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rag.errors import IngestError
from rag.text import NUMBER_WORDS, STOPWORDS, normalise_date, terms

_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_MONTH_OF = {m: i for i, m in enumerate(_MONTHS, start=1)} | {
    m[:3]: i for i, m in enumerate(_MONTHS, start=1)
} | {"sept": 9}  # fmt: skip
_MONTH = r"(?P<m>(?:January|February|March|April|May|June|July|August|September|October|" \
         r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"  # fmt: skip
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<y>1[89]\d\d|20\d\d)"
_DATES = [
    re.compile(p)
    for p in (
        rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b",
        rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b",
        rf"\b{_YEAR}[-/](?P<mn>[01]?\d)[-/](?P<d>[0-3]?\d)\b",
        rf"\b{_MONTH}\s+{_DAY}\b(?![,.]?\d)",
        rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?!\w)",
        rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}\b",
        rf"(?<![\d,.$£€])\b{_YEAR}\b(?![,.]?\d|\s*%)",
    )
]
_NUMBER = re.compile(
    r"(?<![^\W\d_]-)(?<![\w.,])"  # not "Covid-19" nor "MH370": those are names
    r"(?:(?P<cur>[$£€])\s?)?(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)(?P<ord>st|nd|rd|th)?"
    r"(?:[\s-]*(?P<scale>thousand|million|billion|trillion|bn|m|k)\b)?"
    r"(?:\s*(?P<pct>%|percent\b|per\s+cent\b))?",
    re.IGNORECASE,
)
_WORD_NUMBERS = {w: n for w, n in NUMBER_WORDS.items() if 2 <= n <= 12}  # not "one": a pronoun
_WORD_NUMBER = re.compile(r"\b(" + "|".join(_WORD_NUMBERS) + r")\b", re.IGNORECASE)
_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9,
          "trillion": 1e12}  # fmt: skip
_NEXT_WORD = re.compile(r"[\s-]*([^\W\d_][\w’'\-]*)")
_QUALIFIER = re.compile(
    r"\b(?:about|around|nearly|almost|roughly|approximately|some|over|under|more\s+than|"
    r"less\s+than|fewer\s+than|at\s+least|at\s+most|up\s+to|as\s+(?:many|much)\s+as|"
    r"estimated|close\s+to|just\s+(?:over|under)|upwards\s+of)\s*$",
    re.IGNORECASE,
)
_TOWARD = re.compile(r"\b(?:approaching|nearing)(?:\s+the)?\s*$", re.IGNORECASE)
_OF = re.compile(r"[\s-]*[^\W\d_][\w’'-]*\s+of\s+(?:the\s+)?([^\W\d_][\w’'-]*)")
CURRENCY = {"$": "$", "£": "£", "€": "€"}
SYMBOLS = frozenset({"$", "£", "€", "%", "#"})


@dataclass(frozen=True)
class Mention:
    """A number or a date in a text: offsets into it, and its normal form."""

    kind: str  # "number" or "date"
    start: int
    end: int
    value: float = 0.0  # numbers
    unit: str = ""  # numbers: "%", "$", "#" (an ordinal) or a stemmed word
    day: tuple[int, int, int] = (0, 0, 0)  # dates: (year, month, day), 0 where not said
    rough: bool = False  # "about", "more than" ...: the number is not exact
    toward: bool = False  # "approaching $4": a value not reached
    after: tuple[str, ...] = ()  # numbers: the stems of the next few content words
    of: str = ""  # numbers: what the unit is of ("tons of gold" -> "gold")

    @property
    def normal(self) -> str:
        """'2025-02-25', '2025-02', '2025', '--02-25'; '15000 ton', '2900000 $', '20 %'."""
        if self.kind == "date":
            y, m, d = self.day
            head = f"{y:04d}" if y else "-"
            return "-".join([head] + [f"{v:02d}" for v in (m, d) if v])
        v = self.value
        value = str(int(v)) if v.is_integer() and abs(v) < 1e18 else f"{v:g}"
        return f"{value} {self.unit}".strip()


def dates(text: str, start: int = 0, end: int | None = None) -> list[Mention]:
    """The dates of ``text[start:end]``, longest forms first, none overlapping."""
    end = len(text) if end is None else end
    found: list[Mention] = []
    for pattern in _DATES:
        for m in pattern.finditer(text, start, end):
            if any(m.start() < f.end and f.start < m.end() for f in found):
                continue
            day = _day(m)
            if day is not None:
                found.append(Mention("date", m.start(), m.end(), day=day))
    return sorted(found, key=lambda f: f.start)


def _day(m: re.Match[str]) -> tuple[int, int, int] | None:
    groups = m.groupdict()
    year = int(groups["y"]) if groups.get("y") else 0
    month_name = (groups.get("m") or "").rstrip(".").lower()
    month = _MONTH_OF.get(month_name) or int(groups.get("mn") or 0)
    day = int(groups["d"]) if groups.get("d") else 0
    if year and month and day:
        try:
            normal = normalise_date(f"{year}-{month:02d}-{day:02d}")
        except IngestError:  # not a day (30 February)
            return None
        parts = date.fromisoformat(normal)
        return parts.year, parts.month, parts.day
    if day and not 1 <= day <= 31:
        return None
    return year, month, day


def numbers(text: str, start: int = 0, end: int | None = None) -> list[Mention]:
    """The numbers of ``text[start:end]`` (not those that are dates), with units."""
    end = len(text) if end is None else end
    taken = dates(text, start, end)
    found: list[Mention] = []
    for m in _NUMBER.finditer(text, start, end):
        if any(m.start() < t.end and t.start < m.end() for t in taken):
            continue
        value = float(m.group("num").replace(",", "")) * _SCALE.get(
            (m.group("scale") or "").lower(), 1.0
        )
        found.append(_number(text, m.start(), m.end(), start, end, value, _unit(m, text, end)))
    for m in _WORD_NUMBER.finditer(text, start, end):
        value = float(_WORD_NUMBERS[m.group(1).lower()])
        unit = _next_unit(text, m.end(), end)
        found.append(_number(text, m.start(), m.end(), start, end, value, unit))
    return sorted(found, key=lambda f: f.start)


def _number(text: str, lo: int, hi: int, start: int, end: int, value: float, unit: str) -> Mention:
    toward = bool(_TOWARD.search(text, max(start, lo - 24), lo))
    rough = toward or bool(_QUALIFIER.search(text, max(start, lo - 24), lo))
    after = tuple(terms(text[hi : min(end, hi + 40)])[:3])
    of = _OF.match(text, hi, end)
    stuff = terms(of.group(1)) if of else []
    return Mention("number", lo, hi, value=value, unit=unit, rough=rough, after=after,
                   of=stuff[0] if stuff else "", toward=toward)  # fmt: skip


def _unit(m: re.Match[str], text: str, end: int) -> str:
    if m.group("pct"):
        return "%"
    if m.group("cur"):
        return CURRENCY[m.group("cur")]
    if m.group("ord"):
        return "#"
    return _next_unit(text, m.end(), end)


def _next_unit(text: str, at: int, end: int) -> str:
    """The word right after a number, stemmed, unless it is a function word."""
    nxt = _NEXT_WORD.match(text, at, end)
    if nxt is None:
        return ""
    word = nxt.group(1).lower()
    if word in ("dollars", "dollar", "usd"):
        return "$"
    if word in ("pounds", "pound") and nxt.group(1) != nxt.group(1).upper():
        return "£"
    stem = terms(word)
    return stem[0] if stem and word not in STOPWORDS and word not in _MONTH_OF else ""


def same_unit(claimed: Mention, found: Mention) -> bool:
    """The claim's unit is the article's: the word after the number, or one of the two
    after it among the article's next three ("tons" in "270,000 metric tons", "asylum
    applications" in "1.6 million asylum cases"); and what it is of, when the claim says
    ("tons of gold")."""
    if claimed.unit in SYMBOLS or found.unit in SYMBOLS:
        return claimed.unit == found.unit
    counted = {claimed.unit, *claimed.after[:2]} - {""}
    theirs = {found.unit, *found.after[:3]}
    if claimed.of and claimed.of not in theirs:
        return False  # "270,000 tons of gold" is not "270,000 tons of rare-earths"
    return claimed.unit == found.unit or bool(counted & theirs)


def same_number(claimed: Mention, found: Mention) -> bool:
    """The same value (to a millionth), in the claim's unit if it names one, and reached
    if the claim says so ("approaching $4" is not "$4")."""
    a, b = claimed.value, found.value
    close = abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1.0)
    reached = claimed.toward or not found.toward
    return close and reached and (not claimed.unit or same_unit(claimed, found))


def other_number(claimed: Mention, found: Mention) -> bool:
    """An explicitly different number of the same thing: the same unit, a value more than
    10% away, and not a rough figure unless it is off by half or more."""
    if not claimed.unit or not same_unit(claimed, found):
        return False
    low, high = sorted((abs(claimed.value), abs(found.value)))
    if high == 0 or low >= 0.9 * high:
        return False
    return not (claimed.rough or found.rough) or low <= 0.5 * high


def same_day(claimed: Mention, found: Mention) -> bool:
    """Every field the claim gives (year, month, day) is the one the article gives."""
    return all(c == f for c, f in zip(claimed.day, found.day, strict=True) if c) and all(
        f for c, f in zip(claimed.day, found.day, strict=True) if c
    )


def other_day(claimed: Mention, found: Mention) -> bool:
    """A date of the same precision (year / month / day given alike) that differs."""
    given = [bool(v) for v in claimed.day]
    return given == [bool(v) for v in found.day] and claimed.day != found.day
