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
from collections.abc import Sequence
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


def markdown_text(text: str) -> str:
    """Text that gradio's Markdown shows exactly as written (no links, tags, emphasis)."""
    return " ".join(text.split()).translate(_MD_ESCAPES)


def question_terms(question: str) -> list[str]:
    """Words of a question worth highlighting in a cited passage (no function words)."""
    words = (w.strip("’'-") for w in _WORD.findall(question))
    return list(dict.fromkeys(w for w in words if len(w) > 2 and w.lower() not in _NOT_TERMS))


def highlight(text: str, terms: Sequence[str]) -> str:
    """``text`` as escaped HTML with words starting with a term wrapped in ``<mark>``.

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
        out.append(f"<mark>{html.escape(match.group())}</mark>")
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


def answer_text(answer: Answer) -> str:
    """The answer as escaped Markdown; a written sentence its passages do not support is
    marked, and a notice (the model could not answer) leads."""
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
    window = answer.window
    if window is not None and answer.found:  # a refusal already names its days
        text = f"*{markdown_text(window.label)}*\n\n{text}"
    return f"*{markdown_text(answer.notice)}*\n\n{text}" if answer.notice else text


def source_cards(answer: Answer) -> str:
    """The cited passages of an answer as cards: quote, title, publisher, date."""
    if not answer.citations:
        return ""
    terms = question_terms(answer.question)
    cards = "".join(_card(c, terms) for c in answer.citations)
    return f'<div class="nd-sources">{cards}</div>'


def _card(citation: Citation, terms: Sequence[str]) -> str:
    quote = " ".join(citation.quote.split())
    byline = ", ".join(citation.authors)
    meta = [link(citation.url, citation.title or citation.doc_id)] + [
        html.escape(part)
        for part in (citation.source, citation.dates(), citation.location, byline)
        if part
    ]
    if citation.also_in:
        meta.append(html.escape("also in: " + ", ".join(citation.also_in)))
    n = html.escape(str(citation.n))
    return (
        f'<div class="nd-card" data-n="{n}">'
        f'<div class="nd-quote"><span class="nd-n">[{n}]</span> {highlight(quote, terms)}</div>'
        f'<div class="nd-meta">{" · ".join(meta)}</div></div>'
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
.nd-quote mark { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
.nd-n { font-weight: 600; margin-right: 4px; }
.nd-meta { font-size: 0.85em; color: var(--body-text-color-subdued); margin-top: 4px; }
.nd-articles { width: 100%; border-collapse: collapse; font-size: 0.9em; }
.nd-articles td, .nd-articles th { border-bottom: 1px solid var(--border-color-primary);
  padding: 4px 6px; text-align: left; }
"""
