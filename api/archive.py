"""The archive as a whole: its collections, a collection's export, and the audit log.

``GET /api/collections`` lists the collections the key may see (an admin: all of them);
``GET /api/export?collection=C`` is ``newsdesk export``'s gzipped JSON Lines of one
collection (``POST /api/articles`` with that file imports it, same ids); ``GET
/api/audit`` is the audit log, for admin keys.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from api.auth import Access, caller, reader
from rag.contract import CollectionCount
from rag.errors import AccessError
from services.audit import AuditEntry
from services.gate import SharedDesk
from services.keys import Principal
from services.transfer import export_articles

GZIP = "application/gzip"


def router(shared: SharedDesk) -> APIRouter:
    routes = APIRouter(prefix="/api", tags=["collections"])
    who, reading = caller(shared), reader(shared)

    @routes.get(
        "/collections",
        response_model=list[CollectionCount],
        summary="The collections this key may see, with their sizes",
    )
    def collections(principal: Principal = Depends(who)) -> list[CollectionCount]:
        return shared.collections(principal)

    @routes.get(
        "/export",
        summary="Every article of a collection, as `newsdesk export` writes them",
        description="Gzipped JSON Lines (`.jsonl.gz`), one article per line with its id, "
        "metadata and original text; `POST /api/articles` (or `newsdesk import`) reads it "
        "back with the same ids.",
        response_class=FileResponse,
        responses={200: {"content": {GZIP: {}}}},
    )
    async def export(access: Access = Depends(reading)) -> FileResponse:
        folder = Path(tempfile.mkdtemp(prefix="newsdesk-export-"))
        path = folder / f"{access.collection}.jsonl.gz"
        with shared.use() as desk:
            await run_in_threadpool(export_articles, desk, path, access.collection)
        return FileResponse(
            path, media_type=GZIP, filename=path.name,
            background=BackgroundTask(_remove, folder, path),
        )  # fmt: skip

    @routes.get(
        "/audit",
        response_model=list[AuditEntry],
        summary="The audit log: every write, oldest first (admin keys)",
    )
    def audit(
        principal: Principal = Depends(who),
        since: Annotated[str, Query(max_length=40, description="From this ISO date/time.")] = "",
        collection: Annotated[str | None, Query(max_length=100)] = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    ) -> list[AuditEntry]:
        if principal.role != "admin":
            raise AccessError(f"the key '{principal.name}' cannot read the audit log (admin)")
        found = list(shared.audit.entries(since, collection))
        return found[-limit:]

    return routes


def _remove(folder: Path, path: Path) -> None:
    path.unlink(missing_ok=True)
    folder.rmdir()
