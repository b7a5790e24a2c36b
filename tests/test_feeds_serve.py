"""``newsdesk serve`` with ``server.poll_feeds``: a real server process follows a feed
served on 127.0.0.1 in the background, and its entry can be asked about; /api/feeds
reports the poll."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.web_server import local_site

pytestmark = pytest.mark.slow
WAIT = 180.0  # seconds: a bound on a hang, not a measurement
RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Coast Times</title>
<link>{base}/</link><description>News</description><item><title>Lighthouse relit</title>
<link>{base}/news/lighthouse</link><guid>lighthouse</guid>
<pubDate>Tue, 04 Mar 2025 09:00:00 GMT</pubDate><description><![CDATA[<p>The old
lighthouse at Lindesnes was relit on Tuesday after a year of repairs, the coastal
administration said.</p>]]></description>
<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[<p>The
old lighthouse at Lindesnes was relit on Tuesday after a year of repairs, the coastal
administration said. Its lamp can be seen 19 nautical miles out to sea.</p>]]></content:encoded>
</item></channel></rss>"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_serve_polls_its_feeds_in_the_background(write_config: Callable[..., Path]) -> None:
    with local_site() as site:
        site.page("/feed.xml", RSS.format(base=site.base), content_type="application/rss+xml")
        feed = site.base + "/feed.xml"
        config = write_config(
            "ingest:\n  allow_hosts: ['127.0.0.1']\n"
            "server:\n  poll_feeds: true\n"
            f"feeds:\n  - {{url: '{feed}', name: Coast Times, interval_min: 1}}\n"
        )
        port = _free_port()
        argv = [sys.executable, "-m", "newsdesk", "serve", "--config", str(config),
                "--port", str(port)]  # fmt: skip
        server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            _until(lambda: httpx.get(base + "/readyz", trust_env=False).status_code == 200,
                   "the server")  # fmt: skip

            def polled() -> bool:
                statuses = httpx.get(base + "/api/feeds", trust_env=False).json()
                return bool(statuses) and statuses[0]["entries_seen"] == 1

            _until(polled, "the feed's first poll")
            (status,) = httpx.get(base + "/api/feeds", trust_env=False).json()
            assert status["url"] == feed and status["name"] == "Coast Times"
            assert not status["last_error"] and status["last_poll"]
            body = {"question": "When was the Lindesnes lighthouse relit?"}
            answer = httpx.post(base + "/api/ask", json=body, trust_env=False, timeout=60).json()
            assert answer["found"] and answer["citations"][0]["source"] == "Coast Times"
            assert "relit on Tuesday" in answer["citations"][0]["quote"]
        finally:
            server.terminate()
            server.wait(30)
