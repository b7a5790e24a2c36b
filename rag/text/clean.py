"""Text handling that keeps every offset pointing into the original article.

Cleaning removes site boilerplate lines and normalises whitespace, but never rewrites the
article: it returns a ``CleanText`` whose ``to_original`` maps positions of the cleaned
text back to the stored original, so a citation's ``[start:end]`` is always verbatim.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

BOILERPLATE = (
    r"share\.?",
    r"leave a reply",
    r"exit mobile version",
    r"read the full (article|story) here\.?",
    r"follow [^.]{1,60} on (facebook|twitter|instagram|x|linkedin|threads)"
    r"((,| and|, and) (facebook|twitter|instagram|x|linkedin|threads))*\.?",
    r"related\s*[—–:-].*",
    r"advertisement",
    r"skip to (main )?content",
    r"(sign up|subscribe) (for|to) (our|the) [^.]{0,60}newsletters?.*",
    r"(click|tap) here to .*",
    r"all rights reserved\.?",
    r"(copyright )?© ?\d{4}.*",
)

# Whitespace that is not one plain space: a single " " keeps its place, so the words and
# spaces between two such runs map to the original as one verbatim piece.
_ODD_WS = re.compile(r"\s{2,}|[^\S ]")
_LINE = re.compile(r"[^\n]*\n?")


@dataclass(frozen=True)
class CleanText:
    """Cleaned text plus the pieces that map it back to the original."""

    text: str
    _clean_starts: tuple[int, ...]
    _orig_starts: tuple[int, ...]
    _lengths: tuple[int, ...]

    def to_original(self, pos: int) -> int:
        """Original offset of cleaned position ``pos`` (a start offset)."""
        i = max(bisect.bisect_right(self._clean_starts, pos) - 1, 0)
        return self._orig_starts[i] + min(pos - self._clean_starts[i], self._lengths[i] - 1)

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of the cleaned ``[start, end)`` (``end`` exclusive)."""
        return self.to_original(start), self.to_original(end - 1) + 1


@lru_cache(maxsize=8)
def boilerplate_regex(extra: tuple[str, ...] = ()) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in BOILERPLATE + extra), re.IGNORECASE)


def kept_regions(
    text: str, strip: bool = True, extra: tuple[str, ...] = ()
) -> list[tuple[int, int]]:
    """Spans of lines that are article text (not blank, not boilerplate)."""
    pattern = boilerplate_regex(extra)
    regions: list[tuple[int, int]] = []
    for match in _LINE.finditer(text):
        line = " ".join(match.group().split())  # also folds no-break spaces
        if not line or (strip and pattern.fullmatch(line)):
            continue
        regions.append((match.start(), match.start() + len(match.group().rstrip())))
    return regions


def clean(text: str, strip: bool = True, extra: tuple[str, ...] = ()) -> CleanText:
    """Drop boilerplate lines, collapse whitespace (paragraphs become one blank line)."""
    pieces: list[tuple[int, int, str]] = []  # (orig_start, orig_len, cleaned piece)
    for start, end in kept_regions(text, strip, extra):
        if pieces:
            pieces.append((start - 1, 1, "\n\n"))
        pieces.extend(_collapse(text, start, end))
    clean_starts, orig_starts, lengths, out, pos = [], [], [], [], 0
    for orig, length, piece in pieces:
        clean_starts.append(pos)
        orig_starts.append(orig)
        lengths.append(length if piece.strip() else 1)
        out.append(piece)
        pos += len(piece)
    return CleanText("".join(out), tuple(clean_starts), tuple(orig_starts), tuple(lengths))


def _collapse(text: str, start: int, end: int) -> Iterable[tuple[int, int, str]]:
    """One line: its verbatim stretches (words with single spaces between them) as one
    piece each, and every other run of whitespace as one space. Positions inside a
    verbatim piece map to the original one to one, so this gives the same offsets as a
    piece per word at a fraction of the pieces (cleaning is on every article's path)."""
    pos = start
    for gap in _ODD_WS.finditer(text, start, end):
        if gap.start() > pos:
            yield pos, gap.start() - pos, text[pos : gap.start()]
        yield gap.start(), 1, " "
        pos = gap.end()
    if end > pos:
        yield pos, end - pos, text[pos:end]
