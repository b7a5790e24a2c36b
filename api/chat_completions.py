"""An OpenAI-compatible chat endpoint: ``POST /v1/chat/completions`` and ``GET /v1/models``,
so chat front-ends (Open WebUI, LibreChat) and OpenAI SDK scripts can ask Newsdesk.
(``/v1/models`` lists the embedding model of ``POST /v1/embeddings`` too: api.embeddings.)

The reply is a standard chat completion whose content is the answer with its ``[n]``
markers and a "Sources" list (title, publisher, date, URL, the quote); the full answer
contract rides along in an extra ``newsdesk`` field that OpenAI clients ignore. The model
names the answer mode: ``newsdesk`` (configured), ``newsdesk-extractive``, and
``newsdesk-llm`` when a language model is configured; ``/COLLECTION`` after it names the
collection to search (``newsdesk/investigations``), as does the header
``X-Newsdesk-Collection: investigations`` (several: comma-separated) for clients whose
model name is fixed; neither: the key's first collection. ``GET /v1/models`` lists
``newsdesk/C`` for each collection the key may read. Streams send the verified answer
(never a model's unchecked draft) as ``chat.completion.chunk`` events, then ``[DONE]``.
Errors on these paths are OpenAI error objects (``api.http_errors``).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from api.asking import EventStream
from api.auth import caller
from api.embeddings import embedding_model, model_entry
from rag.contract import Answer, ChatMessage, Query
from services.export import with_sources
from services.gate import SharedDesk
from services.keys import Principal
from services.streaming import answer_events

PREFIX = "newsdesk"
COLLECTION_HEADER = "X-Newsdesk-Collection"
ROLES = {"user": "user", "assistant": "assistant", "system": "system", "developer": "system"}


class CompletionMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str = Field(description="user, assistant, system or developer (tool turns are skipped).")
    content: str | list[dict[str, Any]] | None = Field(
        None, description="Text, or content parts of which the text parts are read."
    )


class CompletionRequest(BaseModel):
    """The OpenAI chat-completions request; other fields (temperature, ...) are accepted and
    ignored: answers are made of the archive's own words."""

    model_config = ConfigDict(extra="allow")
    model: str = Field(
        PREFIX,
        description="newsdesk, newsdesk-extractive or newsdesk-llm, each with an optional "
        "/COLLECTION (newsdesk/investigations).",
    )
    messages: list[CompletionMessage] = Field(min_length=1, max_length=100)
    stream: bool = False


class CompletionChoice(BaseModel):
    index: int = 0
    message: dict[str, str]
    finish_reason: Literal["stop"] = "stop"


class Completion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[CompletionChoice]
    usage: dict[str, int] = Field(
        default_factory=lambda: {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    )
    newsdesk: Answer = Field(description="The full answer contract (citations with spans).")


def router(shared: SharedDesk) -> APIRouter:
    routes = APIRouter(prefix="/v1", tags=["openai-compatible"])
    who = caller(shared)

    @routes.get("/models", summary="The answer modes, and the embedding model, as OpenAI models")
    def models(principal: Principal = Depends(who)) -> dict[str, Any]:
        with shared.use() as desk:
            names = principal.visible(desk.collections())
        ids = _models(shared) + [f"{PREFIX}/{name}" for name in names]
        data = [{"id": m, "object": "model", "created": 0, "owned_by": PREFIX} for m in ids]
        return {"object": "list", "data": [*data, model_entry(shared)]}

    @routes.post(
        "/chat/completions",
        response_model=Completion,
        summary="Answer the last user message (OpenAI chat completions)",
        responses={200: {"content": {"text/event-stream": {}}}},
    )
    def completions(
        body: CompletionRequest,
        principal: Principal = Depends(who),
        collection: Annotated[str | None, Header(alias=COLLECTION_HEADER, max_length=2000,
            description="The collections to search, comma-separated (or the model's "
            "/COLLECTION).")] = None,
    ) -> Any:  # fmt: skip
        model, named = _collection_of(body.model, collection)
        query = Query.of_chat(_messages(body), mode=_mode(shared, model),
                              collections=principal.reading(named))  # fmt: skip
        with shared.use() as desk:
            if body.stream:  # the checked answer only: sources and draft tokens are skipped
                events = answer_events(lambda on_token, _: desk.ask(query, on_token))
                first = next(events)  # errors before the first byte are plain error objects
                return EventStream(_chunks(body.model, first, events))
            answer = desk.ask(query)
        return _completion(body.model, answer)

    return routes


def _models(shared: SharedDesk) -> list[str]:
    configured = shared.settings.answer.mode
    return [PREFIX, f"{PREFIX}-extractive"] + ([f"{PREFIX}-llm"] if configured == "llm" else [])


def _collection_of(model: str, header: str | None) -> tuple[str, list[str]]:
    """The model's answer mode, and the collections it or the header names (400 when both
    name different ones)."""
    base, _, in_model = model.partition("/") if model.startswith(PREFIX) else (model, "", "")
    from_header = [n.strip() for n in (header or "").split(",") if n.strip()]
    if in_model and from_header and from_header != [in_model]:
        raise HTTPException(
            400, f"the model names collection '{in_model}' and {COLLECTION_HEADER} names "
            f"{', '.join(from_header)}: name it once",
        )  # fmt: skip
    return base, [in_model] if in_model else from_header


def _mode(shared: SharedDesk, model: str) -> str | None:
    if model == embedding_model(shared):
        raise HTTPException(
            400, f"{model} is the embedding model (POST /v1/embeddings), not a chat model: "
            f"{', '.join(_models(shared))}",
        )  # fmt: skip
    if model not in _models(shared):
        raise HTTPException(404, f"no model '{model}' here: {', '.join(_models(shared))}")
    return None if model == PREFIX else model.removeprefix(f"{PREFIX}-")


def _messages(body: CompletionRequest) -> list[ChatMessage]:
    out = []
    for message in body.messages:
        role = ROLES.get(message.role)
        content = message.content
        if isinstance(content, list):
            content = " ".join(str(p.get("text", "")) for p in content if p.get("type") == "text")
        if role is not None and content:
            out.append(ChatMessage(role=role, content=content))  # type: ignore[arg-type]
    return out  # the core checks that it ends with the user's question


def _completion(model: str, answer: Answer) -> Completion:
    message = {"role": "assistant", "content": with_sources(answer)}
    return Completion(
        id=f"chatcmpl-{uuid.uuid4().hex}",
        created=int(time.time()),
        model=model,
        choices=[CompletionChoice(message=message)],
        newsdesk=answer,
    )


def _chunks(model: str, first: Any, rest: Iterator[Any]) -> Iterator[str]:
    """The verified answer as chunk events: role, the text piece by piece, the Sources,
    then a last chunk with the finish reason and the contract; then [DONE]."""
    head = {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion.chunk",
            "created": int(time.time()), "model": model}  # fmt: skip
    answer = first[1] if first[0] == "answer" else next(a for kind, a in rest if kind == "answer")
    yield _event(head, {"role": "assistant", "content": ""})
    shown = answer.model_copy(update={"answer": with_sources(answer)})
    for piece in shown.pieces():  # cited sentence by cited sentence, then the sources
        yield _event(head, {"content": piece})
    yield _event(head, {}, "stop", answer.model_dump(mode="json"))
    yield "data: [DONE]\n\n"


def _event(head: dict[str, Any], delta: dict[str, str], finish: str | None = None,
           contract: dict[str, Any] | None = None) -> str:  # fmt: skip
    chunk = {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    if contract is not None:
        chunk["newsdesk"] = contract
    return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"
