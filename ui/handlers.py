"""What the UI's buttons do: thin calls into the shared Newsdesk, errors as ``gr.Warning``.

The chat keeps its own state (what the user typed and each answer's contract) rather than
reading back the Chatbot, whose messages hold escaped Markdown and source-card components;
the chatbot is re-rendered from that state on every update.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any, TypedDict

import gradio as gr

from api.auth import key_matches
from api.shared import SharedDesk
from api.uploads import ingest_file, ingest_record, merge, require_stored
from rag.contract import answer_dict, answer_pieces
from rag.conversation import ChatMessage
from rag.errors import NewsdeskError, QueryError
from rag.models import Filters
from ui.render import articles_table, ingest_summary, markdown_text, source_cards

log = logging.getLogger(__name__)
PAGE_SIZE = 50
PASTE_ORIGIN = "ui[0]"  # "[0]": without id or URL, an article is identified by its text
SEARCHING = "Searching the articles…"


class Turn(TypedDict):
    asked: str
    answer: dict[str, Any]


ChatUpdate = tuple[list[dict[str, Any]], list[Turn], str]


class Handlers:
    """Event functions bound to one shared Newsdesk."""

    def __init__(self, shared: SharedDesk) -> None:
        self.shared = shared
        self.api_key = shared.settings.server.api_key

    # --- chat ------------------------------------------------------------------------------

    def respond(
        self, text: str, turns: list[Turn], source: str, after: str, before: str, top_k: float
    ) -> Iterator[ChatUpdate]:
        """Answer, streaming the cited sentences into the chat, then show the source cards."""
        if not text.strip():
            gr.Warning("Type a question first.")
            yield chat_messages(turns), turns, text
            return
        yield chat_messages(turns, text, SEARCHING), turns, ""
        try:
            filters = parse_filters(source, after, before)
            with self.shared.use() as desk:
                answer = desk.chat(conversation(turns, text), int(top_k), filters)
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            yield chat_messages(turns), turns, text
            return
        shown = ""
        for piece in answer_pieces(answer.answer):
            shown += piece
            yield chat_messages(turns, text, markdown_text(shown)), turns, ""
        done = [*turns, Turn(asked=text, answer=answer_dict(answer))]
        yield chat_messages(done, filtered=not filters.is_empty()), done, ""

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
            rows, total = desk.list_articles(offset, PAGE_SIZE), desk.stats()["articles"]
        dicts = [asdict(meta) for meta in rows]
        choices = [(f"{m.doc_id} — {m.title or m.origin}", m.doc_id) for m in rows]
        return articles_table(dicts, total, offset), gr.update(choices=choices, value=None)

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

    def publishers(self) -> Any:
        """Publisher choices for the filter: those of the first thousand stored articles."""
        with self.shared.use() as desk:
            rows = desk.list_articles(0, 1000)
        names = sorted({m.source for m in rows if m.source})
        return gr.update(choices=["", *names])

    def _allowed(self, key: str) -> bool:
        """Writes from the UI need the API key when one is configured, as over REST."""
        if not self.api_key or key_matches(key or "", self.api_key):
            return True
        gr.Warning("This server needs its API key for changes: enter it above.")
        return False


def parse_filters(source: str, after: str, before: str) -> Filters:
    return Filters(source or None, _day(after, "Published after"), _day(before, "before"))


def _day(value: str, what: str) -> str | None:
    if not (value or "").strip():
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise QueryError(f"{what}: '{value}' is not a date like 2025-02-25") from None


def conversation(turns: Sequence[Turn], text: str) -> list[ChatMessage]:
    """The chat as the core reads it: what the user typed, and the answers' text."""
    messages: list[ChatMessage] = []
    for turn in turns:
        messages.append(ChatMessage("user", turn["asked"]))
        messages.append(ChatMessage("assistant", str(turn["answer"].get("answer", ""))))
    return [*messages, ChatMessage("user", text)]


def chat_messages(
    turns: Sequence[Turn], asked: str = "", partial: str = "", filtered: bool = False
) -> list[dict[str, Any]]:
    """The Chatbot's value: escaped text, and source cards under each answer."""
    shown: list[dict[str, Any]] = []
    for turn in turns:
        shown.append({"role": "user", "content": markdown_text(turn["asked"])})
        shown.extend(answer_messages(turn, filtered and turn is turns[-1]))
    if asked:
        shown.append({"role": "user", "content": markdown_text(asked)})
        shown.append({"role": "assistant", "content": partial or SEARCHING})
    return shown


def answer_messages(turn: Turn, filtered: bool) -> list[dict[str, Any]]:
    answer = turn["answer"]
    text = markdown_text(str(answer.get("answer", "")))
    asked_as = str(answer.get("question", ""))
    if asked_as and asked_as != " ".join(turn["asked"].split()):
        text = f"*Asked as: {markdown_text(asked_as)}*\n\n{text}"
    cards = source_cards(answer)
    if not cards:
        hint = "Try other words" + (", or loosen the filters." if filtered else ".")
        return [{"role": "assistant", "content": f"{text}\n\n*{hint}*"}]
    card_component = gr.HTML(cards, elem_classes=["nd-cards"], js_on_load=None)
    return [
        {"role": "assistant", "content": text},
        {"role": "assistant", "content": card_component},
    ]
