"""Newsdesk as an MCP server, for AI assistants that take tools over the Model Context
Protocol: ``newsdesk mcp`` (stdio) and ``/mcp`` of ``newsdesk serve`` (streamable HTTP).

Tools (typed inputs, structured outputs, the same contract types as REST):
``search_news`` (passages with citations), ``ask_news`` (the cited answer),
``get_article`` (text and metadata), ``list_sources`` (publishers), ``speaker_timeline``
(a speaker's quotes by date), ``list_follows`` (followed questions and what they found);
``ingest_url`` only with ``mcp.allow_ingest``, ``follow_question`` only with
``mcp.allow_follow``. Built on the official SDK (``mcp`` 2.x: ``MCPServer``).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import FastAPI
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Receive, Scope, Send

from rag.contract import (
    Answer,
    Article,
    Citation,
    Filters,
    Follow,
    FollowedPassage,
    IngestReport,
    Query,
    SourceCount,
    SpeakerTimeline,
)
from rag.errors import NewsdeskError
from services.gate import SharedDesk
from services.keys import allowed, key_needed

T = TypeVar("T")
Question = Annotated[
    str, Field(description="The question, in plain words (query.max_question_chars at most).")
]
Source = Annotated[str | None, Field(description="Only articles of this publisher.")]
Day = Annotated[date | None, Field(description="YYYY-MM-DD.")]
Collection = Annotated[str, Field(description="The collection (default: 'default').")]


class Passages(BaseModel):
    """What ``search_news`` returns: the passages, best first, each a citation."""

    passages: list[Citation]


class Sources(BaseModel):
    sources: list[SourceCount]


class Followed(BaseModel):
    """A followed question with the newest passages found for it."""

    follow: Follow
    passages: list[FollowedPassage]


class Follows(BaseModel):
    follows: list[Followed]


def build_mcp(shared: SharedDesk) -> MCPServer:
    """The MCP server over one shared Newsdesk."""
    server = MCPServer(
        name="newsdesk",
        instructions="Ask questions of a news archive. Every answer is made of verbatim, "
        "cited passages (title, publisher, date, URL). Cite them; never invent sources.",
    )

    async def run(work: Callable[[], T]) -> T:
        """The desk's work in a worker thread; its errors become tool errors that say what
        went wrong (an unknown id, an empty question), as REST's 4xx do."""
        try:
            return await anyio.to_thread.run_sync(work)
        except NewsdeskError as exc:
            raise ToolError(str(exc)) from None

    @server.tool(description="Find passages about a question; each is a citation.")
    async def search_news(
        question: Question,
        source: Source = None,
        published_after: Day = None,
        published_before: Day = None,
        as_of: Annotated[date | None, Field(description="Asked as of this day.")] = None,
        top_k: Annotated[int, Field(description="Passages, 1 to query.max_top_k.")] = 5,
    ) -> Passages:
        filters = _filters(source, published_after, published_before)
        query = Query(question=question, top_k=top_k, filters=filters, as_of=as_of)
        with shared.use() as desk:
            found = await run(lambda: desk.search(query))
        return Passages(passages=found)

    @server.tool(description="Answer a question with cited, verbatim passages.")
    async def ask_news(
        question: Question,
        source: Source = None,
        published_after: Day = None,
        published_before: Day = None,
        as_of: Annotated[date | None, Field(description="Asked as of this day.")] = None,
    ) -> Answer:
        filters = _filters(source, published_after, published_before)
        query = Query(question=question, filters=filters, as_of=as_of)
        with shared.use() as desk:
            return await run(lambda: desk.ask(query))

    @server.tool(description="An article's full text and metadata, by its id.")
    async def get_article(doc_id: Annotated[str, Field(description="The article id.")]) -> Article:
        with shared.use() as desk:
            return (await run(lambda: desk.get_article(doc_id))).public()

    @server.tool(description="The publishers in the archive, with their article counts.")
    async def list_sources() -> Sources:
        with shared.use() as desk:
            return Sources(sources=await run(desk.sources))

    @server.tool(description="Every quote attributed to a person, by date, with the roles "
                 "and articles; 'Peskov' matches 'Dmitry Peskov'.")  # fmt: skip
    async def speaker_timeline(
        name: Annotated[str, Field(description="The speaker's name, or surname.")],
        limit: Annotated[int, Field(description="The newest N quotes, 1 to 5000.")] = 100,
        collection: Collection = "default",
    ) -> SpeakerTimeline:
        with shared.use() as desk:
            return await run(lambda: desk.speaker_timeline(name, max(1, min(limit, 5000)),
                                                           collection))  # fmt: skip

    @server.tool(description="The followed questions and the newest passages new articles "
                 "gave each of them.")  # fmt: skip
    async def list_follows(
        collection: Collection = "default",
        passages: Annotated[int, Field(description="Passages per question, 0 to 50.")] = 5,
    ) -> Follows:
        def listed() -> Follows:
            follows = shared.follows
            n = max(0, min(passages, 50))
            return Follows(follows=[
                Followed(follow=f, passages=follows.passages(f.id, collection, n) if n else [])
                for f in follows.follows(collection)
            ])  # fmt: skip

        return await run(listed)

    if shared.settings.mcp.allow_follow:

        @server.tool(description="Follow a question: every new article that answers it is "
                     "recorded (see list_follows; an Atom feed; an optional webhook).")  # fmt: skip
        async def follow_question(
            question: Question,
            collection: Collection = "default",
            webhook: Annotated[str, Field(description="http(s) URL to POST passages to.")] = "",
        ) -> Follow:
            return await run(lambda: shared.follows.add(question, collection, webhook))

    if shared.settings.mcp.allow_ingest:

        @server.tool(description="Fetch a web page by URL and store it as an article.")
        async def ingest_url(
            url: Annotated[str, Field(description="http(s) URL.")],
        ) -> IngestReport:
            from ingest.runner import ingest_urls

            with shared.use() as desk:
                return await run(lambda: ingest_urls(desk, [url]))

    return server


