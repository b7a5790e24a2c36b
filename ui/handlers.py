"""What the UI's buttons do: thin calls into the shared Newsdesk, errors as ``gr.Warning``.

The chat is :mod:`ui.chat`; here are ingest, the article and speaker lists, the
collection picker, and the article viewer's ``open`` event (:mod:`ui.viewer`). Every
event resolves its caller (:mod:`ui.access`) and checks the collection it acts on, as
REST does; writes go to the audit log.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from rag.errors import NewsdeskError
from services.gate import SharedDesk
from services.uploads import ingest_file, ingest_record, merge, require_stored
from ui.access import UIAccess
from ui.render import articles_table, ingest_summary, speakers_table
from ui.viewer import article_view

log = logging.getLogger(__name__)
PAGE_SIZE = 50
PASTE_ORIGIN = "ui"  # shared by every pasted article: one without id or URL is keyed by text


class Handlers:
    """Event functions bound to one shared Newsdesk."""

    def __init__(self, shared: SharedDesk) -> None:
        self.shared = shared
        self.access = UIAccess(shared)

    # --- collections -----------------------------------------------------------------------

    def collections(self, request: gr.Request) -> tuple[Any, Any]:
        """The picker's choices: the collections this caller may see (its own first)."""
        try:
            principal = self.access.who(request)
            names = [c.name for c in self.shared.collections(principal)]
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            return gr.update(), gr.update()
        first = principal.default if principal.default in names else (names or [""])[0]
        ordered = list(dict.fromkeys([first, *names])) if first else names
        return gr.update(choices=ordered, value=first), gr.update(choices=ordered, value=[])

    # --- ingest and articles -------------------------------------------------------------

    def ingest_files(
        self, paths: Sequence[str] | None, key: str, collection: str, request: gr.Request
    ) -> str:
        if not paths:
            return "<p>Choose one or more files first.</p>"
        try:
            principal = self.access.who(request, key, write=True)
            name = principal.writing(collection)
            with self.shared.use() as desk:
                reports = [ingest_file(desk, Path(p), Path(p).name, name) for p in paths]
            report = merge(reports)
            self.shared.audit.ingested(principal.name, name, report)
            return ingest_summary(require_stored(report))
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            return ""

    def ingest_url(self, url: str, key: str, collection: str, request: gr.Request) -> str:
        """A web page by its URL (behind the SSRF guard, like every fetch)."""
        if not url.strip():
            return "<p>Give the page's URL first.</p>"
        record = {"url": url.strip()}
        return self._ingest_record(record, key, collection, request)

    def ingest_text(
        self, title: str, source: str, published: str, url: str, authors: str, text: str,
        key: str, collection: str, request: gr.Request,
    ) -> str:  # fmt: skip
        record = {"title": title, "source": source, "published_at": published, "url": url,
                  "authors": authors, "body": text}  # fmt: skip
        return self._ingest_record(record, key, collection, request)

    def _ingest_record(
        self, record: dict[str, str], key: str, collection: str, request: gr.Request
    ) -> str:
        try:
            principal = self.access.who(request, key, write=True)
            name = principal.writing(collection)
            with self.shared.use() as desk:
                report = ingest_record(desk, record, PASTE_ORIGIN, name)
            self.shared.audit.ingested(principal.name, name, report)
            return ingest_summary(report)
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            return ""

    def articles(self, page: float | None, collection: str, request: gr.Request) -> tuple[str, Any]:
        """One page of the article table and the choices of the delete dropdown."""
        offset = (max(int(page or 1), 1) - 1) * PAGE_SIZE
        try:
            name = self._reading(request, collection)
            with self.shared.use() as desk:
                page_ = desk.list_articles(offset, PAGE_SIZE, name)
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            return "", gr.update(choices=[], value=None)
        page_ = page_.model_copy(update={"articles": [a.public() for a in page_.articles]})
        choices = [(f"{m.doc_id} — {m.title or m.origin}", m.doc_id) for m in page_.articles]
        return articles_table(page_), gr.update(choices=choices, value=None)

    def delete(self, doc_id: str | None, key: str, collection: str, request: gr.Request) -> str:
        if not doc_id:
            return "<p>Choose an article to delete.</p>"
        try:
            principal = self.access.who(request, key, write=True)
            name = principal.writing(collection)
            with self.shared.use() as desk:
                desk.delete_article(doc_id, name)
            self.shared.audit.deleted(principal.name, name, [doc_id])
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            return ""
        gr.Info(f"Deleted {doc_id}")
        return ""

    def speakers(self, source: str, collection: str, request: gr.Request) -> tuple[str, Any]:
        """The speakers table and the choices of the speaker dropdown."""
        try:
            name = self._reading(request, collection)
            with self.shared.use() as desk:
                listing = desk.speakers(source=source.strip() or None, collection=name)
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            return "", gr.update()
        choices = [s.name for s in listing.speakers]
        return speakers_table(listing), gr.update(choices=choices, value=None)

    def _reading(self, request: gr.Request, collection: str | None) -> str:
        return self.access.who(request).reading([collection] if collection else ())[0]

    def open_article(self, event: gr.EventData, request: gr.Request) -> str:
        """The viewer's ``open`` event (a card was clicked): the article, its span marked.
        What the page sent is checked here: an id and two offsets, nothing else."""
        data = event._data if isinstance(event._data, dict) else {}
        doc_id, start, end = data.get("doc_id"), data.get("start"), data.get("end")
        if not isinstance(doc_id, str) or not all(isinstance(x, int) for x in (start, end)):
            gr.Warning("That source card does not name an article.")
            return ""
        try:
            names = self.shared.readable(self.access.who(request))
            with self.shared.use() as desk:
                article = desk.get_article(doc_id, names)
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            return ""
        return article_view(article, int(start), int(end))  # type: ignore[arg-type]

    def publishers(self, collection: str, request: gr.Request) -> Any:
        """Publisher choices for the filter: those of the collection's first thousand
        stored articles."""
        try:
            name = self._reading(request, collection)
            with self.shared.use() as desk:
                rows = desk.list_articles(0, 1000, name).articles
        except NewsdeskError:  # the collection picker's warning says why
            return gr.update(choices=[""])
        names = sorted({m.source for m in rows if m.source})
        return gr.update(choices=["", *names])
