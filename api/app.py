"""The REST API: routers, error handlers and the body limit over one shared Newsdesk.

``create_api`` builds the FastAPI app without any UI; ``newsdesk.server.create_app``
mounts the gradio UI on it, so neither ``api`` nor ``ui`` imports the other.
"""

from __future__ import annotations

import os

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api import (
    archive,
    articles,
    asking,
    chat_completions,
    claims,
    docs,
    embeddings,
    feeds,
    following,
    http_errors,
    openapi,
    speakers,
    votes,
)
from api.limits import BodyLimit
from api.methods import MethodGuard
from api.schemas import Health, Ready
from services.gate import SharedDesk

DESCRIPTION = (
    "Ask questions of the news and get answers made of cited, verbatim passages. "
    'Errors are `{"detail": ...}`. Every article belongs to one collection; requests name '
    "it (`collection` in bodies and query parameters; default: the key's first collection, "
    "else `default`). With `server.keys_file`, every request needs `Authorization: Bearer "
    "KEY` with a named key: 401 without one or with an unknown or revoked key, 403 for a "
    "collection the key does not name or a write with a read key. With `server.api_key` "
    "alone, writes (and with `server.protect_reads`, reads) need that key: 401 without it, "
    "403 with a wrong one. Article origins never show server paths."
)


def create_api(shared: SharedDesk) -> FastAPI:
    """The FastAPI app (REST only) over one shared Newsdesk."""
    server = shared.settings.server
    app = FastAPI(
        title="Newsdesk", version="0.1.0", description=DESCRIPTION, docs_url=None, redoc_url=None
    )
    docs.install(app)  # /docs with its assets served here, not from a CDN (no ReDoc)
    http_errors.install(app)
    openapi.install(app)
    app.add_middleware(BodyLimit, limit=server.max_upload_bytes)
    app.add_middleware(MethodGuard, api=app)
    if server.cors_origins:  # closed unless configured: no browser page of another origin
        app.add_middleware(
            CORSMiddleware,
            allow_origins=server.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.include_router(_probes(shared))
    app.include_router(asking.router(shared))
    app.include_router(articles.router(shared))
    app.include_router(archive.router(shared))
    app.include_router(speakers.router(shared))
    app.include_router(claims.router(shared))
    app.include_router(feeds.router(shared))
    app.include_router(following.router(shared))
    app.include_router(votes.router(shared))
    app.include_router(chat_completions.router(shared))
    app.include_router(embeddings.router(shared))
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
        return Ready.model_validate({**state, "process": os.getpid()})

    return routes
