"""What a plain-text article says of itself at its top: a title line and a date line.

A ``.txt`` without a sidecar had no title (lists showed its file name, or a server path)
and no date (date filters and "last week" never found it). Many saved articles start with
their headline on a line of its own, and often a line with the date (or "By X | date")
under it. Both are read here only when they are unmistakable: a title is a short first
line with no final full stop that more text follows; a date is a line near the top that
is nothing but a date (after an optional "Published:" or byline part) in a form
:func:`rag.text.normalise_date` reads. The stored text is never changed.
"""

from __future__ import annotations

import re

from rag.errors import IngestError
from rag.text import normalise_date

MAX_TITLE_CHARS = 150
MAX_TITLE_WORDS = 20
DATE_LINES = 4  # how many non-empty lines from the top may hold the date
_SENTENCE_END = ".,;:"
_LABEL = re.compile(r"^(?:published|posted|date|dated)\s*:?\s*", re.I)
_PARTS = re.compile(r"\s+[|·•—–]\s+|\s+-\s+")  # "By Ann Lee | March 4, 2025"


def text_header(text: str) -> dict[str, str]:
    """``{"title": ..., "published_at": ...}`` for what the top of ``text`` shows (keys
    only for what was found)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    found: dict[str, str] = {}
    if len(lines) > 1 and looks_like_title(lines[0]):
        found["title"] = lines[0]
    for line in lines[:DATE_LINES]:
        day = date_line(line)
        if day:
            found["published_at"] = day
            break
    return found


def looks_like_title(line: str) -> bool:
    """A headline: short, a few words, and not ended like a sentence or a clause."""
    return (
        len(line) <= MAX_TITLE_CHARS
        and len(line.split()) <= MAX_TITLE_WORDS
        and line[-1] not in _SENTENCE_END
        and any(c.isalpha() for c in line)
    )


def date_line(line: str) -> str:
    """The day a line states when it is nothing but a date (or a labelled one, or a byline
    part beside one: "By Ann Lee | March 4, 2025"); "" otherwise."""
    if len(line) > 80:
        return ""
    for part in [line, *_PARTS.split(line)]:
        candidate = _LABEL.sub("", part).strip()
        if not candidate or not any(c.isdigit() for c in candidate):
            continue
        try:
            day = normalise_date(candidate)
        except IngestError:
            continue
        if day:
            return day
    return ""
