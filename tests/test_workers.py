"""``newsdesk serve --workers N``: several real serving processes on one port over one
``chroma run`` server. An article posted to one worker is found by every worker (each
catches up with the store before it reads); each worker keeps its caches in a folder of
its own; one worker alone polls the feeds; a worker killed is replaced and answers from
its predecessor's cache. The embedded store refuses more than one worker, clearly.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from newsdesk.cli import main
from tests.chroma_server import chroma_server, free_port
from tests.test_feeds_serve import RSS
from tests.web_server import local_site

WAIT = 300.0  # seconds: a bound on a hang, not a measurement
WORKERS = 2


def test_workers_need_a_chroma_server(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config()  # store.mode: local
    assert main(["serve", "--workers", "2", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "--workers 2 needs store.mode: http" in err and "belongs to one process" in err
    assert main(["serve", "--workers", "0", "--config", str(config)]) == 1


def _until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _every_worker(base: str, check: Callable[[httpx.Client], bool], what: str) -> set[int]:
    """Ask on fresh connections until ``check`` held in ``WORKERS`` different processes
    (the kernel hands each connection to one worker); returns their ids."""
    passed: set[int] = set()

    def one() -> bool:
        with httpx.Client(base_url=base, trust_env=False, timeout=60) as client:
            process = int(client.get("/readyz").json()["process"])
            if check(client):
                passed.add(process)
        return len(passed) >= WORKERS

    _until(one, what)
    return passed


@pytest.mark.slow
@pytest.mark.chroma_server
def test_workers_share_one_store(write_config: Callable[..., Path], tmp_path: Path) -> None:
    with chroma_server(tmp_path / "chroma") as chroma, local_site() as site:
        site.page("/feed.xml", RSS.format(base=site.base), content_type="application/rss+xml")
        config = write_config(
            f"store:\n  mode: http\n  port: {chroma}\n  cache_path: {tmp_path / 'cache'}\n"
            "ingest:\n  allow_hosts: ['127.0.0.1']\n"
            "server:\n  poll_feeds: true\n"
            f"feeds:\n  - {{url: '{site.base}/feed.xml', name: Coast Times, interval_min: 60}}\n"
        )
        port = free_port()
        argv = [sys.executable, "-m", "newsdesk", "serve", "--config", str(config),
                "--port", str(port), "--workers", str(WORKERS)]  # fmt: skip
        server = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _check_workers(base, site, tmp_path / "cache")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)


def _check_workers(base: str, site: object, cache: Path) -> None:
    def feed_in(client: httpx.Client) -> bool:
        answer = client.post(
            "/api/ask", json={"question": "When was the Lindesnes lighthouse relit?"}
        )
        cited = answer.json()["citations"]
        return bool(cited) and cited[0]["source"] == "Coast Times"

    workers = _every_worker(base, feed_in, "the polled feed's entry in every worker")
    assert site.hits("/feed.xml") == 1  # type: ignore[attr-defined]  # one poller, not two
    article = {"text": "The Vardø ferry quay was rebuilt with basalt blocks, the port said.",
               "title": "Quay rebuilt", "source": "Finnmark Post", "doc_id": "quay"}  # fmt: skip
    with httpx.Client(base_url=base, trust_env=False, timeout=120) as client:
        assert client.post("/api/articles", json=article).status_code in (200, 201)

    def quay_in(client: httpx.Client) -> bool:
        answer = client.post(
            "/api/ask", json={"question": "What was the Vardø ferry quay rebuilt with?"}
        )
        cited = answer.json()["citations"]
        return bool(cited) and cited[0]["doc_id"] == "quay"

    _every_worker(base, quay_in, "the posted article in every worker")

    def polled(client: httpx.Client) -> bool:
        (status,) = client.get("/api/feeds").json()
        return bool(status["last_poll"]) and status["entries_seen"] == 1

    _every_worker(base, polled, "the poll reported by every worker")
    slots = sorted(p.parent.name for p in cache.glob("*/slot-*/bm25.json"))
    assert slots == [f"slot-{k}" for k in range(WORKERS)]  # a cache folder each
    victim = sorted(workers)[0]
    os.kill(victim, signal.SIGKILL)  # uvicorn starts another in its place

    def replaced(client: httpx.Client) -> bool:
        return quay_in(client) and int(client.get("/readyz").json()["process"]) != victim

    assert victim not in _every_worker(base, replaced, "a replacement for the killed worker")
    assert len(list(cache.glob("*/slot-*/bm25.json"))) == WORKERS  # its slot, taken again
