"""Following, speakers over time and feedback over REST and the CLI: a real server on
127.0.0.1 over the sample store (the real model and Chroma), one open and one keyed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import httpx
import pytest

from newsdesk.cli import main as cli
from newsdesk.server import create_app
from rag.embedding import Embedder
from services.settings import Settings
from tests.conftest import SEED_ID
from tests.live_server import sample_desk, sample_settings, serve

pytestmark = pytest.mark.slow
KEY = "k3y"
QUESTION = "What did Jonas Berg say about fishing quotas?"
ARTICLE = {"doc_id": "berg-1", "title": "Ministers meet", "source": "Test Wire",
           "published_at": "2025-03-03", "url": "https://wire.example/berg",
           "body": "The ministers met in Oslo on Friday. “We agreed on fishing quotas,” "
           "Jonas Berg said."}  # fmt: skip


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> Iterator[tuple[httpx.Client, Settings]]:
    settings = sample_settings(tmp_path_factory.mktemp("following-api"))
    app = create_app(sample_desk(settings, embedder), settings, ui=False)
    with serve(app) as url, httpx.Client(base_url=url, trust_env=False, timeout=120) as client:
        yield client, settings


def test_a_speaker_over_time(served: tuple[httpx.Client, Settings]) -> None:
    client, _ = served
    timeline = client.get("/api/speakers/Peskov").json()
    assert timeline["speakers"] == ["Dmitry Peskov"] and timeline["total"] == 3
    article = client.get(f"/api/articles/{SEED_ID}").json()
    for q in timeline["quotes"]:
        assert article["text"][q["start"] : q["end"]] == q["quote"]
        assert q["published_at"] == "2025-02-25" and q["source"] == "Breitbart News"
        assert q["roles"] == ["Putin’s top spokesman"]
    assert timeline["weeks"] == [{"week": "2025-W09", "monday": "2025-02-24",
                                  "source": "Breitbart News", "quotes": 3}]  # fmt: skip
    assert client.get("/api/speakers/Angela Merkel").json()["total"] == 0
    assert client.get("/api/speakers/Peskov?collection=nope").status_code == 404
    assert client.get("/api/speakers/Peskov?limit=0").status_code == 422


def test_speaker_on_the_command_line(
    served: tuple[httpx.Client, Settings], capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(served[1].store.cache_path.parents[1] / "config.yaml")
    assert cli(["speaker", "Peskov", "--config", config]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("Dmitry Peskov: 3 quotes")
    assert "2025-02-25  Breitbart News  Dmitry Peskov (Putin’s top spokesman)" in shown
    assert "The Americans need rare earth metals" in shown
    assert "2025-W09  Breitbart News  3" in shown


def test_a_follow_over_rest(served: tuple[httpx.Client, Settings]) -> None:
    client, _ = served
    made = client.post("/api/follows", json={"question": QUESTION})
    assert made.status_code == 201, made.text
    follow = made.json()
    assert follow["feed"] == f"/feeds/follows/{follow['id']}.atom" and follow["passages"] == 0
    refused = client.post("/api/follows", json={"question": QUESTION,
                                                "webhook": "http://127.0.0.1:9/x"})  # fmt: skip
    assert refused.status_code == 422 and "loopback" in refused.json()["detail"]
    assert client.post("/api/follows", json={"question": " "}).status_code == 422

    assert client.post("/api/articles", json=ARTICLE).status_code == 201
    (passage,) = client.get(f"/api/follows/{follow['id']}/passages").json()
    assert passage["citation"]["quote"] == "“We agreed on fishing quotas,” Jonas Berg said."
    feed = feedparser.parse(client.get(follow["feed"]).content)
    (entry,) = feed.entries
    assert entry.title == "Ministers meet (Test Wire)" and entry.link.startswith(ARTICLE["url"])
    assert client.get(follow["feed"] + "?collection=other").status_code == 404
    assert client.get("/api/follows").json()[0]["passages"] == 1
    assert client.delete(f"/api/follows/{follow['id']}").status_code == 200
    assert client.get(f"/api/follows/{follow['id']}").status_code == 404


def test_feedback_over_rest(served: tuple[httpx.Client, Settings]) -> None:
    client, settings = served
    answer = client.post("/api/ask", json={"question": "What did Peskov say?"}).json()
    vote = {"answer_id": answer["id"], "vote": "down", "reason": "wrong_speaker"}
    given = client.post("/api/feedback", json=vote)
    assert given.status_code == 201, given.text
    assert given.json()["answer"]["citations"] == answer["citations"]
    sent = client.post("/api/feedback", json={"answer": answer, "vote": "up"})
    assert sent.status_code == 201 and sent.json()["answer_id"] == answer["id"]
    unknown = client.post("/api/feedback", json={**vote, "answer_id": "0" * 16})
    assert unknown.status_code == 404 and "send the answer itself" in unknown.json()["detail"]
    assert client.post("/api/feedback", json={**vote, "reason": "rude"}).status_code == 422
    up = client.post("/api/feedback", json={**vote, "vote": "up"})
    assert up.status_code == 422 and "goes with a down vote" in up.json()["detail"]
    lines = (settings.store.cache_path / "feedback.jsonl").read_text().splitlines()
    records: list[dict[str, Any]] = [json.loads(line) for line in lines]
    assert [r["vote"] for r in records] == ["down", "up"]
    assert all(r["answer"]["question"] == "What did Peskov say?" for r in records)


def test_writes_need_the_key(tmp_path: Path, embedder: Embedder) -> None:
    settings = sample_settings(tmp_path, api_key=KEY)
    with (
        serve(create_app(sample_desk(settings, embedder), settings, ui=False)) as url,
        httpx.Client(base_url=url, trust_env=False, timeout=120) as client,
    ):
        body = {"question": QUESTION}
        assert client.post("/api/follows", json=body).status_code == 401
        bearer = {"Authorization": f"Bearer {KEY}"}
        follow = client.post("/api/follows", json=body, headers=bearer).json()
        assert client.get(follow["feed"]).status_code == 200  # reads stay open
        assert client.delete(f"/api/follows/{follow['id']}").status_code == 401
        vote = {"answer_id": "x", "vote": "up"}
        assert client.post("/api/feedback", json=vote).status_code == 401
