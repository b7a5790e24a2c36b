"""HTML and Markdown for the chat UI, with every piece of article text escaped.

Articles are scraped from the web: a ``<script>`` tag or a Markdown link inside one must
show as text, never act. Chat messages go through gradio's Markdown renderer, so text is
escaped for Markdown (backslash before ASCII punctuation, entities for ``& < >``); source
cards and tables are HTML we build, where each piece of article text passes through
``html.escape`` and only our own tags (``<mark>``, ``<a>`` to http(s) URLs) are added.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Mapping, Sequence
from string import punctuation

from rag.contract import (
    Answer,
    ArticleMeta,
    ArticlePage,
    Citation,
    IngestReport,
    SpeakerList,
)
from rag.text import STOPWORDS

_MD_ESCAPES = {ord(c): "\\" + c for c in punctuation if c not in "&<>"} | {
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
}
_WORD = re.compile(r"[^\W_][\w’'\-]*")
# Words of asking for quotes, on top of the one stop-word list: never worth a highlight.
_NOT_TERMS = STOPWORDS | frozenset(
    "think thought done may might must quotes quote comments comment remarks statement "
    "statements words".split()
)
_SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.I)
_ESCAPED_MARKER = re.compile(r"\\\[(\d+)\\\]")  # [n] as markdown_text escapes it
Span = tuple[str, int, int]  # a cited passage: doc_id, start, end
Context = tuple[str, str]  # the text shown before and after it on its card


def markdown_text(text: str) -> str:
    """Text that gradio's Markdown shows exactly as written (no links, tags, emphasis)."""
    return " ".join(text.split()).translate(_MD_ESCAPES)


def question_terms(question: str) -> list[str]:
    """Words of a question worth highlighting in a cited passage (no function words)."""
    words = (w.strip("’'-") for w in _WORD.findall(question))
    return list(dict.fromkeys(w for w in words if len(w) > 2 and w.lower() not in _NOT_TERMS))


def highlight(text: str, terms: Sequence[str], tag: str = "mark") -> str:
    """``text`` as escaped HTML with words starting with a term wrapped in ``<tag>``.

    Matches are found in the raw text and each segment is escaped on its own, so a mark
    can never split an entity and no raw article character reaches the page.
    """
    if not terms:
        return html.escape(text)
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    pattern = re.compile(rf"\b(?:{alternatives})[\w’'\-]*", re.I)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        out.append(f"<{tag}>{html.escape(match.group())}</{tag}>")
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def link(url: str, label: str) -> str:
    """An escaped label, linked only when the URL is plain http(s) (no javascript:)."""
    shown = html.escape(label)
    if not _SAFE_URL.match(url.strip()):
        return shown
    href = html.escape(url.strip(), quote=True)
    return f'<a href="{href}" target="_blank" rel="noopener noreferrer nofollow">{shown}</a>'


def answer_text(answer: Answer, turn: int | None = None) -> str:
    """The answer as escaped Markdown; a written sentence its passages do not support is
    marked, and a notice (the model could not answer) leads. With ``turn``, each ``[n]``
    marker of a citation is a link to its card (``#nd-src-TURN-N``)."""
    if answer.statements:
        parts = [
            markdown_text(s.text)
            if s.supported
            else f"⚠ *(not supported by its passages)* {markdown_text(s.text)}"
            for s in answer.statements
        ]
        text = " ".join(parts)
    else:
        text = markdown_text(answer.answer)
    if turn is not None:
        text = linked_markers(text, {c.n for c in answer.citations}, turn)
    window = answer.window
    if window is not None and answer.found:  # a refusal already names its days
        text = f"*{markdown_text(window.label)}*\n\n{text}"
    return f"*{markdown_text(answer.notice)}*\n\n{text}" if answer.notice else text


def linked_markers(text: str, numbers: Collection[int], turn: int) -> str:
    """Escaped Markdown whose ``\\[n\\]`` markers (of these citation numbers) become links
    to their cards; only digits reach the link, so article text cannot make one."""

    def to_link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n not in numbers:
            return match.group()
        return f'<a class="nd-ref" href="#{card_id(turn, n)}">[{n}]</a>'

    return _ESCAPED_MARKER.sub(to_link, text)


def card_id(turn: int, n: int) -> str:
    return f"nd-src-{turn}-{n}"


def source_cards(
    citations: Sequence[Citation],
    question: str = "",
    contexts: Mapping[Span, Context] | None = None,
    turn: int = 0,
    pending: bool = False,
) -> str:
    """The cited passages as cards: the quote marked in its context (the sentence before
    and after, when known), the question's words in bold, then title, publisher, date.
    A card opens its article in the viewer (:mod:`ui.viewer`). ``pending``: the cards of
    an answer still being written (class ``nd-pending``)."""
    if not citations:
        return ""
    terms = question_terms(question)
    known = contexts or {}
    cards = "".join(_card(c, terms, known.get((c.doc_id, c.start, c.end)), turn) for c in citations)
    kind = "nd-sources nd-pending" if pending else "nd-sources"
    return f'<div class="{kind}">{cards}</div>'


