"""Speaker endpoint: who is quoted in the archive, in one article or one publisher's."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.auth import Access, reader
from rag.contract import SpeakerList, SpeakerTimeline
from services.gate import SharedDesk


def router(shared: SharedDesk) -> APIRouter:
    """``GET /api/speakers`` and ``/api/speakers/{name}`` over one shared Newsdesk."""
    reading = reader(shared)
    routes = APIRouter(prefix="/api", tags=["speakers"])

    @routes.get(
        "/speakers",
        response_model=SpeakerList,
        summary="Speakers quoted in the articles, most quoted first",
        description="Attributed quotes (direct and reported speech) per speaker; `doc_id` "
        "or `source` narrows to one article or one publisher, `collection` names the "
        "collection (default: the key's first). The first call attributes every article "
        "not seen before, later ones read a cache.",
    )
    def list_speakers(
        access: Access = Depends(reading),
        doc_id: Annotated[str | None, Query(max_length=300)] = None,
        source: Annotated[str | None, Query(max_length=300)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> SpeakerList:
        with shared.use() as desk:
            return desk.speakers(doc_id, source, limit, access.collection)

    @routes.get(
        "/speakers/{name}",
        response_model=SpeakerTimeline,
        summary="A speaker over time: every attributed quote by date, with roles and sources",
        description="The name matches as questions do ('Peskov' is 'Dmitry Peskov'). Quotes "
        "oldest first (the newest `limit`; undated last); `weeks` counts quotes per ISO week "
        "and publisher; `collection` names the collection (default: the key's first).",
    )
    def speaker_timeline(
        name: str,
        access: Access = Depends(reading),
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    ) -> SpeakerTimeline:
        with shared.use() as desk:
            return desk.speaker_timeline(name, limit, access.collection)

    return routes
