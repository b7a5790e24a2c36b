"""The one sentence splitter: sentence spans of article text, offsets into that text.

Used wherever text is cut into sentences (the answerer's candidate sentences); quote
attribution cuts its quotation-aware token stream with the same abbreviation list.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st sen rep gov gen adm lt col capt sgt rev jr sr inc corp co ltd vs no "
    "etc jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
"""Words a full stop after does not end a sentence ("Mr.", "Corp.", "Feb."), for both the
text splitter here and the quotation-aware one of :mod:`rag.quotes.tokens`."""

_LOWER = frozenset({"vs", "etc"})  # written lower-case; the others start a capital
_WORDS = "|".join(w if w in _LOWER else w.capitalize() for w in sorted(ABBREVIATIONS))
_ABBREV = re.compile(rf"(?:\b(?:{_WORDS})|\b[A-Z]|\b(?:[A-Za-z]\.)+[A-Za-z])$")
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]*[A-Z0-9])|\n\s*\n|\n")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as trimmed spans; paragraph breaks always split."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    for match in _BOUNDARY.finditer(text, start, end):
        stop = match.end() if match.group().strip() else match.start()
        if match.group()[0] == "." and _ABBREV.search(text, max(pos, stop - 12), stop - 1):
            continue
        _add_trimmed(text, pos, stop, spans)
        pos = match.end()
    _add_trimmed(text, pos, end, spans)
    return spans


def _add_trimmed(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        out.append((start + lead, start + lead + len(stripped)))
