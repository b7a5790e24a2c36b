"""Newsdesk as an MCP server, for AI assistants that take tools over the Model Context
Protocol: ``newsdesk mcp`` (stdio) and ``/mcp`` of ``newsdesk serve`` (streamable HTTP).

Tools (typed inputs, structured outputs, the same contract types as REST):
``search_news`` (passages with citations), ``ask_news`` (the cited answer),
``check_claim`` (a claim's verdict, or a quote's: exact, altered, misattributed, with the
passages), ``get_article`` (text and metadata), ``list_sources`` (publishers), ``list_collections``,
``speaker_timeline`` (a speaker's quotes by date), ``list_follows`` (followed questions and
what they found); ``ingest_url`` only with ``mcp.allow_ingest``, ``follow_question`` only
with ``mcp.allow_follow``. Built on the official SDK (``mcp`` 2.x: ``MCPServer``).

Each tool takes ``collection`` (or ``collections`` to search several) and checks it
against the caller: over HTTP the key ``KeyGuard`` resolved for the request (carried in the
request's scope to the tool through its Context), over stdio the local user (an admin of
the config's store, as the command line is).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import FastAPI
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Receive, Scope, Send

from rag.contract import (
    Answer,
    Article,
    Citation,
    ClaimCheck,
    ClaimQuery,
    CollectionCount,
    Filters,
    Follow,
    FollowedPassage,
    IngestReport,
    Query,
    SourceCount,
    SpeakerTimeline,
)
from rag.errors import AccessError, AuthError, NewsdeskError
from services.gate import SharedDesk
from services.keys import LOCAL, Principal

T = TypeVar("T")
Question = Annotated[
    str, Field(description="The question, in plain words (query.max_question_chars at most).")
]
Source = Annotated[str | None, Field(description="Only articles of this publisher.")]
Day = Annotated[date | None, Field(description="YYYY-MM-DD.")]
Collection = Annotated[
    str | None, Field(description="The collection (default: the key's first, else 'default').")
]
Collections = Annotated[
    list[str] | None,
    Field(description="The collections to search, one or several (default: the key's first)."),
]
SCOPE_KEY = "newsdesk.principal"  # where KeyGuard leaves the caller for the tools


class Passages(BaseModel):
    """What ``search_news`` returns: the passages, best first, each a citation."""

    passages: list[Citation]


class Sources(BaseModel):
    sources: list[SourceCount]


class CollectionList(BaseModel):
    collections: list[CollectionCount]


def caller_of(ctx: Context) -> Principal:
    """The tool's caller: the one KeyGuard resolved for this HTTP request; the local user
    over stdio (or in process)."""
    try:
        request = ctx.request_context.request
    except ValueError:  # no request: called in process
        request = None
    scope = getattr(request, "scope", None)
    if scope is None:
        return LOCAL
    found = scope.get(SCOPE_KEY)
    if not isinstance(found, Principal):  # an HTTP request that KeyGuard did not see
        raise ToolError("no caller was resolved for this request")
    return found


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
        went wrong (an unknown id, an empty question, a collection beyond the key), as
        REST's 4xx do."""
        try:
            return await anyio.to_thread.run_sync(work)
        except NewsdeskError as exc:
            raise ToolError(str(exc)) from None

    def reading(ctx: Context, names: list[str] | None) -> tuple[str, ...]:
        try:
            return caller_of(ctx).reading(names or ())
        except AccessError as exc:
            raise ToolError(str(exc)) from None

    @server.tool(description="Find passages about a question; each is a citation.")
    async def search_news(
        question: Question,
        ctx: Context,
        source: Source = None,
        published_after: Day = None,
        published_before: Day = None,
        as_of: Annotated[date | None, Field(description="Asked as of this day.")] = None,
        top_k: Annotated[int, Field(description="Passages, 1 to query.max_top_k.")] = 5,
        collections: Collections = None,
    ) -> Passages:
        filters = _filters(source, published_after, published_before)
        query = Query(question=question, top_k=top_k, filters=filters, as_of=as_of,
                      collections=reading(ctx, collections))  # fmt: skip
        with shared.use() as desk:
            found = await run(lambda: desk.search(query))
        return Passages(passages=found)

    @server.tool(description="Answer a question with cited, verbatim passages.")
    async def ask_news(
        question: Question,
        ctx: Context,
        source: Source = None,
        published_after: Day = None,
        published_before: Day = None,
        as_of: Annotated[date | None, Field(description="Asked as of this day.")] = None,
        collections: Collections = None,
    ) -> Answer:
        filters = _filters(source, published_after, published_before)
        query = Query(question=question, filters=filters, as_of=as_of,
                      collections=reading(ctx, collections))  # fmt: skip
        with shared.use() as desk:
            return await run(lambda: desk.ask(query))

    @server.tool(
        description="Check a claim (supported, contradicted, mixed, not_found) or a quote "
        "(exact, altered, misattributed, not_found) against the archive; give `claim`, or "
        "`quote` with its `speaker` if known. The evidence is cited verbatim."
    )
    async def check_claim(
        ctx: Context,
        claim: Annotated[str, Field(description="A claim to check.")] = "",
        quote: Annotated[str, Field(description="Or a quote to check.")] = "",
        speaker: Annotated[str, Field(description="Who the quote is attributed to.")] = "",
        as_of: Annotated[date | None, Field(description="Checked as of this day.")] = None,
        collections: Collections = None,
    ) -> ClaimCheck:
        query = ClaimQuery(claim=claim, quote=quote, speaker=speaker, as_of=as_of,
                           collections=reading(ctx, collections))  # fmt: skip
        with shared.use() as desk:
            return await run(lambda: desk.check_claim(query))

    @server.tool(description="An article's full text and metadata, by its id.")
    async def get_article(
        doc_id: Annotated[str, Field(description="The article id.")],
        ctx: Context,
        collection: Collection = None,
    ) -> Article:
        principal = caller_of(ctx)
        names = reading(ctx, [collection]) if collection else shared.readable(principal)
        with shared.use() as desk:
            return (await run(lambda: desk.get_article(doc_id, names))).public()

    @server.tool(description="The publishers in a collection, with their article counts.")
    async def list_sources(ctx: Context, collection: Collection = None) -> Sources:
        name = reading(ctx, [collection] if collection else None)[0]
        with shared.use() as desk:
            return Sources(sources=await run(lambda: desk.sources(name)))

    @server.tool(description="The collections this caller may search, with their sizes.")
    async def list_collections(ctx: Context) -> CollectionList:
        principal = caller_of(ctx)
        return CollectionList(collections=await run(lambda: shared.collections(principal)))

    @server.tool(description="Every quote attributed to a person, by date, with the roles "
                 "and articles; 'Peskov' matches 'Dmitry Peskov'.")  # fmt: skip
    async def speaker_timeline(
        name: Annotated[str, Field(description="The speaker's name, or surname.")],
        ctx: Context,
        limit: Annotated[int, Field(description="The newest N quotes, 1 to 5000.")] = 100,
        collection: Collection = None,
    ) -> SpeakerTimeline:
        name_of = reading(ctx, [collection] if collection else None)[0]
        with shared.use() as desk:
            return await run(lambda: desk.speaker_timeline(name, max(1, min(limit, 5000)),
                                                           name_of))  # fmt: skip

    @server.tool(description="The followed questions and the newest passages new articles "
                 "gave each of them.")  # fmt: skip
    async def list_follows(
        ctx: Context,
        collection: Collection = None,
        passages: Annotated[int, Field(description="Passages per question, 0 to 50.")] = 5,
    ) -> Follows:
        collection_of = reading(ctx, [collection] if collection else None)[0]

        def listed() -> Follows:
            follows = shared.follows
            n = max(0, min(passages, 50))
            return Follows(follows=[
                Followed(follow=f, passages=follows.passages(f.id, collection_of, n) if n else [])
                for f in follows.follows(collection_of)
            ])  # fmt: skip

        return await run(listed)

    if shared.settings.mcp.allow_follow:

        @server.tool(description="Follow a question: every new article that answers it is "
                     "recorded (see list_follows; an Atom feed; an optional webhook).")  # fmt: skip
        async def follow_question(
            question: Question,
            ctx: Context,
            collection: Collection = None,
            webhook: Annotated[str, Field(description="http(s) URL to POST passages to.")] = "",
        ) -> Follow:
            try:
                name = caller_of(ctx).writing(collection)
            except AccessError as exc:
                raise ToolError(str(exc)) from None
            return await run(lambda: shared.follows.add(question, name, webhook))

    if shared.settings.mcp.allow_ingest:

        @server.tool(description="Fetch a web page by URL and store it as an article.")
        async def ingest_url(
            url: Annotated[str, Field(description="http(s) URL.")],
            ctx: Context,
            collection: Collection = None,
        ) -> IngestReport:
            from ingest.runner import ingest_urls

            principal = caller_of(ctx)
            try:
                name = principal.writing(collection)
            except AccessError as exc:
                raise ToolError(str(exc)) from None
            with shared.use() as desk:
                report = await run(lambda: ingest_urls(desk, [url], name))
            shared.audit.ingested(principal.name, name, report, detail=url)
            return report

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
    """The key rules of REST on the MCP endpoint: the caller is resolved from the request's
    key (401 / 403 as over REST) and left in the scope for the tools, which check it
    against the collections they are asked for. With server.api_key alone and
    ``mcp.allow_ingest`` or ``mcp.allow_follow``, the whole endpoint needs the key, as the
    writes it offers do."""

    def __init__(self, app: ASGIApp, shared: SharedDesk) -> None:
        self.app, self.keys = app, shared.keys
        mcp = shared.settings.mcp
        self.write = (mcp.allow_ingest or mcp.allow_follow) and not shared.keys.named

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
            given = header[7:] if header.lower().startswith("bearer ") else None
            try:
                scope[SCOPE_KEY] = self.keys.principal(given, write=self.write)
            except (AuthError, AccessError) as exc:
                await _refuse(send, 401 if isinstance(exc, AuthError) else 403, str(exc))
                return
        await self.app(scope, receive, send)


async def _refuse(send: Send, status: int, message: str) -> None:
    headers = [(b"content-type", b"application/json")]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": json.dumps({"detail": message}).encode()})
