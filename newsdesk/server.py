"""The one serving process: the REST API with the gradio chat UI mounted at ``/``, both
over one shared Newsdesk. ``create_app`` is what ``newsdesk serve`` and the tests use."""

from __future__ import annotations

import logging
import sys
import threading

from fastapi import FastAPI

from api.app import create_api
from rag.desk import Newsdesk
from services.gate import SharedDesk
from services.settings import Settings

log = logging.getLogger("newsdesk")
LOCAL = ("127.0.0.1", "localhost", "::1")


def create_app(desk: Newsdesk, settings: Settings, *, ui: bool = True) -> FastAPI:
    """The REST API, and (unless ``ui=False``) the chat UI at ``/``."""
    shared = SharedDesk(desk, settings)
    app = create_api(shared)
    app.state.shared = shared
    if settings.mcp.http:  # before the UI, which takes every path left
        from api.mcp_server import mount_mcp

        mount_mcp(app, shared)
    if ui:
        from ui.layout import mount_ui  # gradio takes seconds to import: only when served

        mount_ui(app, shared)
    return app


def serve(desk: Newsdesk, settings: Settings, host: str, port: int) -> None:
    """Load the model, then serve until stopped (uvicorn)."""
    import uvicorn

    if host not in LOCAL and not settings.server.api_key:
        log.warning("listening on %s without server.api_key: anyone can change the index", host)
    app = create_app(desk, settings)
    desk.warm_up()  # the first question should not wait for the model; /readyz means ready
    if settings.server.poll_feeds and settings.feeds:  # questions never wait on it
        follower = app.state.shared.feeds
        threading.Thread(target=follower.run, args=(threading.Event(),), daemon=True).start()
    shown = f"[{host}]" if ":" in host else host
    print(f"Newsdesk: open http://{shown}:{port}/ (REST API: http://{shown}:{port}/docs)",
          file=sys.stderr, flush=True)  # fmt: skip
    uvicorn.run(app, host=host, port=port, log_level=settings.log_level.lower())
