"""Followed questions: make, list, read and remove them (``/api/follows``), and each
one's Atom feed (``/feeds/follows/{id}.atom``) for any feed reader.

Every route names its collection (``collection``, default: the key's first), checked
against the caller as every REST route is (:mod:`api.auth`): a follow belongs to one
collection, and is found only in it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.auth import Access, caller, reader, writer
from api.schemas import FollowIn
from rag.contract import Follow, FollowedPassage
from services.atom import follow_feed
from services.gate import SharedDesk
from services.keys import Principal

ATOM = "application/atom+xml"


def router(shared: SharedDesk) -> APIRouter:
    """The follow routes over one shared Newsdesk."""
    reading, writing = reader(shared), writer(shared)
    writes = caller(shared, write=True)
    routes = APIRouter(tags=["follows"])

    @routes.post("/api/follows", response_model=Follow, status_code=201,
                 summary="Follow a question: new articles that answer it are recorded")  # fmt: skip
    async def post_follow(body: FollowIn, principal: Principal = Depends(writes)) -> Follow:
        follows, name = shared.follows, principal.writing(body.collection)
        return await run_in_threadpool(follows.add, body.question, name, body.webhook)

    @routes.get("/api/follows", response_model=list[Follow],
                summary="The followed questions of a collection")  # fmt: skip
    def list_follows(access: Access = Depends(reading)) -> list[Follow]:
        return shared.follows.follows(access.collection)

    @routes.get("/api/follows/{follow_id}", response_model=Follow,
                summary="One followed question")  # fmt: skip
    def get_follow(follow_id: str, access: Access = Depends(reading)) -> Follow:
        return shared.follows.get(follow_id, access.collection)

    @routes.get("/api/follows/{follow_id}/passages", response_model=list[FollowedPassage],
                summary="Passages found for a followed question, newest first")  # fmt: skip
    def get_passages(
        follow_id: str,
        access: Access = Depends(reading),
        limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    ) -> list[FollowedPassage]:
        return shared.follows.passages(follow_id, access.collection, limit)

    @routes.delete("/api/follows/{follow_id}", response_model=Follow,
                   summary="Stop following a question (its passages are dropped)")  # fmt: skip
    def delete_follow(follow_id: str, access: Access = Depends(writing)) -> Follow:
        return shared.follows.remove(follow_id, access.collection)

    @routes.get(
        "/feeds/follows/{follow_id}.atom",
        response_class=Response,
        responses={200: {"content": {ATOM: {"schema": {"type": "string"}}}}},
        summary="A followed question's Atom feed: an entry per passage found",
        description="Newest first, at most follows.feed_entries: the quote, the article, "
        "its publisher and date, and a link that opens on the quote.",
    )
    def atom_feed(follow_id: str, request: Request, access: Access = Depends(reading)) -> Response:
        follows, collection = shared.follows, access.collection
        follow = follows.get(follow_id, collection)
        found = follows.passages(follow_id, collection, shared.settings.follows.feed_entries)
        body = follow_feed(follow, found, str(request.url))
        return Response(body, media_type=ATOM)

    return routes
