"""Question endpoints: ask, chat, and their Server-Sent-Events streams.

Streams validate and retrieve before the first byte is sent, so a bad question is still a
plain 4xx JSON error; then the passages found go out as one ``sources`` event (before a
model writes), a model's draft as ``token`` events, the answer cited sentence by cited
sentence as ``answer`` events, and one ``citations`` event carrying the whole contract.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import chain
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse, StreamingResponse

from api.auth import caller
from api.schemas import AskIn, ChatIn
from rag.contract import Answer
from services.export import answer_markdown
from services.gate import SharedDesk
from services.keys import Principal
from services.streaming import Event, OnSources, OnToken, answer_events

SSE_DOC = (
    "Server-Sent Events. First `event: sources` with the list of passages (Citation objects) "
    "the answer rests on, as soon as retrieval has found them (in LLM mode: the passages the "
    "model is given, before it writes; empty when nothing is found). In LLM mode, then `event: "
    'token` with `{"text": ...}` per token as the model writes (an unchecked draft); then, in '
    'any mode, `event: answer` with `{"text": ...}` per cited sentence of the final '
    "(verified) answer, then `event: citations` with the full answer contract (as returned "
    "by /api/ask), whose citations are the ones the answer cites."
)


SSE_EVENT = {  # one event as OpenAPI 3.2 describes event streams: its name and JSON data
    "type": "object",
    "properties": {
        "event": {"type": "string", "enum": ["sources", "token", "answer", "citations"]},
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "description": "A list of Citation objects for sources; "
            '`{"text": ...}` for token and answer; the Answer for citations.',
        },
    },
    "required": ["event", "data"],
}
SSE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The event stream.",
        "content": {"text/event-stream": {"schema": SSE_EVENT}},
    }
}


def router(shared: SharedDesk) -> APIRouter:
    """The question routes over one shared Newsdesk."""
    routes = APIRouter(prefix="/api", tags=["questions"])
    who = caller(shared)

    def ask(
        body: AskIn | ChatIn,
        principal: Principal,
        on_token: OnToken | None = None,
        on_sources: OnSources | None = None,
    ) -> Answer:
        query = body.query().model_copy(update={"collections": principal.reading(body.named())})
        with shared.use() as desk:
            return shared.answers.remember(desk.ask(query, on_token, on_sources))

    @routes.post(
        "/ask",
        response_model=Answer,
        summary="Answer a question",
        description=EXPORT_DOC,
        responses=MARKDOWN_RESPONSE,
    )
    def post_ask(body: AskIn, request: Request, principal: Principal = Depends(who)) -> Any:
        return exported(ask(body, principal), request)

    @routes.post(
        "/ask/stream",
        summary="Answer a question, streamed",
        description=SSE_DOC,
        response_class=EventStream,
        responses=SSE_RESPONSE,
    )
    def post_ask_stream(body: AskIn, principal: Principal = Depends(who)) -> StreamingResponse:
        principal.reading(body.named())  # refused before the stream starts
        return event_stream(
            answer_events(lambda on_token, on_sources: ask(body, principal, on_token, on_sources))
        )

    @routes.post(
        "/chat",
        response_model=Answer,
        summary="Answer the last chat message",
        description=EXPORT_DOC,
        responses=MARKDOWN_RESPONSE,
    )
    def post_chat(body: ChatIn, request: Request, principal: Principal = Depends(who)) -> Any:
        return exported(ask(body, principal), request)

    @routes.post(
        "/chat/stream",
        summary="Answer the last chat message, streamed",
        description=SSE_DOC,
        response_class=EventStream,
        responses=SSE_RESPONSE,
    )
    def post_chat_stream(body: ChatIn, principal: Principal = Depends(who)) -> StreamingResponse:
        principal.reading(body.named())  # refused before the stream starts
        return event_stream(
            answer_events(lambda on_token, on_sources: ask(body, principal, on_token, on_sources))
        )

    return routes


class EventStream(StreamingResponse):
    """Server-Sent Events (so the OpenAPI document names their content type)."""

    media_type = "text/event-stream"


EXPORT_DOC = (
    "JSON (the answer contract) by default; with `Accept: text/markdown`, the answer as "
    "Markdown with numbered footnotes: title, publisher, date, URL and the verbatim quote."
)
MARKDOWN_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/markdown": {"schema": {"type": "string"}}}}
}


def exported(answer: Answer, request: Request) -> Answer | PlainTextResponse:
    """The answer, or its Markdown export when the client asks for text/markdown."""
    if "text/markdown" in request.headers.get("accept", ""):
        return PlainTextResponse(answer_markdown(answer), media_type="text/markdown")
    return answer


def event_stream(events: Iterator[Event]) -> StreamingResponse:
    """The events as SSE; the first is awaited here, so a bad question is still a 4xx."""
    first = next(events)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    body = sse_events(chain([first], events))
    return EventStream(body, headers=headers)


def sse_events(events: Iterator[Event]) -> Iterator[str]:
    for kind, value in events:
        if isinstance(value, str):
            yield sse(kind, {"text": value})
            continue
        if isinstance(value, list):
            yield sse("sources", [c.model_dump(mode="json") for c in value])
            continue
        for piece in value.pieces():
            yield sse("answer", {"text": piece})
        yield sse("citations", value.model_dump(mode="json"))


def sse(event: str, data: object) -> str:
    """One SSE event; JSON never contains a raw newline, so one ``data:`` line suffices."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
