"""The REST API against real uvicorn servers on 127.0.0.1, the real model and Chroma.

One open server (UI mounted, as ``newsdesk serve`` runs it) and one with an API key and
a small body limit; both are started once for the module.
"""

from __future__ import annotations

import gzip
import json
import socket
from collections.abc import Iterator
from typing import Any, cast

import httpx
import pytest

from newsdesk.server import create_app
from rag.contract import Answer
from rag.desk import Newsdesk
from rag.embedding import Embedder
from services.desk import open_desk
from services.settings import load_settings
from tests.conftest import ROOT, SEED, SEED_ID
from tests.live_server import sample_desk, sample_settings, serve, sse_events

pytestmark = pytest.mark.slow  # the real model and Chroma

PESKOV_1 = "The Americans need rare earth metals. We have a lot of them"
PESKOV_2 = "quite broad prospects for cooperation here"
PUTIN = "We would work with pleasure"
KEY = "s3cret-key"
ARTICLE = {
    "doc_id": "api-test-1",
    "title": "Ministers meet",
    "body": "The ministers met in Oslo on Friday. “We agreed on fishing quotas,” Jonas Berg said.",
    "source": "Test Wire",
    "published_at": "2025-03-03",
    "authors": ["Kari Nord"],
}


def _client(url: str) -> httpx.Client:
    """A client that never goes through a proxy: every request stays on 127.0.0.1."""
    return httpx.Client(base_url=url, trust_env=False, timeout=120)


