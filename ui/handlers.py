"""What the UI's buttons do: thin calls into the shared Newsdesk, errors as ``gr.Warning``.

The chat keeps its own state (what the user typed and each answer, as the contract's
``Answer``) rather than reading back the Chatbot, whose messages hold escaped Markdown and
source-card components; the chatbot is re-rendered from that state on every update.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import gradio as gr

from rag.contract import Answer, ChatMessage, Filters, Query
from rag.errors import NewsdeskError, QueryError
from services.export import answer_markdown, chat_markdown
from services.gate import SharedDesk
from services.keys import allowed
from services.streaming import answer_events
from services.uploads import ingest_file, ingest_record, merge, require_stored
from ui.render import (
    answer_text,
    articles_table,
    ingest_summary,
    markdown_text,
    source_cards,
    speakers_table,
)

log = logging.getLogger(__name__)
PAGE_SIZE = 50
PASTE_ORIGIN = "ui"  # shared by every pasted article: one without id or URL is keyed by text
SEARCHING = "Searching the articles…"


@dataclass(frozen=True)
class Turn:
    """One exchange of the chat: what the user typed, and the answer it got."""

    asked: str
    answer: Answer


ChatUpdate = tuple[list[dict[str, Any]], list[Turn], str]


class Handlers:
    """Event functions bound to one shared Newsdesk."""

    def __init__(self, shared: SharedDesk) -> None:
        self.shared = shared
        self.server = shared.settings.server

    # --- chat ------------------------------------------------------------------------------

    def respond(
        self, text: str, turns: list[Turn], source: str, after: str, before: str, top_k: float
    ) -> Iterator[ChatUpdate]:
        """Answer, streaming a written answer's draft (LLM mode) or the cited sentences into
        the chat, then show the checked answer and its source cards."""
        if not text.strip():
            gr.Warning("Type a question first.")
            yield chat_messages(turns), turns, text
            return
        yield chat_messages(turns, text, SEARCHING), turns, ""
        draft, answer = "", None
        try:
            filters = parse_filters(source, after, before)
            query = Query.of_chat(conversation(turns, text), top_k=int(top_k), filters=filters)

            def run(on_token: Callable[[str], None]) -> Answer:
                with self.shared.use() as desk:
                    return desk.ask(query, on_token)

            for _kind, value in answer_events(run):
                if isinstance(value, str):
                    draft += value
                    yield chat_messages(turns, text, markdown_text(draft) + " …"), turns, ""
                else:
                    answer = value
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            yield chat_messages(turns), turns, text
            return
        if answer is None:
            return
        shown = ""
        for piece in answer.pieces():
            shown += piece
            yield chat_messages(turns, text, markdown_text(shown)), turns, ""
        done = [*turns, Turn(text, answer)]
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


def parse_filters(source: str, after: str, before: str) -> Filters:
    return Filters(
        source=source or None,
        published_after=_day(after, "Published after"),
        published_before=_day(before, "before"),
    )


def _day(value: str, what: str) -> date | None:
    if not (value or "").strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise QueryError(f"{what}: '{value}' is not a date like 2025-02-25") from None


def last_answer_markdown(turns: Sequence[Turn]) -> str:
    """The last answer with its sources as Markdown footnotes ("Copy with sources")."""
    if not turns:
        gr.Warning("Ask a question first.")
        return ""
    last = turns[-1]
    return answer_markdown(last.answer.model_copy(update={"question": last.asked}))


def chat_file(turns: Sequence[Turn]) -> str | None:
    """The whole chat as one Markdown document, written to a file to download."""
    if not turns:
        gr.Warning("Ask a question first.")
        return None
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-chat-"))
    path = folder / "newsdesk-chat.md"
    path.write_text(chat_markdown([(t.asked, t.answer) for t in turns]), encoding="utf-8")
    return str(path)


def conversation(turns: Sequence[Turn], text: str) -> list[ChatMessage]:
    """The chat as the core reads it: what the user typed, and the answers' text."""
    messages: list[ChatMessage] = []
    for turn in turns:
        messages.append(ChatMessage(role="user", content=turn.asked))
        messages.append(ChatMessage(role="assistant", content=turn.answer.answer))
    return [*messages, ChatMessage(role="user", content=text)]


def chat_messages(
    turns: Sequence[Turn], asked: str = "", partial: str = "", filtered: bool = False
) -> list[dict[str, Any]]:
    """The Chatbot's value: escaped text, and source cards under each answer."""
    shown: list[dict[str, Any]] = []
    for turn in turns:
        shown.append({"role": "user", "content": markdown_text(turn.asked)})
        shown.extend(answer_messages(turn, filtered and turn is turns[-1]))
    if asked:
        shown.append({"role": "user", "content": markdown_text(asked)})
        shown.append({"role": "assistant", "content": partial or SEARCHING})
    return shown


def answer_messages(turn: Turn, filtered: bool) -> list[dict[str, Any]]:
    answer = turn.answer
    text = answer_text(answer)
    asked_as = answer.question
    if asked_as and asked_as != " ".join(turn.asked.split()):
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
