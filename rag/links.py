"""Links that open on a quote: the article's URL with a text fragment.

Browsers that support text fragments (natively in Chromium-based ones, Safari and recent
Firefox) scroll to and highlight the words named by ``#:~:text=[prefix-,]textStart
[,textEnd][,-suffix]`` (WICG Text Fragments). A directive names the *first* place in the
page where its words stand, so the words are chosen here by trying them against the
article (its title and text, whitespace collapsed, case ignored, as a browser's find sees
them): when the quote's opening words occur earlier, words before it (a prefix) or after
it (a suffix) are added until the first match is the quote itself. A long quote, or one
over several paragraphs, is named by its first and last words (each term stays inside one
paragraph: a browser matches a term within one block only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from urllib.parse import quote

__all__ = ["Directive", "quote_link", "text_directive", "with_directive"]

EXACT_WORDS = 8  # a quote of up to this many words (in one paragraph) is named whole
EDGE_WORDS = 4  # a longer one by this many first words, and at least this many last words
MAX_CONTEXT = 5  # words of prefix or suffix tried, at most
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Directive:
    """One text directive: the terms as shown (a browser matches them ignoring case)."""

    start: str
    end: str = ""
    prefix: str = ""
    suffix: str = ""

    def encoded(self) -> str:
        """``text=[prefix-,]start[,end][,-suffix]``, each term percent-encoded."""
        parts = [_encode(self.prefix) + "-"] if self.prefix else []
        parts.append(_encode(self.start))
        parts += [_encode(self.end)] if self.end else []
        parts += ["-" + _encode(self.suffix)] if self.suffix else []
        return "text=" + ",".join(parts)


def _encode(term: str) -> str:
    """Percent-encode all but ASCII letters, digits and ``._~``: the directive's own
    syntax characters (``-``, ``,``, ``&``) and everything a URL fragment may not hold."""
    return quote(term, safe="").replace("-", "%2D")


def quote_link(url: str, text: str, span: tuple[int, int], title: str = "") -> str:
    """``url`` opening on ``text[start:end]``; "" without a URL; the URL alone when the
    span holds no word."""
    url = url.strip()
    if not url:
        return ""
    directive = text_directive(text, span, title)
    return with_directive(url, directive.encoded()) if directive else url


def with_directive(url: str, directive: str) -> str:
    """The URL with its fragment directive replaced: ``page#frag:~:text=...`` keeps the
    page's own fragment (the spec's form), and any directive it held is dropped."""
    base, _, fragment = url.partition("#")
    return f"{base}#{fragment.split(':~:', 1)[0]}:~:{directive}"


def text_directive(text: str, span: tuple[int, int], title: str = "") -> Directive | None:
    """The shortest directive whose first match in the page is the quote; None when the
    span holds no word."""
    page = _page(title, text)
    quoted = page.words_in(span[0] + page.shift, span[1] + page.shift)
    if not quoted:
        return None
    bases = page.bases(quoted)
    contexts = [(0, 0), *((n, 0) for n in range(1, MAX_CONTEXT + 1))]
    contexts += [(0, n) for n in range(1, MAX_CONTEXT + 1)] + [(MAX_CONTEXT, MAX_CONTEXT)]
    for (before, after), base in product(contexts, bases):
        directive = page.with_context(base, quoted, before, after)
        if directive is not None and page.match(directive) == base[1]:
            return directive
    return bases[0][0]


# A word of the page model: (start, end) in the page's text, and its line.
_Word = tuple[int, int, int]
# A candidate directive and where it must match to name the quote.
_Base = tuple[Directive, tuple[int, int]]


def _fold(text: str) -> str:
    """Lower case, one character for one (so offsets stay those of the shown text)."""
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


@lru_cache(maxsize=8)
def _page(title: str, text: str) -> _Page:
    """The page model of an article (an answer often cites one article several times)."""
    return _Page(title, text)


class _Page:
    """The title and text as a browser's find sees them: a line per paragraph, each run
    of whitespace one space, case ignored (``low`` is ``shown`` folded, as long)."""

    def __init__(self, title: str, text: str) -> None:
        source = f"{title}\n{text}" if title.strip() else text
        self.shift = len(source) - len(text)
        pieces: list[str] = []
        self.words: list[_Word] = []
        self.origins: list[int] = []  # where each word starts in the source
        size = offset = 0
        for line, row in enumerate(source.split("\n")):
            sep = "\n"
            for m in _WORD.finditer(row):
                word, start = m.group(), m.start()
                if size:
                    pieces.append(sep)
                    size += 1
                pieces.append(word)
                self.words.append((size, size + len(word), line))
                self.origins.append(offset + start)
                size, sep = size + len(word), " "
            offset += len(row) + 1
        self.shown = "".join(pieces)
        self.low = _fold(self.shown)

    # --- the quote's words and the candidate directives --------------------------------

    def words_in(self, start: int, end: int) -> list[tuple[int, _Word]]:
        """(index, word) of the words overlapping source ``[start, end)``, cut to it, the
        first starting and the last ending at a letter or digit; [] when there is none."""
        out: list[tuple[int, _Word]] = []
        for i, ((a, b, line), origin) in enumerate(zip(self.words, self.origins, strict=True)):
            if origin < end and origin + (b - a) > start:
                cut = (a + max(0, start - origin), a + min(b - a, end - origin), line)
                out.append((i, cut))
        while out and self._trim(*out[0][1][:2]) is None:
            out.pop(0)
        while out and self._trim(*out[-1][1][:2]) is None:
            out.pop()
        if not out:
            return []
        (i, (a, b, line)), (j, (c, d, last)) = out[0], out[-1]
        out[0] = (i, (self._edge(a, b)[0], b, line))
        out[-1] = (j, (c if j != i else out[0][1][0], self._edge(c, d)[1], last))
        return out

    def _trim(self, a: int, b: int) -> tuple[int, int] | None:
        """``[a, b)`` without the non-word characters at its ends; None if nothing is left."""
        while a < b and not self.low[a].isalnum():
            a += 1
        while b > a and not self.low[b - 1].isalnum():
            b -= 1
        return (a, b) if a < b else None

    def _edge(self, a: int, b: int) -> tuple[int, int]:
        return self._trim(a, b) or (a, b)

    def _term(self, a: int, b: int) -> tuple[str, tuple[int, int]]:
        a, b = self._edge(a, b)
        return self.shown[a:b], (a, b)

    def bases(self, quoted: list[tuple[int, _Word]]) -> list[_Base]:
        """The quote whole (when short and in one paragraph), else its first words with
        ever more of its last words, then whole (when in one paragraph)."""
        words = [w for _, w in quoted]
        one_line = words[0][2] == words[-1][2]
        text, span = self._term(words[0][0], words[-1][1])
        exact: _Base = (Directive(text), span)
        if one_line and len(words) <= EXACT_WORDS:
            return [exact]
        head = [w for w in words[:EDGE_WORDS] if w[2] == words[0][2]]
        start, (a, _) = self._term(head[0][0], head[-1][1])
        pool = [w for w in words[len(head) :] if w[2] == words[-1][2]]
        out: list[_Base] = []
        for k in range(min(EDGE_WORDS, len(pool)), min(len(pool), 3 * EDGE_WORDS) + 1):
            end, (_, b) = self._term(pool[-k][0], pool[-1][1])
            out.append((Directive(start, end), (a, b)))
        return [*out, exact] if one_line else out

    def with_context(
        self, base: _Base, quoted: list[tuple[int, _Word]], before: int, after: int
    ) -> Directive | None:
        """``base`` with ``before`` words of its paragraph before the quote as prefix and
        ``after`` words after it as suffix; None when the paragraph has too few."""
        directive, (a, b) = base
        first, last = quoted[0][0], quoted[-1][0]
        prefix = suffix = ""
        if before:
            lo = first - before
            if lo < 0 or self.words[lo][2] != self.words[first][2]:
                return None
            prefix = self.shown[self._edge(self.words[lo][0], a)[0] : a].rstrip()
        if after:
            hi = last + after
            if hi >= len(self.words) or self.words[hi][2] != self.words[last][2]:
                return None
            suffix = self.shown[b : self._edge(b, self.words[hi][1])[1]].lstrip()
        if (before and not prefix) or (after and not suffix):
            return None
        return Directive(directive.start, directive.end, prefix, suffix)

    # --- where a browser would find a directive -----------------------------------------

    def match(self, d: Directive) -> tuple[int, int] | None:
        """The first range a browser highlights for ``d`` (the spec's search, simplified:
        a prefix must be followed by the start after spaces, a suffix follow the end)."""
        start, end, prefix, suffix = (_fold(t) for t in (d.start, d.end, d.prefix, d.suffix))
        pos = 0
        while True:
            if prefix:
                p = self._find(prefix, pos)
                if p < 0:
                    return None
                pos, s = p + 1, self._skip(p + len(prefix))
                if not self._at(start, s):
                    continue
            else:
                s = self._find(start, pos)
                if s < 0:
                    return None
                pos = s + 1
            e = self._end(s + len(start), end, suffix)
            if e is not None:
                return s, e

    def _end(self, after: int, end: str, suffix: str) -> int | None:
        """Where the match ends: the first ``end`` after ``after`` that ``suffix`` follows."""
        if not end:
            return after if not suffix or self._at(suffix, self._skip(after)) else None
        t = self._find(end, after)
        while t >= 0:
            if not suffix or self._at(suffix, self._skip(t + len(end))):
                return t + len(end)
            t = self._find(end, t + 1)
        return None

    def _find(self, term: str, pos: int) -> int:
        """The first place at or after ``pos`` where ``term`` stands as whole words."""
        at = self.low.find(term, pos)
        while at >= 0 and not self._bounded(at, at + len(term)):
            at = self.low.find(term, at + 1)
        return at

    def _at(self, term: str, at: int) -> bool:
        return self.low.startswith(term, at) and self._bounded(at, at + len(term))

    def _bounded(self, a: int, b: int) -> bool:
        return self._boundary(a) and self._boundary(b)

    def _boundary(self, k: int) -> bool:
        low = self.low
        return k <= 0 or k >= len(low) or not (low[k - 1].isalnum() and low[k].isalnum())

    def _skip(self, k: int) -> int:
        while k < len(self.low) and self.low[k] == " ":
            k += 1
        return k
