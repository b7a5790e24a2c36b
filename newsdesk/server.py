"""The serving process: the REST API with the gradio chat UI mounted at ``/``, both over
one shared Newsdesk. ``create_app`` is what ``newsdesk serve`` and the tests use.

``newsdesk serve --workers N`` runs N such processes behind one port (uvicorn's worker
processes; the kernel hands each connection to one of them). Each builds its own desk
(``worker_app``) over the one Chroma server (``store.mode: http``: Chroma's embedded store
belongs to one process), keeps its own caches (``rag.search.claim_slot``) and catches up
with writes made through the others before every read (the store's generation). Only
one process polls the feeds (``server.poll_feeds``): the one holding the feeds lock.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sys
import threading
from pathlib import Path
from typing import IO

from fastapi import FastAPI

from api.app import create_api
from rag.desk import Newsdesk
from rag.errors import ConfigError
from services.desk import open_desk, setup_logging
from services.gate import SharedDesk
from services.settings import ENV_PREFIX, Settings, load_settings

log = logging.getLogger("newsdesk")
LOCAL = ("127.0.0.1", "localhost", "::1")
HEALTHCHECK_S = 60  # a worker that answers no ping for this long is restarted
_held: list[IO[bytes]] = []  # the feeds lock, held for the life of the process


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

    _warn_if_open(host, settings)
    app = _ready_app(desk, settings)
    _announce(host, port)
    uvicorn.run(app, host=host, port=port, log_level=settings.log_level.lower())


def serve_workers(settings: Settings, config: Path, host: str, port: int, workers: int) -> None:
    """``workers`` serving processes on one port, each with its own desk (``worker_app``)
    over the configured Chroma server; uvicorn restarts one that dies."""
    import uvicorn

    if settings.store.mode != "http":
        raise ConfigError(
            f"--workers {workers} needs store.mode: http (a `chroma run` server that the "
            "workers share): Chroma's embedded store (store.mode: local) belongs to one process"
        )
    _warn_if_open(host, settings)
    os.environ[ENV_PREFIX + "CONFIG"] = str(config)  # what each worker loads
    _announce(host, port)
    uvicorn.run(
        "newsdesk.server:worker_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        timeout_worker_healthcheck=HEALTHCHECK_S,
    )


def worker_app() -> FastAPI:
    """The app of one worker process of ``serve --workers N`` (uvicorn calls it in each):
    the settings from ``$NEWSDESK_CONFIG``, its own desk, the model loaded before it
    serves."""
    settings = load_settings()
    setup_logging(settings.log_level)
    return _ready_app(open_desk(settings), settings)


def _warm_up(desk: Newsdesk, failed: list[BaseException]) -> None:
    try:
        desk.warm_up()
    except BaseException as exc:  # raised again on the main thread
        failed.append(exc)


def _ready_app(desk: Newsdesk, settings: Settings) -> FastAPI:
    """The app with the model loaded (the first question should not wait for it; /readyz
    means ready). The model loads while the API and the UI are built: both are mostly
    imports (torch; gradio), which overlap on 2 cores (a serve over a million chunks was
    ready in 32-35 s instead of 40)."""
    failed: list[BaseException] = []
    loading = threading.Thread(target=_warm_up, args=(desk, failed), name="warm-up")
    loading.start()
    try:
        app = create_app(desk, settings)
    finally:
        loading.join()
    if failed:
        raise failed[0]
    if settings.server.poll_feeds and settings.feeds and _feeds_lock(settings):
        follower = app.state.shared.feeds  # questions never wait on it
        threading.Thread(target=follower.run, args=(threading.Event(),), daemon=True).start()
        log.info("polling the configured feeds in process %d", os.getpid())
    return app


def _feeds_lock(settings: Settings) -> bool:
    """Take the store's feeds lock if no other process holds it (one poller per store
    on this machine, however many workers serve it)."""
    folder = settings.store.cache_path
    folder.mkdir(parents=True, exist_ok=True)
    lock = (folder / f"feeds-{settings.store.collection}.lock").open("ab")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        return False
    _held.append(lock)
    return True


def _warn_if_open(host: str, settings: Settings) -> None:
    if host not in LOCAL and not settings.server.api_key:
        log.warning("listening on %s without server.api_key: anyone can change the index", host)


def _announce(host: str, port: int) -> None:
    shown = f"[{host}]" if ":" in host else host
    print(f"Newsdesk: open http://{shown}:{port}/ (REST API: http://{shown}:{port}/docs)",
          file=sys.stderr, flush=True)  # fmt: skip
