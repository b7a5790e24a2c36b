"""Feed status: ``GET /api/feeds`` (what ``newsdesk feeds`` prints)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool

from api.auth import caller
from rag.contract import FeedStatus
from services.gate import SharedDesk
from services.keys import Principal


def router(shared: SharedDesk) -> APIRouter:
    routes = APIRouter(prefix="/api", tags=["feeds"])
    who = caller(shared)

    @routes.get("/feeds", response_model=list[FeedStatus],
                summary="Followed feeds: last poll, last error, entries seen",
                description="Only the feeds of collections the key may read.")  # fmt: skip
    async def feeds(principal: Principal = Depends(who)) -> list[FeedStatus]:
        statuses = await run_in_threadpool(lambda: shared.feeds.statuses())
        return [s for s in statuses if principal.can_read(s.collection)]

    return routes
