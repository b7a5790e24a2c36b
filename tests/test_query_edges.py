"""One Query, checked once in the core: the same too-long question and the same bad
``top_k`` get the same message from the CLI, REST, the OpenAI-compatible /v1, MCP and
the UI (a real server on 127.0.0.1 over the sample store, the official MCP and OpenAI
clients, the UI's own handler, the CLI's ``main``)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import openai
import pytest
from mcp import Client

from newsdesk.cli import main as cli
from newsdesk.server import create_app
from rag.desk import Newsdesk
from rag.embedding import Embedder
from services.gate import SharedDesk
from services.settings import Settings
from tests.live_server import sample_desk, sample_settings, serve

pytestmark = pytest.mark.slow
LONG = "Why " + "x" * 2100 + "?"
TOO_LONG = f"the question has {len(LONG)} characters; the limit is 2000"
BAD_K = "top_k must be between 1 and 50; got 0"


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> Iterator[tuple[str, Newsdesk, Settings]]:
    settings = sample_settings(tmp_path_factory.mktemp("edges"))
    desk = sample_desk(settings, embedder)
    with serve(create_app(desk, settings, ui=False)) as url:
        yield url, desk, settings


def _rest(url: str, body: dict[str, Any]) -> str:
    reply = httpx.post(url + "/api/ask", json=body, trust_env=False, timeout=60)
    assert reply.status_code == 422
    return str(reply.json()["detail"])


def _v1(url: str, question: str) -> str:
    client = openai.OpenAI(base_url=url + "/v1", api_key="x", max_retries=0,
                           http_client=httpx.Client(trust_env=False))  # fmt: skip
    with pytest.raises(openai.UnprocessableEntityError) as raised:
        client.chat.completions.create(
            model="newsdesk", messages=[{"role": "user", "content": question}]
        )
    return str(raised.value.body["message"])  # type: ignore[index]


def _mcp(url: str, tool: str, arguments: dict[str, Any]) -> str:
    async def call() -> str:
        async with Client(url + "/mcp", read_timeout_seconds=120) as client:
            result = await client.call_tool(tool, arguments)
            assert result.is_error
            return " ".join(getattr(c, "text", "") for c in result.content)

    return anyio.run(call)


def _ui(desk: Newsdesk, settings: Settings, question: str, top_k: float) -> str:
    from ui.chat import Chat

    chat = Chat(SharedDesk(desk, settings))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        list(chat.respond(question, [], "", "", "", top_k))
    return " ".join(str(w.message) for w in caught)


def _cli(config: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert cli(["ask", *args, "--config", str(config)]) == 1
    return capsys.readouterr().err


def test_a_too_long_question_gets_one_message_everywhere(
    served: tuple[str, Newsdesk, Settings],
    write_config: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, desk, settings = served
    assert _rest(url, {"question": LONG}) == TOO_LONG
    assert _v1(url, LONG) == TOO_LONG
    assert TOO_LONG in _mcp(url, "ask_news", {"question": LONG})
    assert TOO_LONG in _mcp(url, "search_news", {"question": LONG})
    assert TOO_LONG in _ui(desk, settings, LONG, 5)
    assert f"newsdesk: error: {TOO_LONG}" in _cli(write_config(), capsys, LONG)


def test_a_bad_top_k_gets_one_message_everywhere(
    served: tuple[str, Newsdesk, Settings],
    write_config: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, desk, settings = served
    question = "What did Peskov say?"
    assert _rest(url, {"question": question, "top_k": 0}) == BAD_K
    assert BAD_K in _mcp(url, "search_news", {"question": question, "top_k": 0})
    assert BAD_K in _ui(desk, settings, question, 0)
    assert f"newsdesk: error: {BAD_K}" in _cli(write_config(), capsys, question, "--top-k", "0")
    more = "top_k must be between 1 and 50; got 51"
    assert _rest(url, {"question": question, "top_k": 51}) == more
    assert BAD_K.replace("got 0", "got -2") in _cli(
        write_config(), capsys, question, "--top-k", "-2"
    )


def test_the_answer_mode_per_request(served: tuple[str, Newsdesk, Settings]) -> None:
    url, _, _ = served
    body = {"question": "What did Peskov say?", "mode": "extractive"}
    reply = httpx.post(url + "/api/ask", json=body, trust_env=False, timeout=60)
    assert reply.status_code == 200 and reply.json()["mode"] == "extractive"
    assert _rest(url, {**body, "mode": "llm"}) == "no 'llm' answers here: extractive"
