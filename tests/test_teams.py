"""Two desks on one server: two collections, two keys, every way in.

A real server on 127.0.0.1 (REST, SSE streams, claim checks, /v1, MCP over HTTP, the UI)
with the real model and Chroma, and a keys file holding a write key for ``investigations``
and a read key for ``sports``. Each key sees (and checks claims in) only its own collection
on every route; writing needs a write key; a revoked key gets 401 at its next request;
every write is in the audit log; the browser asks for a key before anything else and never
puts it in a URL.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from newsdesk.server import create_app
from rag.contract import ArticleInput, ClaimQuery
from rag.desk import Newsdesk
from rag.embedding import Embedder
from services.audit import AuditLog
from services.desk import open_desk
from services.gate import SharedDesk
from services.keyfile import KeyFile
from services.settings import FeedSettings, Settings
from tests.live_server import sample_settings, serve, sse_events

pytestmark = pytest.mark.slow  # the real model and Chroma
INV, SPO = "investigations", "sports"
HOLT = "The ferry contract was rigged"
STRAND = "We will win the cup"
ARTICLES = {
    INV: ArticleInput(
        text=f"The harbour authority signed with one bidder. “{HOLT},” Mira Holt said on "
        "Monday, naming the port's ferry contract.", title="Ferry contract", source="Desk Notes",
        doc_id="inv-1", published_at="2025-03-03",
    ),
    SPO: ArticleInput(
        text=f"The coach spoke after training. “{STRAND},” coach Ola Strand said on Sunday "
        "about the ferry derby.", title="Cup hopes", source="Sports Wire",
        doc_id="spo-1", published_at="2025-03-02",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Team:
    url: str
    writer: str  # write key of investigations
    reader: str  # read key of sports
    keys: KeyFile
    audit: AuditLog
    desk: Newsdesk
    settings: Settings


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[Team]:
    folder = tmp_path_factory.mktemp("teams")
    keys, audit = KeyFile(folder / "keys.yaml"), AuditLog(folder / "audit.jsonl")
    writer = keys.add("ines", "write", [INV])
    reader = keys.add("sven", "read", [SPO])
    settings = sample_settings(folder, keys_file=keys.path, audit_log=audit.path)
    feeds = [FeedSettings(url=f"https://{c}.example/rss.xml", collection=c) for c in (INV, SPO)]
    settings = settings.model_copy(update={"feeds": feeds})  # followed, never polled here
    desk = open_desk(settings, embedder)
    for name, article in ARTICLES.items():
        assert desk.ingest([article], collection=name).added == [article.doc_id]
    with serve(create_app(desk, settings)) as url:
        yield Team(url, writer, reader, keys, audit, desk, settings)


def _client(team: Team, key: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(base_url=team.url, headers=headers, trust_env=False, timeout=120)


def _docs(answer: dict[str, Any]) -> set[str]:
    return {c["doc_id"] for c in answer["citations"]}


def test_each_key_sees_only_its_collection_over_rest(team: Team) -> None:
    for key, mine, theirs, own_doc, quote in [
        (team.writer, INV, SPO, "inv-1", HOLT), (team.reader, SPO, INV, "spo-1", STRAND)
    ]:  # fmt: skip
        other_doc = "spo-1" if own_doc == "inv-1" else "inv-1"
        with _client(team, key) as client:
            assert [c["name"] for c in client.get("/api/collections").json()] == [mine]
            asked = client.post("/api/ask", json={"question": "What was said about the ferry?"})
            assert asked.status_code == 200 and _docs(asked.json()) == {own_doc}
            assert any(quote in c["quote"] for c in asked.json()["citations"])
            two = {"question": "ferry", "collections": [mine, theirs]}
            both = client.post("/api/ask", json=two)
            assert both.status_code == 403
            assert both.json()["detail"].endswith(f"cannot read collection '{theirs}'")
            chat = {"messages": [{"role": "user", "content": "ferry"}], "collection": theirs}
            assert client.post("/api/chat", json=chat).status_code == 403
            listing = client.get("/api/articles").json()
            assert [a["doc_id"] for a in listing["articles"]] == [own_doc]
            assert client.get("/api/articles", params={"collection": theirs}).status_code == 403
            assert client.get(f"/api/articles/{own_doc}").json()["collection"] == mine
            assert client.get(f"/api/articles/{other_doc}").status_code == 404
            theirs_q = {"collection": theirs}
            assert client.get(f"/api/articles/{other_doc}", params=theirs_q).status_code == 403
            speakers = client.get("/api/speakers").json()["speakers"]
            assert [s["name"] for s in speakers] == ["Mira Holt" if mine == INV else "Ola Strand"]
            assert client.get("/api/speakers", params=theirs_q).status_code == 403
            assert [f["collection"] for f in client.get("/api/feeds").json()] == [mine]
            export = client.get("/api/export")
            assert export.status_code == 200
            assert export.headers["content-type"] == "application/gzip"
            rows = [json.loads(line) for line in gzip.decompress(export.content).splitlines()]
            assert [r["doc_id"] for r in rows] == [own_doc]
            assert client.get("/api/export", params=theirs_q).status_code == 403
            assert client.get("/api/audit").status_code == 403  # admins only


def test_streams_check_the_key_before_the_first_byte(team: Team) -> None:
    with _client(team, team.reader) as client:
        body = {"question": "What did Ola Strand say?"}
        with client.stream("POST", "/api/ask/stream", json=body) as response:
            events = sse_events(response)
        sources = next(data for name, data in events if name == "sources")
        assert {c["doc_id"] for c in sources} == {"spo-1"}
        final = next(data for name, data in events if name == "citations")
        assert _docs(final) == {"spo-1"}
        refused = client.post("/api/ask/stream", json={**body, "collection": INV})
        assert refused.status_code == 403 and "cannot read collection" in refused.json()["detail"]
        chat = {"messages": [{"role": "user", "content": "ferry"}], "collections": [INV]}
        assert client.post("/api/chat/stream", json=chat).status_code == 403


def test_without_a_key_everything_but_the_probes_is_401(team: Team) -> None:
    with _client(team, None) as client:
        for method, path in [("GET", "/api/collections"), ("GET", "/api/articles"),
                             ("GET", "/api/speakers"), ("GET", "/api/feeds"),
                             ("GET", "/api/export"), ("GET", "/v1/models")]:  # fmt: skip
            response = client.request(method, path)
            assert response.status_code == 401, path
            assert response.headers["www-authenticate"] == "Bearer"
        assert client.post("/api/ask", json={"question": "ferry"}).status_code == 401
        assert client.get("/readyz").status_code == 200
    with _client(team, "made-up-key") as client:
        assert client.get("/api/articles").status_code == 401


def _quote(words: str, speaker: str, **more: Any) -> dict[str, Any]:
    return {"quote": words, "speaker": speaker, **more}


def test_claim_checks_search_only_the_collections_the_key_may_read(team: Team) -> None:
    with _client(team, team.reader) as client:
        own = client.post("/api/claims", json=_quote(STRAND, "Ola Strand"))
        assert own.status_code == 200, own.text
        assert own.json()["quote_check"] == "exact"
        assert {e["citation"]["collection"] for e in own.json()["evidence"]} == {SPO}
        elsewhere = client.post("/api/claims", json=_quote(HOLT, "Mira Holt"))
        assert elsewhere.json()["quote_check"] == "not_found"  # investigations not searched
        for named in ({"collection": INV}, {"collections": [SPO, INV]}):
            refused = client.post("/api/claims", json=_quote(HOLT, "Mira Holt", **named))
            assert refused.status_code == 403, named
            assert refused.json()["detail"].endswith(f"cannot read collection '{INV}'")
        claim = {"claim": "The ferry contract was rigged, Mira Holt said.", "collection": INV}
        assert client.post("/api/claims", json=claim).status_code == 403
    with _client(team, team.writer) as client:
        found = client.post("/api/claims", json=_quote(HOLT, "Mira Holt", collection=INV))
        assert found.json()["quote_check"] == "exact"
        assert [e["citation"]["doc_id"] for e in found.json()["evidence"]] == ["inv-1"]
        beyond = client.post("/api/claims", json=_quote(STRAND, "", collection=SPO))
        assert beyond.status_code == 403
    with _client(team, None) as client:
        assert client.post("/api/claims", json=_quote(STRAND, "")).status_code == 401


def test_a_claim_check_searches_each_collection_it_names(team: Team) -> None:
    def checked(words: str, *names: str) -> tuple[str | None, set[str]]:
        check = team.desk.check_claim(ClaimQuery(quote=words, collections=names))
        return check.quote_check, {e.citation.doc_id for e in check.evidence}

    assert checked(HOLT, SPO) == ("not_found", set())
    assert checked(HOLT, INV) == ("exact", {"inv-1"})
    assert checked(HOLT, SPO, INV) == ("exact", {"inv-1"})
    assert checked(STRAND, INV, SPO) == ("exact", {"spo-1"})
    assert checked(STRAND) == ("not_found", set())  # none named: the default, empty here


def test_the_claims_tab_checks_the_picked_collection_as_the_events_caller(team: Team) -> None:
    import gradio as gr

    from ui.claims_tab import ClaimHandler

    handler = ClaimHandler(SharedDesk(team.desk, team.settings))
    sven, ines = gr.Request(username="sven"), gr.Request(username="ines")
    shown, markdown = handler.check("Quote", STRAND, "Ola Strand", SPO, sven)
    assert 'data-verdict="exact"' in shown and "Sports Wire" in shown
    assert markdown.startswith("## Quote check: exact")
    with pytest.warns(UserWarning, match=f"cannot read collection '{INV}'"):
        assert handler.check("Quote", HOLT, "Mira Holt", INV, sven) == ("", "")
    with pytest.warns(UserWarning, match="no longer valid"):
        assert handler.check("Quote", STRAND, "", SPO, gr.Request(username="nobody")) == ("", "")
    shown, _ = handler.check("Quote", HOLT, "Mira Holt", None, ines)  # none picked: its first
    assert 'data-verdict="exact"' in shown and "Desk Notes" in shown


def test_openai_compatible_clients_name_the_collection(team: Team) -> None:
    import openai

    def v1(key: str) -> openai.OpenAI:
        http = httpx.Client(trust_env=False, timeout=120)
        return openai.OpenAI(base_url=team.url + "/v1", api_key=key, http_client=http,
                             max_retries=0)  # fmt: skip

    reader = v1(team.reader)
    ids = {m.id for m in reader.models.list()}
    assert f"newsdesk/{SPO}" in ids and f"newsdesk/{INV}" not in ids
    messages: Any = [{"role": "user", "content": "What was said about the ferry?"}]
    done = reader.chat.completions.create(model=f"newsdesk/{SPO}", messages=messages)
    assert _cited(done) == {"spo-1"}
    plain = reader.chat.completions.create(model="newsdesk", messages=messages)  # its default
    assert _cited(plain) == {"spo-1"}
    with pytest.raises(openai.PermissionDeniedError, match="cannot read collection"):
        reader.chat.completions.create(model=f"newsdesk/{INV}", messages=messages)
    with pytest.raises(openai.PermissionDeniedError):
        reader.chat.completions.create(model="newsdesk", messages=messages,
                                       extra_headers={"X-Newsdesk-Collection": INV})  # fmt: skip
    with pytest.raises(openai.PermissionDeniedError):
        reader.chat.completions.create(model="newsdesk", messages=messages, stream=True,
                                       extra_headers={"X-Newsdesk-Collection": INV})  # fmt: skip
    writer = v1(team.writer)
    via_header = writer.chat.completions.create(
        model="newsdesk", messages=messages, extra_headers={"X-Newsdesk-Collection": INV}
    )
    assert _cited(via_header) == {"inv-1"}
    with pytest.raises(openai.AuthenticationError):
        v1("made-up-key").models.list()


def _cited(reply: Any) -> set[str]:
    extra: dict[str, Any] = reply.model_extra or {}
    return _docs(extra["newsdesk"])


def test_mcp_tools_check_the_collection(team: Team) -> None:
    async def main(key: str) -> dict[str, Any]:
        http = create_mcp_http_client(headers={"Authorization": f"Bearer {key}"})
        transport = streamable_http_client(team.url + "/mcp", http_client=http)
        async with http, Client(transport, read_timeout_seconds=120) as client:
            call = client.call_tool
            return {
                "collections": await call("list_collections", {}),
                "ask": await call("ask_news", {"question": "What was said about the ferry?"}),
                "other": await call("search_news", {"question": "ferry", "collections": [INV]}),
                "article": await call("get_article", {"doc_id": "inv-1"}),
                "sources": await call("list_sources", {"collection": INV}),
                "own": await call("get_article", {"doc_id": "spo-1"}),
                "claim": await call("check_claim", {"quote": STRAND, "speaker": "Ola Strand"}),
                "claim_other": await call("check_claim", {"quote": HOLT, "collections": [INV]}),
            }

    got = anyio.run(main, team.reader)
    assert [c["name"] for c in got["collections"].structured_content["collections"]] == [SPO]
    assert _docs(got["ask"].structured_content) == {"spo-1"}
    assert got["other"].is_error and "cannot read collection" in str(got["other"].content)
    assert got["article"].is_error and "no article with id 'inv-1'" in str(got["article"].content)
    assert got["sources"].is_error
    assert got["own"].structured_content["collection"] == SPO
    claim = got["claim"].structured_content
    assert claim["quote_check"] == "exact"
    assert {e["citation"]["doc_id"] for e in claim["evidence"]} == {"spo-1"}
    refused = got["claim_other"]
    assert refused.is_error and f"cannot read collection '{INV}'" in str(refused.content)
    probe = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    accept = {"Accept": "application/json, text/event-stream"}
    refused = httpx.post(team.url + "/mcp", json=probe, headers=accept, trust_env=False)
    assert refused.status_code == 401


def test_writing_needs_a_write_key_and_every_write_is_audited(team: Team) -> None:
    article = {"doc_id": "inv-2", "title": "Tender", "source": "Desk Notes",
               "body": "“We saw the tender papers,” Lena Dahl said on Tuesday."}  # fmt: skip
    with _client(team, team.reader) as client:
        refused = client.post("/api/articles", json=article)
        assert refused.status_code == 403 and "can only read" in refused.json()["detail"]
        assert client.delete("/api/articles/spo-1").status_code == 403
    with _client(team, team.writer) as client:
        elsewhere = client.post("/api/articles", json=article, params={"collection": SPO})
        assert elsewhere.status_code == 403
        assert client.post("/api/articles", json=article).status_code == 201
        memo = "Memo\n\n“Check the fees,” Ana Berg said.".encode()
        upload = {"file": ("memo.txt", memo)}
        assert client.post("/api/articles", files=upload).status_code == 201
        assert client.delete("/api/articles/inv-2").json() == {"deleted": "inv-2"}
        assert client.delete("/api/articles/spo-1", params={"collection": SPO}).status_code == 403
    entries = list(team.audit.entries())
    assert [(e.key, e.action, e.collection) for e in entries][-3:] == [
        ("ines", "ingest", INV), ("ines", "ingest", INV), ("ines", "delete", INV)]  # fmt: skip
    assert entries[-3].added == ["inv-2"] and entries[-1].deleted == ["inv-2"]
    assert len(entries[-2].added) == 1 and entries[-1].time >= entries[-3].time
    assert not any(e.collection == SPO for e in entries)  # refused writes wrote nothing


def test_follows_timelines_and_feedback_keep_to_the_key_s_collections(team: Team) -> None:
    with _client(team, team.reader) as client:  # a read key of sports
        said = client.get("/api/speakers/Strand")
        assert said.status_code == 200 and said.json()["speakers"] == ["Ola Strand"]
        assert client.get("/api/speakers/Holt", params={"collection": INV}).status_code == 403
        follow = {"question": "What did Strand say about the cup?"}
        refused = client.post("/api/follows", json=follow)
        assert refused.status_code == 403 and "can only read" in refused.json()["detail"]
        assert client.get("/api/follows", params={"collection": INV}).status_code == 403
        asked = client.post("/api/ask", json={"question": "What did Strand say?"}).json()
        vote = {"answer_id": asked["id"], "vote": "up"}
        assert client.post("/api/feedback", json=vote).status_code == 403  # a write
    with _client(team, team.writer) as client:  # a write key of investigations
        made = client.post("/api/follows", json={"question": "Who signed the ferry contract?"})
        assert made.status_code == 201 and made.json()["collection"] == INV
        follow_id = made.json()["id"]
        elsewhere = {"question": "ferry", "collection": SPO}
        assert client.post("/api/follows", json=elsewhere).status_code == 403
        assert [f["id"] for f in client.get("/api/follows").json()] == [follow_id]
        feed = client.get(f"/feeds/follows/{follow_id}.atom")
        assert feed.status_code == 200 and "atom" in feed.headers["content-type"]
        with _client(team, team.reader) as other:  # another collection's follow
            assert other.get(f"/feeds/follows/{follow_id}.atom").status_code == 404
            theirs = {"collection": INV}
            assert other.get(f"/feeds/follows/{follow_id}.atom", params=theirs).status_code == 403
        assert client.delete(f"/api/follows/{follow_id}").status_code == 200
    assert httpx.get(team.url + "/api/follows", trust_env=False).status_code == 401


def test_a_revoked_key_gets_401_at_its_next_request(team: Team) -> None:
    temporary = team.keys.add("tess", "read", [SPO])
    with _client(team, temporary) as client:
        assert client.get("/api/articles").status_code == 200
        team.keys.revoke("tess")  # as `newsdesk keys revoke tess` does, beside the server
        response = client.get("/api/articles")
        assert response.status_code == 401 and "revoked" in response.json()["detail"]
        assert client.post("/api/ask", json={"question": "ferry"}).status_code == 401


@pytest.mark.browser
def test_the_browser_asks_for_the_key_and_shows_only_its_collection(
    team: Team, browser: Any
) -> None:
    from tests.test_ui_browser import WAIT_MS, _ask, _screenshot

    context = browser.new_context(viewport={"width": 1280, "height": 1300})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto(team.url + "/", wait_until="domcontentloaded")
    password = page.locator("input[type=password]").first
    password.wait_for()  # the login form, before anything else
    assert page.locator("#nd-chat").count() == 0
    page.locator("input[type=text]").first.fill("sven")
    password.fill("not-the-key")
    page.get_by_role("button", name="Login").click()
    page.get_by_text("Incorrect Credentials").wait_for()
    page.locator("input[type=text]").first.fill("sven")  # the form empties on a failure
    password.fill(team.reader)
    page.get_by_role("button", name="Login").click()
    page.locator("#nd-chat").wait_for()
    page.wait_for_function(
        "() => document.querySelector('#nd-collection input')?.value === 'sports'"
    )
    page.locator("#nd-collection input").click()
    options = page.locator("ul[role=listbox] li")
    options.first.wait_for()
    shown = [options.nth(i).inner_text().split("\n")[-1] for i in range(options.count())]
    assert shown == [SPO]  # (a ✓ marks the one picked)
    page.keyboard.press("Escape")
    _ask(page, "What was said about the ferry?")
    cards = page.locator(".nd-card")
    assert cards.count() >= 1 and all(
        "Sports Wire" in cards.nth(i).inner_text() for i in range(cards.count())
    )
    _screenshot(page, "teams-reader.png")
    from tests.test_claims_ui import _check as check_in_tab

    result = check_in_tab(page, "Quote", HOLT, "Mira Holt")  # said in investigations only
    assert result.locator(".nd-verdict[data-verdict='not_found']").count() == 1
    result = check_in_tab(page, "Quote", STRAND, "Ola Strand")
    assert result.locator(".nd-verdict[data-verdict='exact']").count() == 1
    assert "Sports Wire" in result.inner_text()
    assert not any(team.reader in u for u in urls), "the key went into a URL"
    context.close()


def _login(browser: Any, team: Team, name: str, key: str) -> tuple[Any, Any]:
    from tests.test_ui_browser import WAIT_MS

    context = browser.new_context(viewport={"width": 1280, "height": 1300})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(team.url + "/", wait_until="domcontentloaded")
    page.locator("input[type=text]").first.fill(name)
    page.locator("input[type=password]").first.fill(key)
    page.get_by_role("button", name="Login").click()
    page.locator("#nd-chat").wait_for()
    return context, page


@pytest.mark.browser
def test_a_write_from_the_browser_is_audited_and_a_revoked_session_stops(
    team: Team, browser: Any
) -> None:
    from tests.test_ui_browser import _field

    key = team.keys.add("tina", "write", [INV])
    context, page = _login(browser, team, "tina", key)
    page.get_by_role("tab", name="Ingest").click()
    _field(page, "nd-title").fill("Quay fees")
    _field(page, "nd-text").fill("“The quay fees doubled,” Per Lund said on Friday.")
    page.locator("#nd-ingest-text").click()
    page.locator("#nd-text-result", has_text="1 added").wait_for()
    last = list(team.audit.entries())[-1]
    assert (last.key, last.action, last.collection, len(last.added)) == ("tina", "ingest", INV, 1)
    team.keys.revoke("tina")
    page.get_by_role("tab", name="Articles").click()
    page.locator("#nd-refresh").click()
    page.get_by_text("no longer valid here").first.wait_for()  # the next event is refused
    context.close()
