"""The one sentence splitter, aware of quotations: offsets into the text it is given.

A paragraph (a line) is cut into tokens in which a whole quotation is one token, then into
sentences at ". ! ?" outside quotations. So a quotation that runs over several sentences,
with its attribution ("…,” Peskov explained.), stays one sentence, and nothing said
*inside* a quote can end one. Quote attribution reads these tokens too
(:mod:`rag.quotes`); the answerer reads :func:`sentence_spans`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st sen rep gov gen adm lt col capt sgt rev jr sr inc corp co ltd vs v no "
    "etc jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
"""Words a full stop after does not end a sentence ("Mr.", "Corp.", "Feb.", "Roe v. Wade")."""

_LINE = re.compile(r"[^\n]+")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as spans; line breaks always end a sentence."""
    end = len(text) if end is None else end
    return [
        span
        for line in _LINE.finditer(text, start, end)
        for span in _line_spans(text, *line.span())
    ]


def _line_spans(text: str, lo: int, hi: int) -> Iterator[tuple[int, int]]:
    for sentence in split_sentences(quote_tokens(text, lo, hi)):
        yield sentence[0].start, sentence[-1].end


class Token(NamedTuple):
    """A word, a punctuation mark, or a whole quotation ("q") of one paragraph."""

    text: str
    start: int
    end: int
    kind: str  # "w" word, "p" punctuation, "q" quotation including its marks
    tail: str = ""  # last character inside a quotation: tells `it,”` from a scare quote


_MARK = re.compile("[\"“”„«»‘’']")
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|\w+(?:[’'\-]\w+)*|[^\w\s]")


# -- paragraphs, quotations, sentences ------------------------------------------------------


def quote_spans(text: str, lo: int, hi: int) -> list[tuple[int, int, bool]]:
    """(opening mark, after closing mark, closed) of the quotations of one paragraph.

    Double marks pair in order; single marks count only outside double quotes and when
    they are not apostrophes (`Putin’s`, `We’re`). An unclosed double quote runs to the
    paragraph end (news style for multi-paragraph quotes); an unclosed single one was an
    apostrophe after all."""
    spans: list[tuple[int, int, bool]] = []
    opened, single = -1, False
    for m in _MARK.finditer(text, lo, hi):
        i, mark = m.start(), m.group()
        before = text[i - 1] if i > lo else " "
        after = text[i + 1] if i + 1 < hi else " "
        if mark in "‘’'":
            if (opened >= 0 and not single) or (before.isalnum() and after.isalnum()):
                continue
            if opened >= 0 and not before.isspace():
                spans.append((opened, i + 1, True))
                opened = -1
            elif opened < 0 and mark != "’" and not after.isspace() and not before.isalnum():
                opened, single = i, True
        elif opened >= 0 and not single:
            if mark in '”"»':
                spans.append((opened, i + 1, True))
                opened = -1
        elif mark not in "”»" or before.isspace() or i == lo:
            opened, single = i, False
    if opened >= 0 and not single:
        spans.append((opened, hi, False))
    return spans


def quote_tokens(text: str, lo: int, hi: int) -> list[Token]:
    """Words and punctuation outside quotations, plus one "q" token per quotation."""
    tokens: list[Token] = []
    pos = lo
    for start, end, closed in quote_spans(text, lo, hi):
        tokens += _plain(text, pos, start)
        inner = text[start + 1 : end - 1 if closed else end].rstrip()
        end = end if closed else start + 1 + len(inner)
        tokens.append(Token(text[start:end], start, end, "q", inner[-1:]))
        pos = end
    return tokens + _plain(text, pos, hi)


def _plain(text: str, lo: int, hi: int) -> list[Token]:
    """Word and punctuation tokens of text outside quotations."""
    return [
        Token(m.group(), m.start(), m.end(), "w" if m.group()[0].isalnum() else "p")
        for m in _TOKEN.finditer(text, lo, hi)
    ]


def split_sentences(tokens: list[Token]) -> list[list[Token]]:
    """Split at . ! ? outside quotations (or after a quotation ending in one) before a
    capital or another quotation; `Mr.`, `J.` and `U.S.` do not end sentences."""
    out, start = [], 0
    for i in range(len(tokens) - 1):
        tok, nxt = tokens[i], tokens[i + 1]
        capital = nxt.kind == "q" or nxt.text[0].isupper() or nxt.text[0].isdigit()
        if tok.kind == "q":
            ends = tok.tail in (".", "!", "?") and (
                nxt.kind == "q" or (tok.tail == "." and capital)
            )
        else:
            prev = tokens[i - 1].text if i else ""
            after = tokens[i + 2].text if i + 2 < len(tokens) else ""
            initial_follows = len(nxt.text) == 1 and nxt.text.isupper() and after == "."
            abbreviation = tok.text == "." and (
                prev.lower() in ABBREVIATIONS
                or (len(prev) == 1 and prev.isupper())
                or initial_follows  # `R-S.C.`: an initial follows, not a sentence
            )
            spaced = nxt.start > tok.end  # "3.5" and "U.S" are not sentence ends
            ends = tok.text in (".", "!", "?") and capital and spaced and not abbreviation
        if ends:
            out.append(tokens[start : i + 1])
            start = i + 1
    if start < len(tokens):
        out.append(tokens[start:])
    return out
