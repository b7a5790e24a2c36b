"""Claim and quote checks at every edge, with the real model and Chroma: ``POST
/api/claims`` on a real server on 127.0.0.1, the MCP tool ``check_claim`` over streamable
HTTP, and ``newsdesk check-claim``; the four verdicts of the issue on the sample article,
the same contract everywhere, bad input refused with the core's words."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from mcp import Client

from newsdesk.cli import main
from newsdesk.server import create_app
from rag.contract import ClaimCheck
from rag.embedding import Embedder
from tests.conftest import SAMPLE_DIR
from tests.live_server import sample_desk, sample_settings, serve

pytestmark = pytest.mark.slow
PESKOV = "The Americans need rare earth metals. We have a lot of them."
QUOTES: list[tuple[dict[str, str], str, str]] = [
    ({"quote": f"Peskov said: '{PESKOV}'"}, "exact", "Dmitry Peskov"),
    ({"quote": PESKOV.replace("a lot", "plenty"), "speaker": "Peskov"}, "altered",
     "Dmitry Peskov"),
    ({"quote": PESKOV, "speaker": "Zelensky"}, "misattributed", "Dmitry Peskov"),
    ({"quote": "We will never sell our rare earths to anyone.", "speaker": "Peskov"},
     "not_found", ""),
]  # fmt: skip
TEXT = (SAMPLE_DIR / "000_c030bf5d14f6109c.txt").read_text(encoding="utf-8")


def _check(data: dict[str, Any], verdict: str, named: str) -> None:
    """The contract, the verdict, the speaker named, every passage verbatim."""
    check = ClaimCheck.model_validate(data)
    assert check.kind == "quote" and check.quote_check == verdict and check.verdict is None
    for e in check.evidence:
        assert TEXT[e.citation.start : e.citation.end] == e.citation.quote
    if named:
        assert check.evidence and check.evidence[0].speaker == named and named in check.summary
    if verdict == "altered":
        changes = [(d.op, d.given, d.stored) for d in check.evidence[0].diff if d.op != "same"]
        assert changes == [("changed", "plenty", "a lot")]
    if verdict == "not_found":
        assert not check.evidence


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[str]:
    settings = sample_settings(tmp_path_factory.mktemp("claims"))
    with serve(create_app(sample_desk(settings, embedder), settings, ui=False)) as url:
        yield url


@pytest.mark.parametrize(("body", "verdict", "named"), QUOTES)
def test_rest(served: str, body: dict[str, str], verdict: str, named: str) -> None:
    response = httpx.post(served + "/api/claims", json=body, trust_env=False, timeout=60)
    assert response.status_code == 200, response.text
    _check(response.json(), verdict, named)


def test_rest_claims_markdown_and_bad_input(served: str) -> None:
    claim = "In August, Beijing announced that it extracted 27,000 tons of rare earths."
    response = httpx.post(served + "/api/claims", json={"claim": claim}, trust_env=False,
                          timeout=60)  # fmt: skip
    data = response.json()
    assert data["verdict"] == "contradicted" and data["quote_check"] is None
    assert data["evidence"][0]["note"] == "claim: 27,000 tons; article: 270,000 tons"
    body = {"quote": PESKOV, "speaker": "Zelensky"}
    accept = {"Accept": "text/markdown"}
    markdown = httpx.post(served + "/api/claims", json=body, headers=accept, trust_env=False,
                          timeout=60)  # fmt: skip
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith("## Quote check: misattributed")
    assert "[^1]: **misattributed**, said by Dmitry Peskov" in markdown.text
    wrong = [({"claim": "a", "quote": "b"}, "not both"), ({}, "the claim is empty"),
             ({"claim": "x", "topk": 3}, "topk")]  # fmt: skip
    for bad_body, words in wrong:
        bad = httpx.post(served + "/api/claims", json=bad_body, trust_env=False, timeout=60)
        assert bad.status_code == 422 and words in bad.json()["detail"]


def test_mcp_tool(served: str) -> None:
    async def calls() -> list[Any]:
        async with Client(served + "/mcp", read_timeout_seconds=120) as client:
            tools = {t.name for t in (await client.list_tools()).tools}
            assert "check_claim" in tools
            results = [await client.call_tool("check_claim", body) for body, _, _ in QUOTES]
            results.append(await client.call_tool("check_claim", {}))
            return results

    *results, empty = anyio.run(calls)
    for result, (_, verdict, named) in zip(results, QUOTES, strict=True):
        _check(result.structured_content, verdict, named)
    assert empty.is_error and "the claim is empty" in str(empty.content)


def test_cli(write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    config = str(write_config())
    assert main(["ingest", str(SAMPLE_DIR), "--config", config]) == 0
    capsys.readouterr()
    for body, verdict, named in QUOTES:
        args = ["check-claim", "--quote", body["quote"], "--json", "--config", config]
        args += ["--speaker", body["speaker"]] if "speaker" in body else []
        assert main(args) == 0
        _check(json.loads(capsys.readouterr().out), verdict, named)
    assert main(["check-claim", "--quote", PESKOV, "--speaker", "Peskov", "--config", config]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("quote check: exact") and "said by Dmitry Peskov" in shown
    assert main(["check-claim", "--config", config]) == 1
    assert "the claim is empty" in capsys.readouterr().err
