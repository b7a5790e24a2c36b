"""Text handling that keeps every offset pointing into the original article.

Cleaning removes site boilerplate lines and normalises whitespace, but never rewrites the
article: it returns a ``CleanText`` whose ``to_original`` maps positions of the cleaned
text back to the stored original, so a citation's ``[start:end]`` is always verbatim.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

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

_WS = re.compile(r"\s+")
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
    """Words of one line verbatim, each run of whitespace inside it as one space."""
    pos = start
    for gap in _WS.finditer(text, start, end):
        if gap.start() > pos:
            yield pos, gap.start() - pos, text[pos : gap.start()]
        yield gap.start(), 1, " "
        pos = gap.end()
    if end > pos:
        yield pos, end - pos, text[pos:end]


_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Prof|Jr|Sr|Inc|Corp|Co|Ltd|vs|No|Jan|Feb"
    r"|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z]|\b(?:[A-Za-z]\.)+[A-Za-z])$"
)
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


_STOPWORDS_TEXT = """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves also said says say tell told according week weeks many much
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_stemmer = Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed content words and numbers ("270,000" -> "270000")."""
    words = [m.group().lower().replace(",", "") for m in _TOKEN.finditer(text)]
    words = [w.replace("’", "'").removesuffix("'s") for w in words]
    return list(_stemmer.stemWords([w for w in words if w not in STOPWORDS]))


def tokenize_many(texts: Sequence[str]) -> list[list[str]]:
    return [tokenize(t) for t in texts]
