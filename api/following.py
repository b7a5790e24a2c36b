"""Followed questions: make, list, read and remove them (``/api/follows``), and each
one's Atom feed (``/feeds/follows/{id}.atom``) for any feed reader.

Every route names its collection (``collection``, default ``default``): a follow belongs
to one, and is found only in it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.auth import requirement
from api.schemas import FollowIn
from rag.contract import Follow, FollowedPassage
from services.atom import follow_feed
from services.gate import SharedDesk

Collection = Annotated[
    str, Query(max_length=24, description="The collection the follow belongs to.")
]
ATOM = "application/atom+xml"


def router(shared: SharedDesk) -> APIRouter:
    """The follow routes over one shared Newsdesk."""
    server = shared.settings.server
    reads = [Depends(requirement(server, write=False))]
    writes = [Depends(requirement(server, write=True))]
    routes = APIRouter(tags=["follows"])

    @routes.post("/api/follows", response_model=Follow, status_code=201, dependencies=writes,
                 summary="Follow a question: new articles that answer it are recorded")  # fmt: skip
    async def post_follow(body: FollowIn) -> Follow:
        follows = shared.follows
        return await run_in_threadpool(follows.add, body.question, body.collection, body.webhook)

    @routes.get("/api/follows", response_model=list[Follow], dependencies=reads,
                summary="The followed questions of a collection")  # fmt: skip
    def list_follows(collection: Collection = "default") -> list[Follow]:
        return shared.follows.follows(collection)

    @routes.get("/api/follows/{follow_id}", response_model=Follow, dependencies=reads,
                summary="One followed question")  # fmt: skip
    def get_follow(follow_id: str, collection: Collection = "default") -> Follow:
        return shared.follows.get(follow_id, collection)

    @routes.get("/api/follows/{follow_id}/passages", response_model=list[FollowedPassage],
                dependencies=reads, summary="Passages found for a followed question, newest "
                "first")  # fmt: skip
    def get_passages(
        follow_id: str,
        collection: Collection = "default",
        limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    ) -> list[FollowedPassage]:
        return shared.follows.passages(follow_id, collection, limit)

    @routes.delete("/api/follows/{follow_id}", response_model=Follow, dependencies=writes,
                   summary="Stop following a question (its passages are dropped)")  # fmt: skip
    def delete_follow(follow_id: str, collection: Collection = "default") -> Follow:
        return shared.follows.remove(follow_id, collection)

    @routes.get(
        "/feeds/follows/{follow_id}.atom",
        dependencies=reads,
        response_class=Response,
        responses={200: {"content": {ATOM: {"schema": {"type": "string"}}}}},
        summary="A followed question's Atom feed: an entry per passage found",
        description="Newest first, at most follows.feed_entries: the quote, the article, "
        "its publisher and date, and a link that opens on the quote.",
    )
    def atom_feed(follow_id: str, request: Request, collection: Collection = "default") -> Response:
        follows = shared.follows
        follow = follows.get(follow_id, collection)
        found = follows.passages(follow_id, collection, shared.settings.follows.feed_entries)
        body = follow_feed(follow, found, str(request.url))
        return Response(body, media_type=ATOM)

    return routes
