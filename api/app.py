"""The one process: REST endpoints and the gradio chat UI over one shared Newsdesk.

``create_app`` is the factory ``newsdesk serve`` and the tests use; the Newsdesk itself
is built once by ``rag.factory.build``.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from api import articles, errors, questions
from api.limits import BodyLimit
from api.schemas import Health, Ready
from api.shared import SharedDesk
from rag.config import Settings
from rag.pipeline import Newsdesk

DESCRIPTION = (
    "Ask questions of the news and get answers made of cited, verbatim passages. "
    'Errors are `{"detail": ...}`. With `server.api_key` set, writes (and with '
    "`server.protect_reads`, reads) need `Authorization: Bearer KEY`."
)


def create_app(desk: Newsdesk, settings: Settings | None = None, *, ui: bool = True) -> FastAPI:
    """The FastAPI app; ``settings`` (server section: host, key, limits) default to the
    desk's; ``ui=False`` leaves out gradio."""
    shared = SharedDesk(desk, settings)
    app = FastAPI(title="Newsdesk", version="0.1.0", description=DESCRIPTION)
    errors.install(app)
    limit = int(shared.settings.server.max_upload_mb * 1024 * 1024)
    app.add_middleware(BodyLimit, limit=limit)
    app.include_router(_probes(shared))
    app.include_router(questions.router(shared))
    app.include_router(articles.router(shared))
    if ui:
        from ui.app import mount_ui  # gradio takes seconds to import: only when served

        mount_ui(app, shared)
    return app


def _probes(shared: SharedDesk) -> APIRouter:
    routes = APIRouter(tags=["probes"])

    @routes.get("/healthz", response_model=Health, summary="Liveness: the process answers")
    def healthz() -> Health:
        return Health()

    @routes.get("/readyz", response_model=Ready, summary="Readiness: model loaded, store up")
    def readyz() -> Ready:
        with shared.use() as desk:
            state = desk.ready()
        return Ready.model_validate(state)

    return routes
