"""Words as a fact-checker compares them: what counts as the same word, and what never does.

Case, curly or straight apostrophes, hyphens ("rare-earth" is "rare earth"), the commas of a
number ("15,000" is "15000") and all punctuation and whitespace are forgiven; a changed
word, a changed number or an added "not" never are. Each word keeps its offsets into the
text it came from, so whatever is matched can be cited and marked verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# A number (with its thousands separators and decimals, or an ordinal "74th"), or a word
# with inner apostrophes ("we’re", "Ukraine’s"). Hyphens split words.
_WORD = re.compile(
    r"\d+(?:[.,]\d+)*(?:st|nd|rd|th)?(?![\w])|\d+|[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE
)
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
NEGATIONS = frozenset("not no never none nobody nothing neither nor cannot without n't".split())


OPPOSITES = (
    "approve reject",
    "approved rejected",
    "pass fail",
    "passed failed",
    "win lose",
    "won lost",
    "rise fall",
    "rose fell",
    "increase decrease",
    "increased decreased",
    "gain loss",
    "accept reject",
    "accepted rejected",
    "allow ban",
    "allowed banned",
    "legal illegal",
    "open close",
    "opened closed",
    "higher lower",
    "more fewer",
    "support oppose",
    "confirmed denied",
    "guilty innocent",
    "convicted acquitted",
    "hired fired",
    "bought sold",
    "import export",
    "up down",
    "lifted imposed",
    "resumed suspended",
    "before after",
    "first last",
    "largest smallest",
    "highest lowest",
    "best worst",
    "alive dead",
    "won defeated",
)
"""Pairs of words that say the opposite of each other: a passage that holds one where the
claim says the other does not support it (it says "reject" where the claim says
"approve"), exactly as a "not" would not."""


@dataclass(frozen=True)
class Word:
    """One word: its comparable form and where it stands in its text."""

    norm: str
    start: int
    end: int


def norm(word: str) -> str:
    """The comparable form of one word token."""
    word = word.lower().replace("’", "'")
    if word[:1].isdigit():
        word = _THOUSANDS.sub("", word)
        if "." in word and re.fullmatch(r"\d+\.\d+", word):
            word = word.rstrip("0").rstrip(".")  # "7.0" is "7"
    return word


def words(text: str, start: int = 0, end: int | None = None) -> list[Word]:
    """The words of ``text[start:end]``, offsets into ``text``."""
    end = len(text) if end is None else end
    return [Word(norm(m.group()), m.start(), m.end()) for m in _WORD.finditer(text, start, end)]


def norms(found: Sequence[Word]) -> list[str]:
    return [w.norm for w in found]


def is_negation(word: str) -> bool:
    """'not', 'never', "didn't" (as "didn't": the contraction is one word here)."""
    return word in NEGATIONS or word.endswith("n't")


CONDITIONS = frozenset("if unless whether".split())
_MODALS = frozenset("could might may".split())
# a claim that says one of these does not claim certainty (not passage_reading's _HEDGES:
# those are words a claim's subject is not weighed by)
_UNSURE = frozenset("believed expected likely reportedly allegedly possibly probably".split())


def conditional(found: Sequence[Word], text: str) -> bool:
    """Does it say "if" (a measure that "would allow ... if passed" has not passed), or
    "could", "might", "may" (a forecast: "$4 a gallon could happen next week")? The month
    is "May": only a lower-case "may" counts."""
    return any(w.norm in CONDITIONS or (w.norm in _MODALS and text[w.start : w.start + 1].islower())
               for w in found)  # fmt: skip


def hedged(found: Sequence[Word], text: str) -> bool:
    """Does a claim itself say it may not be so ("if", "could", "reportedly", "believed to
    have")? Then a passage that says so too may support it."""
    return conditional(found, text) or any(w.norm in _UNSURE for w in found)


def negated_words(found: Sequence[Word], reach: int = 3) -> list[str]:
    """The words that a "not", "no" or "never" bears on: the few after each one ("did not
    welcome" -> did... welcome), so a "not" elsewhere in a sentence changes nothing."""
    out: list[str] = []
    for i, w in enumerate(found):
        if is_negation(w.norm):
            out += [x.norm for x in found[i + 1 : i + 1 + reach]]
    return out
