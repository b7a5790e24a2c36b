"""A quote as a user pastes it: its words, the speaker it is given to, and the places where
words were left out ("...").

People paste quotes in many shapes: ``Peskov said: 'The Americans need ...'``, ``“...,”
Peskov explained``, or the bare words with the speaker given apart. The speaker given apart
wins; otherwise a speech verb next to the quotation names one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.claims.comparable import Word, words

_OPEN, _CLOSE = "\"“„«‘'", "\"”»’'"
_VERBS = (
    r"(?:said|says|say|told\s+\w+(?:\s+\w+)?|tells|explained|added|wrote|writes|stated|"
    r"declared|claimed|argued|insisted|warned|noted|asserted|remarked|tweeted|posted|"
    r"announced|replied|answered|continued|reportedly\s+said)"
)
_NAME = r"(?P<speaker>[^\W\d_][\w.’'\-]*(?:\s+[^\W\d_][\w.’'\-]*){0,4}?)"
_BEFORE = re.compile(
    rf"{_NAME}\s+{_VERBS}(?:\s+(?:that|on\s+\w+))?\s*[:,]?\s*(?P<words>.+)", re.DOTALL
)
_AFTER = re.compile(rf"(?P<words>.+?)[,.]?\s*[—–-]*\s*[”\"’']?\s*,?\s*{_NAME}\s+{_VERBS}\W*",
                    re.DOTALL)  # fmt: skip
_DASH_AFTER = re.compile(r"(?P<words>.+[”\"’'])\s*[—–-]+\s*" + _NAME + r"\W*", re.DOTALL)
_PRONOUNS = frozenset("he she they i we you it someone somebody".split())
_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\s*){3}\]|\(\s*(?:\.\s*){3}\)|(?:\.\s*){3}|…)\s*")


@dataclass(frozen=True)
class GivenQuote:
    """The words to look for, as runs between ellipses (each run verbatim, in order)."""

    text: str  # the quotation without its outer marks
    speaker: str  # "" when none is given
    segments: tuple[tuple[Word, ...], ...]

    @property
    def size(self) -> int:
        return sum(len(s) for s in self.segments)

    @property
    def all_words(self) -> list[Word]:
        return [w for s in self.segments for w in s]


def parse_quote(text: str, speaker: str = "") -> GivenQuote:
    """The quotation and its speaker: the one given apart, else the one the text names."""
    text = " ".join(text.split())
    speaker = " ".join(speaker.split())
    quoted, named = _split_speaker(text)
    words_of = quoted if named or quoted != text else text
    body = _unquoted(words_of)
    segments = tuple(tuple(found) for piece in _pieces(body) if (found := words(body, *piece)))
    return GivenQuote(body, speaker or named, segments)


def _split_speaker(text: str) -> tuple[str, str]:
    """(the quotation, the speaker named with a speech verb) or (text, "")."""
    if text[:1] in _OPEN:
        for pattern in (_AFTER, _DASH_AFTER):
            m = pattern.fullmatch(text)
            if m and _quoted(m.group("words")):
                return m.group("words"), _name(m.group("speaker"))
        return text, ""
    m = _BEFORE.fullmatch(text)
    if m and _quoted(m.group("words")):
        return m.group("words"), _name(m.group("speaker"))
    return text, ""


def _quoted(words_part: str) -> bool:
    """The part after the speaker is a quotation (starts with a mark), or a colon form."""
    stripped = words_part.strip()
    return bool(stripped) and stripped[0] in _OPEN


def _name(name: str) -> str:
    """The speaker as named; a pronoun ("he said") names nobody we could check."""
    name = name.strip(" .,:;").removesuffix("’s").removesuffix("'s")
    return "" if name.lower() in _PRONOUNS else name


def _unquoted(text: str) -> str:
    """The quotation without its outer marks and a closing comma or stop."""
    text = text.strip()
    if text[:1] in _OPEN:
        text = text[1:]
    text = text.rstrip()
    if text[-1:] in _CLOSE:
        text = text[:-1]
    return text.strip().rstrip(",").strip()


def _pieces(body: str) -> list[tuple[int, int]]:
    """Spans of the quotation between ellipses."""
    spans, pos = [], 0
    for m in _ELLIPSIS.finditer(body):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(body)))
    return spans