def _card(citation: Citation, terms: Sequence[str], context: Context | None, turn: int) -> str:
    quote = " ".join(citation.quote.split())
    before, after = context or ("", "")
    byline = ", ".join(citation.authors)
    meta = [link(citation.url, citation.title or citation.doc_id)] + [
        html.escape(part)
        for part in (citation.source, citation.dates(), citation.location, byline)
        if part
    ]
    if citation.also_in:
        meta.append(html.escape("also in: " + ", ".join(citation.also_in)))
    n = html.escape(str(citation.n))
    around = [f'<span class="nd-ctx">{html.escape(part)}</span>' for part in (before, after)]
    passage = f'<mark class="nd-q">{highlight(quote, terms, "strong")}</mark>'
    data = (
        f'id="{card_id(turn, citation.n)}" data-n="{n}" data-doc="{html.escape(citation.doc_id)}"'
        f' data-start="{citation.start}" data-end="{citation.end}"'
    )
    return (
        f'<div class="nd-card" {data} title="Open the article">'
        f'<div class="nd-quote"><span class="nd-n">[{n}]</span> {around[0]} {passage} {around[1]}'
        f'</div><div class="nd-meta">{" · ".join(meta)}</div>'
        '<button type="button" class="nd-open">Read the article</button></div>'
    )


def articles_table(page: ArticlePage) -> str:
    """The Articles tab: one escaped row per stored article."""
    if not page.articles:
        return "<p class='nd-empty'>No articles are indexed yet: use the Ingest tab.</p>"
    head = (
        "<tr><th>id</th><th>date</th><th>publisher</th><th>title</th><th>chunks</th>"
        "<th>story</th></tr>"
    )
    body = "".join(_row(meta) for meta in page.articles)
    first = page.offset + 1
    shown = f"{first}–{page.offset + len(page.articles)} of {page.total}"
    return f"<p>Articles {shown}</p><table class='nd-articles'>{head}{body}</table>"


def _row(meta: ArticleMeta) -> str:
    cells = [meta.doc_id, meta.published_at, meta.source]
    title = link(meta.url, meta.title or meta.origin)
    tds = "".join(f"<td>{html.escape(c)}</td>" for c in cells)
    story = f"copy of {meta.copy_of}" if meta.copy_of else ""
    if meta.copies:
        story = f"{len(meta.copies)} cop{'y' if len(meta.copies) == 1 else 'ies'}"
    return f"<tr>{tds}<td>{title}</td><td>{meta.n_chunks}</td><td>{html.escape(story)}</td></tr>"


def speakers_table(listing: SpeakerList) -> str:
    """The Speakers tab: one escaped row per speaker."""
    if not listing.speakers:
        return f"<p class='nd-empty'>No attributed quotes in {listing.articles_read} articles.</p>"
    head = "<tr><th>speaker</th><th>quotes</th><th>articles</th></tr>"
    body = "".join(
        f"<tr><td>{html.escape(s.name)}</td><td>{s.quotes}</td><td>{s.articles}</td></tr>"
        for s in listing.speakers
    )
    shown = f"{len(listing.speakers)} speakers in {listing.articles_read} articles"
    return f"<p>{shown}</p><table class='nd-articles'>{head}{body}</table>"


def ingest_summary(report: IngestReport) -> str:
    """What an ingest did, as escaped HTML (failure messages quote user input)."""
    lines = [f"<p>{html.escape(report.summary())}</p>"]
    if report.failed:
        items = "".join(
            f"<li>{html.escape(f'{f.origin}: {f.message}')}</li>" for f in report.failed
        )
        lines.append(f"<p>Failed:</p><ul class='nd-failed'>{items}</ul>")
    return "".join(lines)


CSS = """
.nd-sources { display: flex; flex-direction: column; gap: 8px; }
.nd-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 12px;
  background: var(--background-fill-secondary); }
.nd-quote { font-size: 0.95em; line-height: 1.45; }
.nd-card { cursor: pointer; }
.nd-card:hover { border-color: var(--color-accent); }
.nd-card.nd-flash { outline: 3px solid var(--color-accent); }
.nd-quote mark { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
.nd-ctx { color: var(--body-text-color-subdued); }
.nd-n { font-weight: 600; margin-right: 4px; }
.nd-meta { font-size: 0.85em; color: var(--body-text-color-subdued); margin-top: 4px; }
.nd-open { font-size: 0.8em; margin-top: 4px; padding: 1px 8px; border-radius: 6px;
  border: 1px solid var(--border-color-primary); background: var(--background-fill-primary); }
.nd-viewer-panel { position: fixed; top: 0; right: 0; width: min(640px, 92vw); height: 100vh;
  overflow-y: auto; z-index: 1000; padding: 16px 20px; box-sizing: border-box;
  background: var(--background-fill-primary); border-left: 1px solid var(--border-color-primary);
  box-shadow: -8px 0 24px rgba(0, 0, 0, 0.15); }
.nd-viewer-head { position: sticky; top: -16px; background: var(--background-fill-primary);
  padding: 8px 0; border-bottom: 1px solid var(--border-color-primary); }
.nd-viewer-close { float: right; font-size: 1.4em; line-height: 1; padding: 0 6px;
  background: none; border: none; cursor: pointer; }
.nd-viewer-title { margin: 0 32px 4px 0; }
.nd-viewer-text { white-space: pre-wrap; line-height: 1.55; margin-top: 12px; }
.nd-viewer-text mark { background: #fde68a; color: inherit; }
.nd-examples button { flex: 0 1 auto; }
.nd-articles { width: 100%; border-collapse: collapse; font-size: 0.9em; }
.nd-articles td, .nd-articles th { border-bottom: 1px solid var(--border-color-primary);
  padding: 4px 6px; text-align: left; }
"""
