"""The article behind a citation: its context on the source card, and the article viewer.

A card shows its quote in context (the sentence before and after, the quoted words
marked), so an extractive answer no longer shows each quote twice as the same bare text.
Clicking a card (or its "Read the article" button) opens the whole article in a panel
inside the UI, with the cited span (``text[start:end]``, the contract's offsets) marked
and scrolled into view; it works for every stored article, with or without a URL.

Everything from an article is HTML-escaped here; the only tags are our own. The panel
is one ``gr.HTML`` whose ``VIEWER_JS`` listens for clicks on cards and on the answer's
``[n]`` links (which scroll to their card), and asks the server for the article through
the component's custom ``open`` event (``gr.EventData`` carries doc_id, start, end).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

from rag.contract import Article, Citation, public_origin
from rag.text import sentence_spans
from ui.render import link

Span = tuple[str, int, int]  # doc_id, start, end: one cited passage
Context = tuple[str, str]  # the text before and after the passage on its card
MAX_CONTEXT_CHARS = 400  # per side: a long neighbour sentence is cut at a word


def span_of(citation: Citation) -> Span:
    return citation.doc_id, citation.start, citation.end


def context_of(text: str, start: int, end: int) -> Context:
    """The sentence before the passage and the sentence after it (with the rest of the
    passage's own sentences when it starts or ends inside one), whitespace folded."""
    spans = sentence_spans(text)
    if not spans or not 0 <= start < end <= len(text):
        return "", ""
    first = max((i for i, (s, _) in enumerate(spans) if s <= start), default=0)
    last = max((i for i, (s, _) in enumerate(spans) if s < end), default=first)
    lo = min(spans[max(first - 1, 0)][0], start)
    hi = max(spans[min(last + 1, len(spans) - 1)][1], end)
    before, after = " ".join(text[lo:start].split()), " ".join(text[end:hi].split())
    return _cut(before, from_end=True), _cut(after, from_end=False)


def contexts_for(citations: Iterable[Citation], texts: Mapping[str, str]) -> dict[Span, Context]:
    """The context of each citation whose article text is known."""
    return {
        span_of(c): context_of(texts[c.doc_id], c.start, c.end)
        for c in citations
        if c.doc_id in texts
    }


def _cut(text: str, from_end: bool) -> str:
    if len(text) <= MAX_CONTEXT_CHARS:
        return text
    if from_end:
        return "… " + text[-MAX_CONTEXT_CHARS:].split(" ", 1)[-1]
    return text[:MAX_CONTEXT_CHARS].rsplit(" ", 1)[0] + " …"


def article_view(article: Article, start: int, end: int) -> str:
    """The whole article as escaped HTML, ``text[start:end]`` marked (when it is a span of
    the text), with its title, publisher, dates and authors above it."""
    text = article.text
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    title = article.title or public_origin(article.origin) or article.doc_id
    dates = article.published_at
    if article.updated_at and article.updated_at != article.published_at:
        dates = f"{dates}, updated {article.updated_at}".lstrip(", ")
    byline = "by " + ", ".join(article.authors) if article.authors else ""
    meta = " · ".join(html.escape(p) for p in (article.source, dates, byline) if p)
    if start < end:
        body = (
            f"{html.escape(text[:start])}<mark id='nd-viewer-mark'>"
            f"{html.escape(text[start:end])}</mark>{html.escape(text[end:])}"
        )
    else:
        body = html.escape(text)
    return (
        "<div class='nd-viewer-panel' role='dialog' aria-label='Article'>"
        "<div class='nd-viewer-head'>"
        "<button type='button' class='nd-viewer-close' aria-label='Close the article'>×</button>"
        f"<h3 class='nd-viewer-title'>{link(article.url, title)}</h3>"
        f"<div class='nd-meta'>{meta}</div></div>"
        f"<div class='nd-viewer-text'>{body}</div></div>"
    )


# Installed once per page (the listener outlives re-renders); each load of the viewer
# component points it at that component's own trigger/props.
VIEWER_JS = """
window.ndViewerOpen = (data) => trigger('open', data);
window.ndViewerClose = () => { props.value = ''; };
watch('value', () => {
  const mark = element.querySelector('#nd-viewer-mark');
  if (mark) mark.scrollIntoView({block: 'center'});
});
if (!window.ndViewerListening) {
  window.ndViewerListening = true;
  document.addEventListener('click', (event) => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const ref = target.closest('a[href^="#nd-src-"]');
    if (ref) {
      event.preventDefault();
      event.stopPropagation();
      const card = document.getElementById(ref.getAttribute('href').slice(1));
      if (card) {
        card.scrollIntoView({block: 'nearest'});
        card.classList.add('nd-flash');
        setTimeout(() => card.classList.remove('nd-flash'), 1600);
      }
      return;
    }
    if (target.closest('.nd-viewer-close')) { window.ndViewerClose(); return; }
    const card = target.closest('.nd-card');
    if (card && !target.closest('a')) {
      window.ndViewerOpen({doc_id: card.dataset.doc, start: Number(card.dataset.start),
                           end: Number(card.dataset.end)});
    }
  }, true);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && document.querySelector('.nd-viewer-panel')) {
      window.ndViewerClose();
    }
  });
}
"""
