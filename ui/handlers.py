"""What the UI's buttons do: thin calls into the shared Newsdesk, errors as ``gr.Warning``.

The chat is :mod:`ui.chat`; here are ingest, the article and speaker lists, and the
article viewer's ``open`` event (:mod:`ui.viewer`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from rag.errors import NewsdeskError
from services.gate import SharedDesk
from services.keys import allowed
from services.uploads import ingest_file, ingest_record, merge, require_stored
from ui.render import articles_table, ingest_summary, speakers_table
from ui.viewer import article_view

log = logging.getLogger(__name__)
PAGE_SIZE = 50
PASTE_ORIGIN = "ui"  # shared by every pasted article: one without id or URL is keyed by text


class Handlers:
    """Event functions bound to one shared Newsdesk."""

    def __init__(self, shared: SharedDesk) -> None:
        self.shared = shared
        self.server = shared.settings.server

    # --- ingest and articles -------------------------------------------------------------

    def ingest_files(self, paths: Sequence[str] | None, key: str) -> str:
        if not paths or not self._allowed(key):
            return "" if paths else "<p>Choose one or more files first.</p>"
        try:
            with self.shared.use() as desk:
                reports = [ingest_file(desk, Path(p), Path(p).name) for p in paths]
            return ingest_summary(require_stored(merge(reports)))
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            return ""

    def ingest_url(self, url: str, key: str) -> str:
        """A web page by its URL (behind the SSRF guard, like every fetch)."""
        if not url.strip() or not self._allowed(key):
            return "" if url.strip() else "<p>Give the page's URL first.</p>"
        return self.ingest_text("", "", "", url.strip(), "", "", key)

    def ingest_text(
        self, title: str, source: str, published: str, url: str, authors: str, text: str, key: str
    ) -> str:
        if not self._allowed(key):
            return ""
        record = {"title": title, "source": source, "published_at": published, "url": url,
                  "authors": authors, "body": text}  # fmt: skip
        try:
            with self.shared.use() as desk:
                return ingest_summary(ingest_record(desk, record, PASTE_ORIGIN))
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            return ""

    def articles(self, page: float | None) -> tuple[str, Any]:
        """One page of the article table and the choices of the delete dropdown."""
        offset = (max(int(page or 1), 1) - 1) * PAGE_SIZE
        with self.shared.use() as desk:
            page_ = desk.list_articles(offset, PAGE_SIZE)
        page_ = page_.model_copy(update={"articles": [a.public() for a in page_.articles]})
        choices = [(f"{m.doc_id} — {m.title or m.origin}", m.doc_id) for m in page_.articles]
        return articles_table(page_), gr.update(choices=choices, value=None)

    def delete(self, doc_id: str | None, key: str) -> str:
        if not doc_id or not self._allowed(key):
            return "" if doc_id else "<p>Choose an article to delete.</p>"
        try:
            with self.shared.use() as desk:
                desk.delete_article(doc_id)
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            return ""
        gr.Info(f"Deleted {doc_id}")
        return ""

    def speakers(self, source: str) -> tuple[str, Any]:
        """The speakers table and the choices of the speaker dropdown."""
        try:
            with self.shared.use() as desk:
                listing = desk.speakers(source=source.strip() or None)
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            return "", gr.update()
        choices = [s.name for s in listing.speakers]
        return speakers_table(listing), gr.update(choices=choices, value=None)

    def open_article(self, event: gr.EventData) -> str:
        """The viewer's ``open`` event (a card was clicked): the article, its span marked.
        What the page sent is checked here: an id and two offsets, nothing else."""
        data = event._data if isinstance(event._data, dict) else {}
        doc_id, start, end = data.get("doc_id"), data.get("start"), data.get("end")
        if not isinstance(doc_id, str) or not all(isinstance(x, int) for x in (start, end)):
            gr.Warning("That source card does not name an article.")
            return ""
        try:
            with self.shared.use() as desk:
                article = desk.get_article(doc_id)
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            return ""
        return article_view(article, int(start), int(end))  # type: ignore[arg-type]

    def publishers(self) -> Any:
        """Publisher choices for the filter: those of the first thousand stored articles."""
        with self.shared.use() as desk:
            rows = desk.list_articles(0, 1000).articles
        names = sorted({m.source for m in rows if m.source})
        return gr.update(choices=["", *names])

    def _allowed(self, key: str) -> bool:
        """Writes from the UI need the API key when one is configured, as over REST."""
        if allowed(self.server, key or "", write=True):
            return True
        gr.Warning("This server needs its API key for changes: enter it above.")
        return False
