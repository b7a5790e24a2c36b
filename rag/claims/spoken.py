"""What each person said in an article, as words a quote can be found in.

Only words inside quotation marks count as someone's words: reported speech ("Peskov said
that Russia has plans ...") is the writer's wording, so a quote can never be "found" in
it. Consecutive quotations of one speaker form one stream (a quote that runs over "...,”
he added, “..." is found whole); a quotation nobody is named for forms its own stream,
with no speaker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag.claims.comparable import Word, words
from rag.contract import Article
from rag.quotes import Quote
from rag.text import kept_regions, quote_spans, sentence_spans


@dataclass(frozen=True)
class Spoken:
    """Words one speaker said in a row: the stream, and the passages that hold them."""

    doc_id: str
    speaker: str  # "" when the article names nobody for these words
    words: tuple[Word, ...]
    passages: tuple[tuple[int, int], ...]  # the quotes' spans, in order

    def span_of(self, lo: int, hi: int) -> tuple[int, int]:
        """The passage(s) holding stream words ``lo:hi``: what a citation of them covers."""
        lo = min(lo, len(self.words) - 1)
        hi = min(max(hi, lo + 1), len(self.words))
        first, last = self.words[lo].start, self.words[hi - 1].end
        held = [p for p in self.passages if p[0] < last and p[1] > first]
        held = held or [min(self.passages, key=lambda p: abs(p[0] - first))]
        return min(p[0] for p in held), max(p[1] for p in held)


def spoken(article: Article, quotes: Sequence[Quote]) -> list[Spoken]:
    """The article's streams of quoted words: one per run of a speaker's quotes, one per
    quotation attributed to nobody."""
    text = article.text
    marks = _quotations(text)
    used: set[tuple[int, int]] = set()
    out: list[Spoken] = []
    run: list[tuple[Quote, list[tuple[int, int]]]] = []
    for quote in sorted(quotes, key=lambda q: q.start):
        inside = [m for m in marks if quote.start <= m[0] < quote.end]
        if not inside:
            continue
        used.update(inside)
        if run and run[-1][0].speaker != quote.speaker:
            out.append(_stream(article, run))
            run = []
        run.append((quote, inside))
    if run:
        out.append(_stream(article, run))
    for mark in marks:
        if mark not in used:
            found = tuple(words(text, *mark))
            if found:
                out.append(Spoken(article.doc_id, "", found, (_sentence_of(text, mark),)))
    return out


def _stream(article: Article, run: list[tuple[Quote, list[tuple[int, int]]]]) -> Spoken:
    found = tuple(w for _, inside in run for mark in inside for w in words(article.text, *mark))
    passages = tuple((q.start, q.end) for q, _ in run)
    return Spoken(article.doc_id, run[0][0].speaker, found, passages)


def _quotations(text: str) -> list[tuple[int, int]]:
    """The inside (without the marks) of every quotation of the kept paragraphs."""
    found: list[tuple[int, int]] = []
    for lo, hi in kept_regions(text):
        for start, end, closed in quote_spans(text, lo, hi):
            found.append((start + 1, end - 1 if closed else end))
    return found


def _sentence_of(text: str, mark: tuple[int, int]) -> tuple[int, int]:
    """The sentence(s) a quotation stands in: the passage to cite for it."""
    para_start = text.rfind("\n", 0, mark[0]) + 1
    para_end = text.find("\n", mark[1])
    para_end = len(text) if para_end < 0 else para_end
    spans = sentence_spans(text, para_start, para_end)
    held = [s for s in spans if s[0] < mark[1] and s[1] > mark[0]] or [(mark[0] - 1, mark[1] + 1)]
    return held[0][0], held[-1][1]
