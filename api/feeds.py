"""Feed status: ``GET /api/feeds`` (what ``newsdesk feeds`` prints)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool

from api.auth import requirement
from rag.contract import FeedStatus
from services.gate import SharedDesk


def router(shared: SharedDesk) -> APIRouter:
    routes = APIRouter(prefix="/api", tags=["feeds"])
    reads = [Depends(requirement(shared.settings.server, write=False))]

    @routes.get("/feeds", response_model=list[FeedStatus], dependencies=reads,
                summary="Followed feeds: last poll, last error, entries seen")  # fmt: skip
    async def feeds() -> list[FeedStatus]:
        return await run_in_threadpool(lambda: shared.feeds.statuses())

    return routes
