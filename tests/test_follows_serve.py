"""Following a story end to end: ``newsdesk follow`` (the CLI) makes the follow with a
webhook; a real ``newsdesk serve`` polls a real feed on 127.0.0.1 holding an article that
answers the question and one that does not; the follow's Atom feed (parsed by
feedparser) has one entry, for the answering article, with its quote, title, publisher,
date and link; the webhook receiver on 127.0.0.1 answers 500 first and gets the passage
again on the retry. Articles posted over REST are checked the same way."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import httpx
import pytest

from tests.test_feeds_serve import _free_port, _until
from tests.web_server import local_site

pytestmark = pytest.mark.slow
QUESTION = "What did Peskov say about rare earths?"
QUOTE = "“The Americans need rare earth metals. We have a lot of them,” Peskov said."
CONTENT = "content:encoded xmlns:content='http://purl.org/rss/1.0/modules/content/'"
RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Coast Times</title>
<link>{base}/</link><description>News</description>
<item><title>Kremlin on minerals</title><link>{base}/news/kremlin</link><guid>kremlin</guid>
<pubDate>Tue, 25 Feb 2025 09:00:00 GMT</pubDate><description>Peskov on a deal</description>
<{content}><![CDATA[<p>Kremlin spokesman Dmitry Peskov spoke to reporters in Moscow on
Tuesday about a possible deal.</p><p>{quote}</p><p>The talks are to go on next week,
officials said.</p>]]></content:encoded></item>
<item><title>Lighthouse relit</title><link>{base}/news/lighthouse</link><guid>lighthouse</guid>
<pubDate>Tue, 04 Mar 2025 09:00:00 GMT</pubDate><description>Relit</description>
<{content}><![CDATA[<p>The old lighthouse at Lindesnes was relit on Tuesday after a year
of repairs, the coastal administration said.</p>]]></content:encoded></item>
</channel></rss>"""
UNRELATED = {"title": "Harbour news", "source": "Coast Wire", "published_at": "2025-03-05",
             "body": "“The harbour reopens on Monday,” Ola Strand said."}  # fmt: skip
ANSWERS = {"title": "Peskov again", "source": "Coast Wire", "published_at": "2025-03-06",
           "body": "Dmitry Peskov spoke again on Thursday. “Rare earth metals are a matter for "
           "talks with the Americans,” Peskov said."}  # fmt: skip


def _atom(base: str, follow_id: str) -> Any:
    reply = httpx.get(f"{base}/feeds/follows/{follow_id}.atom", trust_env=False, timeout=30)
    assert reply.status_code == 200 and reply.headers["content-type"].startswith(
        "application/atom+xml"
    )
    parsed = feedparser.parse(reply.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_a_followed_question_gets_an_entry_and_a_webhook_per_new_answer(
    write_config: Callable[..., Path],
) -> None:
    with local_site() as site:
        site.page("/feed.xml", RSS.format(base=site.base, quote=QUOTE, content=CONTENT),
                  content_type="application/rss+xml")  # fmt: skip
        site.post_statuses["/hook"] = [500]
        config = write_config(
            "ingest:\n  allow_hosts: ['127.0.0.1']\n"
            "server:\n  poll_feeds: true\n"
            "follows:\n  webhook_backoff_s: 0.5\n"
            f"feeds:\n  - {{url: '{site.base}/feed.xml', interval_min: 1}}\n"
        )
        cli = [sys.executable, "-m", "newsdesk", "--config", str(config)]
        made = subprocess.run(
            [*cli, "follow", QUESTION, "--webhook", site.base + "/hook", "--json"],
            check=True, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        follow = json.loads(made.stdout)
        port = _free_port()
        server = subprocess.Popen([*cli, "serve", "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            _until(lambda: httpx.get(base + "/readyz", trust_env=False).status_code == 200,
                   "the server")  # fmt: skip
            _until(lambda: httpx.get(base + "/api/feeds", trust_env=False).json()[0]
                   ["entries_seen"] == 2, "the feed's first poll")  # fmt: skip
            _until(lambda: len(site.posts) >= 2, "the webhook's retry")

            (entry,) = _atom(base, follow["id"]).entries  # the lighthouse answers nothing
            assert entry.summary == QUOTE
            assert entry.title == "Kremlin on minerals (Coast Times)"
            assert entry.source.title == "Coast Times" and entry.published.startswith("2025-02-25")
            assert entry.link.startswith(site.base + "/news/kremlin#:~:text=")
            (first, second) = site.posts  # a 500, then delivered on the retry
            assert first[2] == second[2]
            passage = json.loads(second[2])["passage"]
            assert passage["question"] == QUESTION and passage["citation"]["quote"] == QUOTE

            client = httpx.Client(base_url=base, trust_env=False, timeout=120)
            assert client.post("/api/articles", json=UNRELATED).status_code == 201
            assert len(_atom(base, follow["id"]).entries) == 1
            assert client.post("/api/articles", json=ANSWERS).status_code == 201
            newest = _atom(base, follow["id"]).entries[0]
            assert "matter for talks with the Americans" in newest.summary
            listed = client.get("/api/follows").json()
            assert [(f["id"], f["passages"]) for f in listed] == [(follow["id"], 2)]
            _until(lambda: len(site.posts) == 3, "the second webhook")
        finally:
            server.terminate()
            server.wait(30)