@pytest.fixture(scope="module")
def open_api(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> Iterator[httpx.Client]:
    settings = sample_settings(tmp_path_factory.mktemp("api-open"))
    app = create_app(sample_desk(settings, embedder), settings)
    with serve(app) as url, _client(url) as client:
        yield client


@pytest.fixture(scope="module")
def keyed_api(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> Iterator[httpx.Client]:
    folder = tmp_path_factory.mktemp("api-keyed")
    settings = sample_settings(folder, api_key=KEY, max_upload_mb=0.01)
    app = create_app(sample_desk(settings, embedder), settings, ui=False)
    with serve(app) as url, _client(url) as client:
        yield client


def _ask(client: httpx.Client, question: str, **extra: Any) -> dict[str, Any]:
    response = client.post("/api/ask", json={"question": question, **extra})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def _chat(client: httpx.Client, *questions: str) -> dict[str, Any]:
    messages: list[dict[str, str]] = []
    for question in questions:
        messages += [{"role": "user", "content": question}, {"role": "assistant", "content": "…"}]
    response = client.post("/api/chat", json={"messages": messages[:-1]})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def test_ask_quotes_are_verbatim_spans_of_the_stored_article(open_api: httpx.Client) -> None:
    # As the curl: a raw JSON body with a content-type header.
    body = b'{"question":"What did Peskov say?"}'
    response = open_api.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"question", "answer", "citations", "mode", "timings_ms", "found",
                         "statements", "verification", "notice", "window", "id"}  # fmt: skip
    assert data["found"] is True
    stored = open_api.get(f"/api/articles/{SEED_ID}").json()["text"]
    assert stored == SEED.read_text(encoding="utf-8")
    quotes = [c["quote"] for c in data["citations"]]
    assert any(PESKOV_1 in q for q in quotes) and any(PESKOV_2 in q for q in quotes)
    for c in data["citations"]:
        assert stored[c["start"] : c["end"]] == c["quote"]
        assert c["source"] == "Breitbart News" and c["published_at"] == "2025-02-25"


def test_ask_filters_and_top_k(open_api: httpx.Client) -> None:
    question = "What did Peskov say?"
    assert _ask(open_api, question, filters={"source": "Breitbart News"})["citations"]
    assert not _ask(open_api, question, filters={"source": "Nobody Daily"})["citations"]
    early = _ask(open_api, question, filters={"published_before": "2025-01-01"})
    assert not early["citations"]
    assert _ask(open_api, question, top_k=1, filters={"published_after": "2025-02-25"})["answer"]


def test_chat_follow_up_keeps_the_speaker_and_gives_the_date(open_api: httpx.Client) -> None:
    data = _chat(open_api, "What did Peskov say?", "When did he say that?")
    assert data["question"] == "What did Peskov say?"
    assert "2025-02-25" in data["answer"]
    quotes = [c["quote"] for c in data["citations"]]
    assert any(PESKOV_1 in q for q in quotes)
    assert all(c["published_at"] == "2025-02-25" for c in data["citations"])


def test_chat_follow_up_replaces_the_speaker(open_api: httpx.Client) -> None:
    data = _chat(open_api, "What did Peskov say?", "And what did Putin say?")
    assert data["question"] == "What did Putin say?"
    quotes = [c["quote"] for c in data["citations"]]
    assert any(PUTIN in q for q in quotes)
    assert not any(PESKOV_1 in q for q in quotes)


def test_stream_sends_sentences_then_the_contract(open_api: httpx.Client) -> None:
    question = {"question": "What did Peskov say?"}
    with open_api.stream("POST", "/api/ask/stream", json=question) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = sse_events(response)
    names = [name for name, _ in events]
    assert names[0] == "sources" and names[-1] == "citations"  # the cards come first
    assert set(names[1:-1]) == {"answer"} and len(names) >= 5
    final = events[-1][1]
    assert events[0][1] == final["citations"]  # extractive: the sources are what it cites
    assert "".join(data["text"] for _, data in events[1:-1]) == final["answer"]
    assert [d["text"] for _, d in events[1:-1]] == Answer.model_validate(final).pieces()
    assert final["citations"] == _ask(open_api, "What did Peskov say?")["citations"]


def test_chat_stream(open_api: httpx.Client) -> None:
    messages = [{"role": "user", "content": "What did Peskov say?"}]
    with open_api.stream("POST", "/api/chat/stream", json={"messages": messages}) as response:
        events = sse_events(response)
    assert events[-1][0] == "citations" and events[-1][1]["citations"]


def test_as_of_prefers_the_articles_of_the_days_before(open_api: httpx.Client) -> None:
    body = "The city council approved a new budget for the harbour on {}."
    days = {"asof-old": ("2020-01-01", "Monday"), "asof-new": ("2024-06-01", "Tuesday")}
    for doc_id, (day, weekday) in days.items():
        article = {"doc_id": doc_id, "body": body.format(weekday), "published_at": day}
        assert open_api.post("/api/articles", json=article).status_code == 201
    try:
        question = "What did the city council approve for the harbour?"
        for doc_id, as_of in (("asof-new", "2024-06-03"), ("asof-old", "2020-01-03")):
            answer = _ask(open_api, question, as_of=as_of)
            assert answer["citations"][0]["doc_id"] == doc_id, (as_of, answer)
        bad = open_api.post("/api/ask", json={"question": question, "as_of": "yesterday"})
        assert bad.status_code == 422 and "as_of" in bad.text
    finally:
        for doc_id in days:
            open_api.delete(f"/api/articles/{doc_id}")


def test_ingest_list_get_delete(open_api: httpx.Client) -> None:
    created = open_api.post("/api/articles", json=ARTICLE)
    assert created.status_code == 201 and created.json()["added"] == ["api-test-1"]
    again = open_api.post("/api/articles", json=ARTICLE)
    assert again.status_code == 200 and again.json()["unchanged"] == ["api-test-1"]
    page = open_api.get("/api/articles", params={"limit": 1, "offset": 0}).json()
    assert page["total"] == 2 and len(page["articles"]) == 1
    listed = open_api.get("/api/articles").json()["articles"]
    assert {a["doc_id"] for a in listed} == {SEED_ID, "api-test-1"}
    article = open_api.get("/api/articles/api-test-1").json()
    assert article["text"] == ARTICLE["body"] and article["authors"] == ["Kari Nord"]
    answer = _ask(open_api, "What did Jonas Berg say?")
    assert answer["citations"][0]["doc_id"] == "api-test-1"
    assert open_api.delete("/api/articles/api-test-1").json() == {"deleted": "api-test-1"}
    assert open_api.get("/api/articles/api-test-1").status_code == 404
    assert open_api.delete("/api/articles/api-test-1").status_code == 404


def test_upload_goes_through_the_file_loaders(open_api: httpx.Client) -> None:
    lines = [json.dumps({**ARTICLE, "doc_id": "up-1"}), '{"title": "no body"}']
    feed = gzip.compress("\n".join(lines).encode())
    response = open_api.post("/api/articles", files={"file": ("feed.jsonl.gz", feed)})
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["added"] == ["up-1"]
    assert report["failed"][0]["origin"] == "upload/feed.jsonl.gz:2"
    assert "no article text" in report["failed"][0]["message"]
    markdown = b"---\ntitle: Notes\nsource: Blog\n---\nA short note about quotas in Oslo.\n"
    note = open_api.post("/api/articles", files={"file": ("note.md", markdown)})
    assert note.status_code == 201
    doc_id = note.json()["added"][0]
    assert open_api.get(f"/api/articles/{doc_id}").json()["origin"] == "upload/note.md"
    for doc in ("up-1", doc_id):
        assert open_api.delete(f"/api/articles/{doc}").status_code == 200


BAD_REQUESTS = [
    ("post", "/api/ask", {"json": {"question": "   "}}, 422, "question is empty"),
    ("post", "/api/ask", {"json": {"question": "why " * 600}}, 422, "the limit is 2000"),
    ("post", "/api/ask", {"json": {}}, 422, "question: Field required"),
    ("post", "/api/ask", {"json": {"question": "x", "topk": 3}}, 422, "topk"),
    ("post", "/api/ask", {"json": {"question": 7}}, 422, "question"),
    ("post", "/api/ask", {"json": {"question": "x", "top_k": 0}}, 422, "top_k"),
    ("post", "/api/ask", {"json": {"question": "x", "filters": {"published_after": "2025-13-01"}}},
     422, "filters.published_after"),
    ("post", "/api/ask", {"content": b'{"question": "x', "headers": {"content-type":
     "application/json"}}, 400, "not valid JSON"),
    ("post", "/api/ask", {"content": b"question=x"}, 422, ""),
    ("post", "/api/chat", {"json": {"messages": []}}, 422, "messages"),
    ("post", "/api/chat", {"json": {"messages": [{"role": "assistant", "content": "hi"}]}},
     422, "must end with the user's question"),
    ("post", "/api/chat", {"json": {"messages": [{"role": "bot", "content": "hi"}]}}, 422, "role"),
    ("post", "/api/articles", {"json": {"title": "no text"}}, 422, "no article text"),
    ("post", "/api/articles", {"json": [ARTICLE]}, 422, "expected one article"),
    ("post", "/api/articles", {"json": {**ARTICLE, "published_at": "someday"}}, 422, "bad date"),
    ("post", "/api/articles", {"content": b"{", "headers": {"content-type": "application/json"}},
     400, "not valid JSON"),
    ("post", "/api/articles", {"content": b"hello", "headers": {"content-type": "text/plain"}},
     415, "multipart"),
    ("post", "/api/articles", {"files": {"file": ("a.pdf", b"%PDF-1.4")}}, 422, "a.pdf"),
    ("post", "/api/articles", {"files": {"file": ("a.txt", b"")}}, 422, "empty"),
    ("post", "/api/articles", {"json": {"title": "...", "body": "..."}}, 422, "has no words"),
    ("post", "/api/articles", {"files": {"other": ("a.txt", b"text")}}, 422, "'file'"),
    ("get", "/api/articles", {"params": {"limit": 0}}, 422, "limit"),
    ("get", "/api/articles/no-such-id", {}, 404, "no article with id 'no-such-id'"),
    ("delete", "/api/articles/no-such-id", {}, 404, "no article"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "says"), BAD_REQUESTS)
def test_bad_requests_get_a_4xx_with_detail(
    open_api: httpx.Client, method: str, path: str, kwargs: dict[str, Any], status: int, says: str
) -> None:
    response = open_api.request(method.upper(), path, **kwargs)
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"detail"} and isinstance(body["detail"], str)
    assert says in body["detail"]


