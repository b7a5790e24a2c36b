"""The chat: answering (sources first, then a model's draft, then the checked answer), the
chat's messages with their source cards, and its export as Markdown.

The chat keeps its own state (what the user typed and each answer, as the contract's
``Answer``, with the context each card shows) rather than reading back the Chatbot, whose
messages hold escaped Markdown and source-card components; the chatbot is re-rendered
from that state on every update.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import gradio as gr

from rag.contract import Answer, ChatMessage, Citation, FeedbackReason, Filters, Query, Vote
from rag.desk import Newsdesk
from rag.errors import NewsdeskError, NotFoundError, QueryError
from services.export import answer_markdown, chat_markdown
from services.gate import SharedDesk
from services.streaming import OnSources, OnToken, answer_events
from ui.access import UIAccess
from ui.render import Context, Span, answer_text, markdown_text, source_cards
from ui.viewer import contexts_for, span_of

SEARCHING = "Searching the articles…"
WRITING = "Writing the answer from these sources…"
REASONS: dict[str, FeedbackReason] = {
    "Wrong quote": "wrong_quote",
    "Wrong speaker": "wrong_speaker",
    "Wrong date": "wrong_date",
    "Not an answer": "not_an_answer",
    "Should have said nothing found": "should_be_nothing_found",
}
FEEDBACK_OPTIONS = ("Like", "Dislike", *REASONS)  # thumbs; the reasons under the flag


@dataclass(frozen=True)
class Turn:
    """One exchange of the chat: what the user typed, the answer it got, and the context
    (sentence before and after) each of its cards shows."""

    asked: str
    answer: Answer
    contexts: Mapping[Span, Context] = field(default_factory=dict)


ChatUpdate = tuple[list[dict[str, Any]], list[Turn], str]


class Chat:
    """The chat's event function, bound to one shared Newsdesk."""

    def __init__(self, shared: SharedDesk) -> None:
        self.shared = shared
        self.access = UIAccess(shared)

    def respond(
        self, text: str, turns: list[Turn], source: str, after: str, before: str, top_k: float,
        collection: str | None = None, also: list[str] | None = None,
        request: gr.Request | None = None,
    ) -> Iterator[ChatUpdate]:  # fmt: skip
        """Answer: the source cards as soon as retrieval has found them, then a written
        answer's draft (LLM mode) or the cited sentences, then the checked answer. It
        searches the picked collection and those under "Also search"."""
        if not text.strip():
            gr.Warning("Type a question first.")
            yield chat_messages(turns), turns, text
            return
        yield chat_messages(turns, text, SEARCHING), turns, ""
        draft, answer, sources = "", None, ""
        contexts: dict[Span, Context] = {}
        try:
            filters = parse_filters(source, after, before)
            principal = self.access.who(request)
            names = principal.reading([*([collection] if collection else []), *(also or [])])
            query = Query.of_chat(conversation(turns, text), top_k=int(top_k), filters=filters,
                                  collections=names)  # fmt: skip

            def run(on_token: OnToken, on_sources: OnSources) -> Answer:
                with self.shared.use() as desk:
                    shown = _with_contexts(desk, names, contexts, on_sources)
                    return desk.ask(query, on_token, shown)

            for kind, value in answer_events(run):
                if kind == "sources" and isinstance(value, list):
                    sources = source_cards(value, text, contexts, len(turns), pending=True)
                    partial = WRITING if value else SEARCHING
                    yield chat_messages(turns, text, partial, sources), turns, ""
                elif isinstance(value, str):
                    draft += value
                    partial = markdown_text(draft) + " …"
                    yield chat_messages(turns, text, partial, sources), turns, ""
                elif isinstance(value, Answer):
                    answer = value
        except NewsdeskError as exc:
            gr.Warning(str(exc))
            yield chat_messages(turns), turns, text
            return
        if answer is None:
            return
        with self.shared.use() as desk:  # cards the sources did not show (a fallback)
            contexts.update(_contexts(desk, names, answer.citations, contexts))
        final = source_cards(answer.citations, answer.question, contexts, len(turns), True)
        shown = ""
        for piece in answer.pieces():
            shown += piece
            yield chat_messages(turns, text, markdown_text(shown), final), turns, ""
        done = [*turns, Turn(text, answer, dict(contexts))]
        yield chat_messages(done, filtered=not filters.is_empty()), done, ""

    def feedback(
        self,
        turns: list[Turn],
        key: str,
        collection: str,
        data: gr.LikeData,
        request: gr.Request,
    ) -> None:
        """A thumb or a reason under an answer: stored with that answer (services.feedback).
        Un-choosing one sends nothing to store."""
        turn = turn_of_message(turns, data.index)
        liked = data.liked
        if turn is None or liked == "" or (isinstance(liked, str) and liked not in REASONS):
            return
        try:
            principal = self.access.who(request, key, write=True)
            name = principal.reading([collection] if collection else ())[0]
        except NewsdeskError as exc:
            gr.Warning(f"{exc} (feedback needs a key that may write)")
            return
        vote: Vote = "up" if liked is True else "down"
        reason = REASONS[liked] if isinstance(liked, str) else None
        self.shared.feedback.give(vote, turns[turn].answer, reason, collection=name)
        gr.Info("Thank you: your feedback is stored with the answer.")