def _filters(source: str | None, after: date | None, before: date | None) -> Filters:
    return Filters(source=source, published_after=after, published_before=before)


def mount_mcp(app: FastAPI, shared: SharedDesk) -> None:
    """Serve the tools at ``/mcp`` (streamable HTTP, stateless, JSON responses), behind the
    REST API's key rules; the session manager runs with the app."""
    server = build_mcp(shared)
    mcp_app = server.streamable_http_app(
        streamable_http_path="/mcp", stateless_http=True, json_response=True
    )
    for route in mcp_app.routes:
        guarded = KeyGuard(route.app, shared) if hasattr(route, "app") else None  # type: ignore[attr-defined]
        if guarded is not None:
            route.app = guarded  # type: ignore[attr-defined]
        app.router.routes.insert(0, route)
    outer = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(main: FastAPI) -> AsyncIterator[Any]:
        async with server.session_manager.run(), outer(main) as state:
            yield state

    app.router.lifespan_context = lifespan


class KeyGuard:
    """The API key rules of REST reads (writes, with ``ingest_url`` or ``follow_question``)
    on the MCP endpoint."""

    def __init__(self, app: ASGIApp, shared: SharedDesk) -> None:
        self.app, self.server = app, shared.settings.server
        mcp = shared.settings.mcp
        self.write = mcp.allow_ingest or mcp.allow_follow

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and key_needed(self.server, write=self.write):
            header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
            given = header[7:] if header.lower().startswith("bearer ") else None
            if not allowed(self.server, given, write=self.write):
                status = 401 if given is None else 403
                body = json.dumps({"detail": "an API key is needed" if given is None
                                   else "wrong API key"}).encode()  # fmt: skip
                await send({"type": "http.response.start", "status": status,
                            "headers": [(b"content-type", b"application/json")]})  # fmt: skip
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
