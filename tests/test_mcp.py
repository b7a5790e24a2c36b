"""The MCP server with the official SDK's client: over stdio (a real ``newsdesk mcp``
process on a store holding the sample) and over streamable HTTP (``/mcp`` of a real
server on 127.0.0.1). Typed inputs, structured outputs, verbatim citations, read-only
unless ``mcp.allow_ingest`` (``allow_follow``); the HTTP endpoint follows the API key
rules."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from newsdesk.server import create_app
from rag.embedding import Embedder
from tests.conftest import SAMPLE_DIR, SEED_ID
from tests.live_server import sample_desk, sample_settings, serve

pytestmark = pytest.mark.slow
READ_ONLY = {
    "search_news", "ask_news", "check_claim", "get_article", "list_sources", "list_collections",
    "speaker_timeline", "list_follows",
}  # fmt: skip
PESKOV = "The Americans need rare earth metals. We have a lot of them"


async def _exercise(client: Client) -> dict[str, Any]:
    tools = {t.name: t for t in (await client.list_tools()).tools}
    found = await client.call_tool("search_news", {"question": "rare earth metals", "top_k": 3})
    asked = await client.call_tool("ask_news", {"question": "What did Peskov say?"})
    article = await client.call_tool("get_article", {"doc_id": SEED_ID})
    sources = await client.call_tool("list_sources", {})
    missing = await client.call_tool("get_article", {"doc_id": "no-such-id"})
    collections = await client.call_tool("list_collections", {})
    said = await client.call_tool("speaker_timeline", {"name": "Peskov"})
    follows = await client.call_tool("list_follows", {})
    return {"tools": tools, "found": found, "asked": asked, "article": article,
            "sources": sources, "missing": missing, "collections": collections, "said": said,
            "follows": follows}  # fmt: skip


def _check(result: dict[str, Any]) -> None:
    tools = result["tools"]
    assert set(tools) == READ_ONLY  # no ingest_url unless mcp.allow_ingest
    assert tools["ask_news"].input_schema["properties"]["question"]["type"] == "string"
    assert "citations" in str(tools["ask_news"].output_schema)
    passages = result["found"].structured_content["passages"]
    assert passages and passages[0]["doc_id"] == SEED_ID
    answer = result["asked"].structured_content
    assert answer["found"] and any(PESKOV in c["quote"] for c in answer["citations"])
    article = result["article"].structured_content
    assert article["doc_id"] == SEED_ID and article["origin"] == "000_c030bf5d14f6109c.txt"
    for c in answer["citations"] + passages:  # verbatim: the stored text at the span
        assert article["text"][c["start"] : c["end"]] == c["quote"]
    assert result["sources"].structured_content["sources"][0]["source"] == "Breitbart News"
    assert result["missing"].is_error and "no article with id" in str(result["missing"].content)
    listed = result["collections"].structured_content["collections"]  # stdio: the local admin
    assert [(c["name"], c["articles"]) for c in listed] == [("default", 1)]
    said = result["said"].structured_content
    assert said["speakers"] == ["Dmitry Peskov"] and said["total"] == 3
    assert all(article["text"][q["start"] : q["end"]] == q["quote"] for q in said["quotes"])
    assert {q["published_at"] for q in said["quotes"]} == {"2025-02-25"}
    assert result["follows"].structured_content == {"follows": []}


def test_the_tools_over_stdio(write_config: Callable[..., Path]) -> None:
    config = write_config()
    run = [sys.executable, "-m", "newsdesk", "ingest", str(SAMPLE_DIR), "--config", str(config)]
    subprocess.run(run, check=True, capture_output=True, timeout=300)
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "newsdesk", "mcp", "--config", str(config)]
    )

    async def main() -> dict[str, Any]:
        async with Client(params, read_timeout_seconds=120) as client:
            return await _exercise(client)

    _check(anyio.run(main))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[str]:
    settings = sample_settings(tmp_path_factory.mktemp("mcp"))
    with serve(create_app(sample_desk(settings, embedder), settings, ui=False)) as url:
        yield url


def test_the_tools_over_http(served: str) -> None:
    async def main() -> dict[str, Any]:
        async with Client(served + "/mcp", read_timeout_seconds=120) as client:
            return await _exercise(client)

    _check(anyio.run(main))


def test_ingest_url_only_when_allowed_and_the_key_rules(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> None:
    settings = sample_settings(
        tmp_path_factory.mktemp("mcp-keyed"), api_key="k", protect_reads=True
    )
    settings = settings.model_copy(
        update={"mcp": settings.mcp.model_copy(update={"allow_ingest": True, "allow_follow": True})}
    )
    desk = sample_desk(settings, embedder)
    with serve(create_app(desk, settings, ui=False)) as url:
        probe = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
        headers = {"Accept": "application/json, text/event-stream"}
        assert (
            httpx.post(url + "/mcp", json=probe, headers=headers, trust_env=False).status_code
            == 401
        )
        wrong = {**headers, "Authorization": "Bearer nope"}
        assert (
            httpx.post(url + "/mcp", json=probe, headers=wrong, trust_env=False).status_code == 403
        )
    from api.mcp_server import build_mcp
    from services.gate import SharedDesk

    async def names() -> set[str]:
        server = build_mcp(SharedDesk(desk, settings))
        async with Client(server) as client:  # in process: which tools are offered
            return {t.name for t in (await client.list_tools()).tools}

    assert anyio.run(names) == READ_ONLY | {"ingest_url", "follow_question"}