def turn_of_message(turns: Sequence[Turn], index: int | tuple[int, int]) -> int | None:
    """The turn whose answer holds the chatbot's message ``index`` (a user message, then
    the answer's text, then its cards when it cites anything: see ``chat_messages``)."""
    at = index[0] if isinstance(index, tuple) else index
    first = 0
    for number, turn in enumerate(turns):
        size = 1 + (2 if turn.answer.citations else 1)
        if first < at < first + size:
            return number
        first += size
    return None


def _with_contexts(
    desk: Newsdesk, names: Sequence[str], contexts: dict[Span, Context], then: OnSources
) -> OnSources:
    """The sources callback, reading each card's context first (in the answering thread,
    which may read the store while it answers) so the cards show it from the start."""

    def shown(found: Sequence[Citation]) -> None:
        contexts.update(_contexts(desk, names, found, contexts))
        then(found)

    return shown


def _contexts(
    desk: Newsdesk,
    names: Sequence[str],
    citations: Sequence[Citation],
    known: Mapping[Span, Context],
) -> dict[Span, Context]:
    """Each new card's context, from its article in the collection it was cited from
    (one of ``names``, the collections the question searched)."""
    wanted = [c for c in citations if span_of(c) not in known and c.collection in names]
    texts: dict[str, str] = {}
    for doc_id, collection in dict.fromkeys((c.doc_id, c.collection) for c in wanted):
        try:
            texts[doc_id] = desk.get_article(doc_id, [collection]).text
        except NotFoundError:  # deleted meanwhile: the card shows the quote alone
            continue
    return contexts_for(wanted, texts)


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


def last_answer_markdown(turns: Sequence[Turn]) -> Any:
    """The last answer with its sources as Markdown footnotes ("Copy with sources"),
    shown in its box (hidden until there is something to show)."""
    if not turns:
        gr.Warning("Ask a question first.")
        return gr.update()
    last = turns[-1]
    text = answer_markdown(last.answer.model_copy(update={"question": last.asked}))
    return gr.update(value=text, visible=True)


def chat_file(turns: Sequence[Turn]) -> Any:
    """The whole chat as one Markdown document, written to a file to download."""
    if not turns:
        gr.Warning("Ask a question first.")
        return gr.update()
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-chat-"))
    path = folder / "newsdesk-chat.md"
    path.write_text(chat_markdown([(t.asked, t.answer) for t in turns]), encoding="utf-8")
    return gr.update(value=str(path), visible=True)


def conversation(turns: Sequence[Turn], text: str) -> list[ChatMessage]:
    """The chat as the core reads it: what the user typed, and the answers' text."""
    messages: list[ChatMessage] = []
    for turn in turns:
        messages.append(ChatMessage(role="user", content=turn.asked))
        messages.append(ChatMessage(role="assistant", content=turn.answer.answer))
    return [*messages, ChatMessage(role="user", content=text)]


def chat_messages(
    turns: Sequence[Turn],
    asked: str = "",
    partial: str = "",
    cards: str = "",
    filtered: bool = False,
) -> list[dict[str, Any]]:
    """The Chatbot's value: escaped text, and source cards under each answer (for the
    answer in progress: its cards as soon as they are known, under the text so far)."""
    shown: list[dict[str, Any]] = []
    for number, turn in enumerate(turns):
        shown.append({"role": "user", "content": markdown_text(turn.asked)})
        shown.extend(answer_messages(turn, number, filtered and turn is turns[-1]))
    if asked:
        shown.append({"role": "user", "content": markdown_text(asked)})
        shown.append({"role": "assistant", "content": partial or SEARCHING})
        if cards:
            shown.append({"role": "assistant", "content": _cards(cards)})
    return shown


def answer_messages(turn: Turn, number: int, filtered: bool) -> list[dict[str, Any]]:
    answer = turn.answer
    text = answer_text(answer, number)
    asked_as = answer.question
    if asked_as and asked_as != " ".join(turn.asked.split()):
        text = f"*Asked as: {markdown_text(asked_as)}*\n\n{text}"
    cards = source_cards(answer.citations, answer.question, turn.contexts, number)
    if not cards:
        hint = "Try other words" + (", or loosen the filters." if filtered else ".")
        return [{"role": "assistant", "content": f"{text}\n\n*{hint}*"}]
    return [{"role": "assistant", "content": text}, {"role": "assistant", "content": _cards(cards)}]


def _cards(cards: str) -> gr.HTML:
    return gr.HTML(cards, elem_classes=["nd-cards"], js_on_load=None)
