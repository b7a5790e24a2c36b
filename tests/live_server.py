"""A real uvicorn server on 127.0.0.1 in a background thread, for REST and browser tests.

The socket is bound here (port 0: the kernel picks a free port) and handed to uvicorn,
so there is no window in which another process can take the port.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from rag.desk import Newsdesk
from rag.embedding import Embedder
from services.desk import open_desk
from services.settings import Settings, load_settings
from tests.conftest import ROOT, SAMPLE_DIR, SEED_ID

STARTUP_LIMIT_S = 120  # a bound on waiting, not an assertion about speed


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Run ``app`` until the block ends; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=10)
    server = uvicorn.Server(config)  # a stream left open by a closed page ends the wait
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


def sample_settings(folder: Path, **server: object) -> Settings:
    """Settings for a fresh store in ``folder``; ``server`` overrides the server section."""
    shutil.copy(ROOT / "config.yaml", folder / "config.yaml")
    settings = load_settings(folder / "config.yaml", env={})
    return settings.model_copy(update={"server": settings.server.model_copy(update=server)})


def sample_desk(settings: Settings, embedder: Embedder) -> Newsdesk:
    """A Newsdesk over ``settings`` holding the bundled sample article."""
    from ingest.runner import ingest_paths

    desk = open_desk(settings, embedder)
    report = ingest_paths(desk, [SAMPLE_DIR], show_progress=False)
    assert report.added == [SEED_ID] and not report.failed
    return desk


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def model_server() -> Iterator[int]:
    """llama.cpp's server with the bundled SmolLM2 on 127.0.0.1 (its port), for LLM mode;
    skipped (failed in CI) when the [llm] extra is not installed."""
    try:
        import llama_cpp  # noqa: F401

        from newsdesk.llm_server import model_path, start

        path = model_path("smollm2")
    except ImportError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"the llm extra is missing ({exc}): make test installs it")
        pytest.skip(f"the llm extra is not installed: {exc}")
    port = free_port()
    server = start(path, port, threads=1)
    try:
        yield port
    finally:
        server.terminate()
        server.wait(30)


def llm_settings(
    folder: Path, port: int, min_sufficiency: float = 0.0, **server: object
) -> Settings:
    """``sample_settings`` in LLM mode, against the model server on ``port``. SmolLM2's
    yes/no judgements are weak, so the sufficiency check is off except in the tests of
    that check."""
    settings = sample_settings(folder, **server)
    llm = settings.llm.model_copy(
        update={
            "base_url": f"http://127.0.0.1:{port}/v1",
            "max_tokens": 64,
            "timeout_s": 120,
            "min_sufficiency": min_sufficiency,
        }
    )
    answer = settings.answer.model_copy(update={"mode": "llm"})
    return settings.model_copy(update={"llm": llm, "answer": answer})


def sse_events(response: Any) -> list[tuple[str, Any]]:
    """A server-sent event stream read whole: (event name, its JSON data) per event."""
    events, name = [], ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: "):
            events.append((name, json.loads(line[len("data: ") :])))
    return events
