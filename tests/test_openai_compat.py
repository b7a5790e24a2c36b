"""The OpenAI-compatible endpoint with the official ``openai`` client, pointed at a real
server on 127.0.0.1 over the sample store: plain, streamed, a follow-up, bad requests
answered with OpenAI error objects, and the API key rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from newsdesk.server import create_app
from rag.embedding import Embedder
from tests.conftest import SEED_ID
from tests.live_server import sample_desk, sample_settings, serve

pytestmark = pytest.mark.slow
KEY = "compat-key"
PESKOV = "The Americans need rare earth metals. We have a lot of them"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[str]:
    settings = sample_settings(tmp_path_factory.mktemp("v1"), api_key=KEY, protect_reads=True)
    with serve(create_app(sample_desk(settings, embedder), settings, ui=False)) as url:
        yield url + "/v1"


def _client(base_url: str, key: str = KEY) -> openai.OpenAI:
    http = httpx.Client(trust_env=False)  # never through a proxy: stays on 127.0.0.1
    return openai.OpenAI(base_url=base_url, api_key=key, http_client=http, max_retries=0)


def test_models_name_the_answer_modes(base_url: str) -> None:
    ids = [m.id for m in _client(base_url).models.list()]
    # no LLM configured here; then each collection (newsdesk/C: the api_key is an admin);
    # the last is the embedding model of POST /v1/embeddings
    assert ids == ["newsdesk", "newsdesk-extractive", "newsdesk/default", "all-MiniLM-L6-v2/torch"]


def test_a_plain_completion_carries_its_sources(base_url: str) -> None:
    reply = _client(base_url).chat.completions.create(
        model="newsdesk",
        messages=[{"role": "user", "content": "What did Peskov say?"}],
        temperature=0.2,  # accepted, and meaningless here
    )
    content = reply.choices[0].message.content or ""
    assert reply.object == "chat.completion" and reply.choices[0].finish_reason == "stop"
    assert "[1]" in content and "\nSources:\n[1] " in content and PESKOV in content
    assert "““" not in content  # a quotation is not wrapped in a second pair of marks
    extra: dict[str, Any] = reply.model_extra or {}
    contract = extra["newsdesk"]
    assert contract["found"] and contract["citations"][0]["doc_id"] == SEED_ID
    bearer = {"Authorization": f"Bearer {KEY}"}
    article = httpx.get(base_url.removesuffix("/v1") + f"/api/articles/{SEED_ID}",
                        headers=bearer, trust_env=False).json()  # fmt: skip
    for citation in contract["citations"]:  # the spans survive: verbatim quotes
        assert article["text"][citation["start"] : citation["end"]] == citation["quote"]
        assert citation["url"] in content


def test_a_streamed_completion_ends_with_done_and_the_contract(base_url: str) -> None:
    stream = _client(base_url).chat.completions.create(
        model="newsdesk-extractive",
        messages=[{"role": "user", "content": "What did Peskov say?"}],
        stream=True,
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert PESKOV in text and "Sources:" in text
    last: dict[str, Any] = chunks[-1].model_extra or {}
    assert last["newsdesk"]["citations"]


def test_a_follow_up_uses_the_conversation(base_url: str) -> None:
    reply = _client(base_url).chat.completions.create(
        model="newsdesk",
        messages=[
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "What did Peskov say?"},
            {"role": "assistant", "content": "…"},
            {"role": "user", "content": [{"type": "text", "text": "When did he say that?"}]},
        ],
    )
    extra: dict[str, Any] = reply.model_extra or {}
    assert extra["newsdesk"]["question"] == "What did Peskov say?"
    assert (reply.choices[0].message.content or "").startswith("Peskov said this on Tuesday")


def test_bad_requests_get_openai_error_objects(base_url: str) -> None:
    client = _client(base_url)
    with pytest.raises(openai.NotFoundError) as missing:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
    assert "no model 'gpt-4o'" in missing.value.message
    body: Any = missing.value.body
    assert body["type"] == "not_found_error"
    with pytest.raises(openai.UnprocessableEntityError) as empty:
        client.chat.completions.create(model="newsdesk", messages=[])
    assert "messages" in empty.value.message
    with pytest.raises(openai.UnprocessableEntityError):
        client.chat.completions.create(
            model="newsdesk", messages=[{"role": "assistant", "content": "hello"}]
        )


def test_the_api_key_rules_apply(base_url: str) -> None:
    with pytest.raises(openai.PermissionDeniedError):
        _client(base_url, key="wrong").models.list()
    response = httpx.get(base_url + "/models", trust_env=False)
    assert (
        response.status_code == 401 and response.json()["error"]["type"] == "authentication_error"
    )