def test_write_endpoints_need_the_key(
    keyed_api: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    bearer = {"Authorization": f"Bearer {KEY}"}
    refusals = [
        ({}, 401, "an API key is needed"),
        ({"Authorization": KEY}, 401, "an API key is needed"),  # not a Bearer credential
        ({"Authorization": "Bearer wrong-key-123"}, 403, "wrong API key"),
    ]
    for headers, status, says in refusals:
        refused = keyed_api.post("/api/articles", json=ARTICLE, headers=headers)
        assert refused.status_code == status and refused.json() == {"detail": says}
        deleted = keyed_api.delete(f"/api/articles/{SEED_ID}", headers=headers)
        assert deleted.status_code == status
        if status == 401:
            assert refused.headers["www-authenticate"] == "Bearer"
    assert keyed_api.post("/api/articles", json=ARTICLE, headers=bearer).status_code == 201
    assert keyed_api.delete("/api/articles/api-test-1", headers=bearer).status_code == 200
    # Reads stay open unless server.protect_reads is set.
    assert keyed_api.get("/api/articles").status_code == 200
    assert _ask(keyed_api, "What did Peskov say?")["citations"]
    assert KEY not in caplog.text and "wrong-key-123" not in caplog.text  # keys never logged


def test_reads_need_the_key_with_protect_reads(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> None:
    folder = tmp_path_factory.mktemp("api-reads")
    settings = sample_settings(folder, api_key=KEY, protect_reads=True)
    app = create_app(open_desk(settings, embedder), settings, ui=False)
    with serve(app) as url, _client(url) as client:
        assert client.get("/api/articles").status_code == 401
        assert client.post("/api/ask", json={"question": "x"}).status_code == 401
        bearer = {"Authorization": f"Bearer {KEY}"}
        assert client.get("/api/articles", headers=bearer).status_code == 200
        assert client.get("/healthz").status_code == 200  # probes stay open
        assert client.get("/readyz").status_code == 200


def test_request_body_limit_is_a_413(keyed_api: httpx.Client) -> None:
    big = {"question": "x" * 20_000}
    declared = keyed_api.post("/api/ask", json=big)
    assert declared.status_code == 413 and "over the limit" in declared.json()["detail"]

    def chunked() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"question": "'
        for _ in range(40):
            yield b"x" * 1000
        yield b'"}'

    streamed = keyed_api.post(
        "/api/ask", content=chunked(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413 and "over the limit" in streamed.json()["detail"]


def test_probes_docs_and_ui(open_api: httpx.Client) -> None:
    assert open_api.get("/healthz").json() == {"status": "ok"}
    ready = open_api.get("/readyz").json()
    assert ready["status"] == "ready" and ready["articles"] >= 1 and ready["model"]
    assert open_api.get("/docs").status_code == 200
    paths = open_api.get("/openapi.json").json()["paths"]
    assert {"/api/ask", "/api/chat", "/api/ask/stream", "/api/articles"} <= set(paths)
    page = open_api.get("/")
    assert page.status_code == 200 and "gradio" in page.text.lower()


def test_serve_command_binds_loopback_by_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> None:
    import uvicorn

    from newsdesk import cli

    folder = tmp_path_factory.mktemp("serve-cmd")
    sample_settings(folder)
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(cli, "open_desk", lambda settings: open_desk(settings, embedder))
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    assert cli.main(["serve", "--config", str(folder / "config.yaml")]) == 0
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8080
    assert cli.main(["serve", "--port", "9123", "--config", str(folder / "config.yaml")]) == 0
    assert calls[1]["port"] == 9123


def test_openapi_documents_the_core_contract_itself() -> None:
    """The response models are the core's types: /docs shows every field of each."""
    from rag.contract import Article, ArticlePage, Citation, IngestReport

    no_desk = cast(Newsdesk, _NoDesk())
    app = create_app(no_desk, load_settings(ROOT / "config.yaml", env={}), ui=False)
    schemas = app.openapi()["components"]["schemas"]
    for model in (Answer, Citation, Article, ArticlePage, IngestReport):
        fields = {*model.model_fields, *model.model_computed_fields}
        assert set(schemas[model.__name__]["properties"]) == fields
    ask = app.openapi()["paths"]["/api/ask"]["post"]["responses"]["200"]
    assert ask["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Answer"}


class _NoDesk:
    """Building the app touches no desk method; any call would fail loudly."""


def test_speakers_are_listed_over_rest(open_api: httpx.Client) -> None:
    response = open_api.get("/api/speakers", params={"doc_id": SEED_ID})
    assert response.status_code == 200
    speakers = {s["name"]: s for s in response.json()["speakers"]}
    assert speakers["Dmitry Peskov"]["quotes"] >= 2 and speakers["Dmitry Peskov"]["articles"] == 1
    assert open_api.get("/api/speakers", params={"doc_id": "nope"}).status_code == 404
    assert open_api.get("/api/speakers", params={"limit": 0}).status_code == 422


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("TRACE", "/", "GET, HEAD, POST"),
        ("TRACE", "/api/ask", "OPTIONS, POST"),
        ("PUT", "/api/ask", "OPTIONS, POST"),
        ("PATCH", "/api/articles/abc", "DELETE, GET, HEAD, OPTIONS"),
    ],
)
def test_undeclared_methods_get_a_405(
    open_api: httpx.Client, method: str, path: str, allow: str
) -> None:
    response = open_api.request(method, path)  # the UI is mounted at / on this server
    assert response.status_code == 405 and response.headers["allow"] == allow
    assert response.json() == {"detail": f"method {method} is not allowed here"}


def test_cors_is_closed_by_default(open_api: httpx.Client) -> None:
    preflight = {
        "Origin": "https://elsewhere.example",
        "Access-Control-Request-Method": "POST",
    }
    response = open_api.options("/api/ask", headers=preflight)
    assert "access-control-allow-origin" not in response.headers
    asked = open_api.post(
        "/api/ask", json={"question": "x"}, headers={"Origin": preflight["Origin"]}
    )
    assert "access-control-allow-origin" not in asked.headers


def test_cors_opens_to_configured_origins_only(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> None:
    folder = tmp_path_factory.mktemp("api-cors")
    settings = sample_settings(folder, cors_origins=["https://newsroom.example"])
    app = create_app(open_desk(settings, embedder), settings, ui=False)
    with serve(app) as url, _client(url) as client:
        for origin, allowed in (
            ("https://newsroom.example", True),
            ("https://evil.example", False),
        ):
            headers = {"Origin": origin, "Access-Control-Request-Method": "POST"}
            response = client.options("/api/ask", headers=headers)
            got = response.headers.get("access-control-allow-origin")
            assert got == (origin if allowed else None)


def test_articles_never_show_server_paths(open_api: httpx.Client) -> None:
    listed = open_api.get("/api/articles", params={"limit": 500}).json()["articles"]
    seed = next(a for a in listed if a["doc_id"] == SEED_ID)
    assert seed["origin"] == SEED.name  # stored as an absolute path; shown as its name
    assert open_api.get(f"/api/articles/{SEED_ID}").json()["origin"] == SEED.name


def test_an_offset_beyond_any_store_is_a_422(open_api: httpx.Client) -> None:
    response = open_api.get("/api/articles", params={"offset": 125345295031643, "limit": 60})
    assert response.status_code == 422 and "offset" in response.json()["detail"]
    last = open_api.get("/api/articles", params={"offset": 2**31 - 1}).json()
    assert last["articles"] == [] and last["total"] >= 1


def test_the_schema_declares_the_errors_and_security_as_they_are(open_api: httpx.Client) -> None:
    schema = open_api.get("/openapi.json").json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        kind = "OpenAIError" if path.startswith("/v1/") else "Error"  # OpenAI clients' shape
        for operation in operations.values():
            assert "422" not in operation["responses"]
            error = operation["responses"]["default"]["content"]["application/json"]["schema"]
            assert error == {"$ref": f"#/components/schemas/{kind}"}
            assert "security" not in operation  # no key configured on this server
    body = schema["paths"]["/api/articles"]["post"]["requestBody"]["content"]
    assert {"required": ["body"]} in body["application/json"]["schema"]["anyOf"]


def test_stalled_stream_readers_do_not_pin_the_server(open_api: httpx.Client) -> None:
    """60 clients (more than the 40 worker threads) open a stream and never read it;
    the server still answers everyone else."""
    host, port = str(open_api.base_url.host), int(open_api.base_url.port or 80)
    body = json.dumps({"question": "What did Peskov say?"}).encode()
    request = (
        f"POST /api/ask/stream HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    stalled = []
    try:
        for _ in range(60):
            sock = socket.create_connection((host, port), timeout=10)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
            sock.sendall(request)
            stalled.append(sock)  # never read
        assert _ask(open_api, "What did Peskov say?")["citations"]
        assert open_api.get("/api/articles").status_code == 200
    finally:
        for sock in stalled:
            sock.close()


def test_an_answer_exports_as_markdown_on_request(open_api: httpx.Client) -> None:
    body = {"question": "What did Peskov say?"}
    response = open_api.post("/api/ask", json=body, headers={"Accept": "text/markdown"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    text = response.text
    assert text.startswith("## What did Peskov say?") and "[^1]: “" in text
    assert "Breitbart News, 2025-02-25" in text
    assert open_api.post("/api/ask", json=body).json()["citations"]  # JSON by default
