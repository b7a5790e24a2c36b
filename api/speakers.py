"""Speaker endpoint: who is quoted in the archive, in one article or one publisher's."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.auth import requirement
from rag.contract import SpeakerList, SpeakerTimeline
from services.gate import SharedDesk


def router(shared: SharedDesk) -> APIRouter:
    """``GET /api/speakers`` and ``/api/speakers/{name}`` over one shared Newsdesk."""
    reads = [Depends(requirement(shared.settings.server, write=False))]
    routes = APIRouter(prefix="/api", tags=["speakers"])

    @routes.get(
        "/speakers",
        response_model=SpeakerList,
        dependencies=reads,
        summary="Speakers quoted in the articles, most quoted first",
        description="Attributed quotes (direct and reported speech) per speaker; `doc_id` "
        "or `source` narrows to one article or one publisher. The first call attributes "
        "every article not seen before, later ones read a cache.",
    )
    def list_speakers(
        doc_id: Annotated[str | None, Query(max_length=300)] = None,
        source: Annotated[str | None, Query(max_length=300)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> SpeakerList:
        with shared.use() as desk:
            return desk.speakers(doc_id, source, limit)

    @routes.get(
        "/speakers/{name}",
        response_model=SpeakerTimeline,
        dependencies=reads,
        summary="A speaker over time: every attributed quote by date, with roles and sources",
        description="The name matches as questions do ('Peskov' is 'Dmitry Peskov'). Quotes "
        "oldest first (the newest `limit`; undated last); `weeks` counts quotes per ISO week "
        "and publisher.",
    )
    def speaker_timeline(
        name: str,
        collection: Annotated[str, Query(max_length=24)] = "default",
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    ) -> SpeakerTimeline:
        with shared.use() as desk:
            return desk.speaker_timeline(name, limit, collection)

    return routes
