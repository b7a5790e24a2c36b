"""The Following tab (follow a question, see what was found, stop following) and the
speaker page's event: thin calls into ``services.follows`` and the desk, every piece of
text escaped, errors as ``gr.Warning``. Each event works in the collection picked above
the tabs, checked against the event's caller (:mod:`ui.access`) as every REST route is."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import gradio as gr

from rag.contract import Follow, FollowedPassage
from rag.errors import NewsdeskError
from services.gate import SharedDesk
from ui.access import UIAccess
from ui.render import link
from ui.speaker_page import speaker_page


class FollowHandlers:
    """Event functions of the Following tab and the speaker page."""

    def __init__(self, shared: SharedDesk) -> None:
        self.shared = shared
        self.access = UIAccess(shared)

    def follows(self, collection: str, request: gr.Request) -> tuple[str, Any]:
        """The table of followed questions, and the choices of the follow dropdown."""
        try:
            listed = self.shared.follows.follows(self._reading(request, collection))
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            listed = []
        choices = [(f"{f.question} ({f.passages})", f.id) for f in listed]
        return follows_table(listed), gr.update(choices=choices, value=None)

    def add(
        self, question: str, webhook: str, key: str, collection: str, request: gr.Request
    ) -> tuple[str, Any, str]:
        try:
            name = self.access.who(request, key, write=True).writing(collection or None)
            made = self.shared.follows.add(question, name, webhook)
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            return (*self.follows(collection, request), question)
        gr.Info(f"Following: {made.question}")
        return (*self.follows(collection, request), "")

    def passages(self, follow_id: str | None, collection: str, request: gr.Request) -> str:
        if not follow_id:
            return "<p>Choose a followed question first.</p>"
        try:
            name = self._reading(request, collection)
            found = self.shared.follows.passages(follow_id, name, 200)
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            return ""
        return passages_list(found)

    def remove(
        self, follow_id: str | None, key: str, collection: str, request: gr.Request
    ) -> tuple[str, Any, str]:
        if follow_id:
            try:
                name = self.access.who(request, key, write=True).writing(collection or None)
                gone = self.shared.follows.remove(follow_id, name)
                gr.Info(f"Stopped following: {gone.question}")
            except NewsdeskError as exc:
                gr.Warning(str(exc))
        return (*self.follows(collection, request), "")

    def speaker(self, name: str | None, collection: str, request: gr.Request) -> str:
        """The speaker page of the chosen (or typed) name."""
        if not (name or "").strip():
            gr.Warning("Choose or type a speaker first.")
            return ""
        try:
            where = self._reading(request, collection)
            with self.shared.use() as desk:
                return speaker_page(desk.speaker_timeline(name or "", 500, where))
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            return ""

    def _reading(self, request: gr.Request, collection: str | None) -> str:
        return self.access.who(request).reading([collection] if collection else ())[0]


def follows_table(follows: Sequence[Follow]) -> str:
    if not follows:
        return "<p class='nd-empty'>No followed questions yet.</p>"
    esc = html.escape
    head = "<tr><th>question</th><th>passages</th><th>last found</th><th>Atom feed</th></tr>"
    rows = "".join(
        f"<tr><td>{esc(f.question)}</td><td>{f.passages}</td><td>{esc(f.last_found)}</td>"
        f"<td><a href='{esc(f.feed)}' target='_blank'>{esc(f.feed)}</a>"
        + (f" · webhook failing: {esc(f.webhook_error)}" if f.webhook_error else "")
        + "</td></tr>"
        for f in follows
    )
    return f"<table class='nd-articles' id='nd-follows-table'>{head}{rows}</table>"


def passages_list(found: Sequence[FollowedPassage]) -> str:
    """Newest first; each opens its article in the viewer on the quoted words."""
    if not found:
        return "<p class='nd-empty'>Nothing found yet: new articles that answer it show here.</p>"
    esc = html.escape
    items = []
    for p in found:
        c = p.citation
        meta = [link(c.url, c.title or c.doc_id)] + [esc(x) for x in (c.source, c.dates()) if x]
        data = f'data-doc="{esc(c.doc_id)}" data-start="{c.start}" data-end="{c.end}"'
        items.append(
            f"<div class='nd-card' {data} title='Open the article'>"
            f"<div class='nd-quote'>{esc(' '.join(c.quote.split()))}</div>"
            f"<div class='nd-meta'>{' · '.join(meta)} · found {esc(p.found_at)}</div></div>"
        )
    return f"<div class='nd-sources'>{''.join(items)}</div>"
