"""``POST /v1/embeddings`` with the official ``openai`` client against a real server on
127.0.0.1: this server's model, float and base64 vectors equal to the model's own, the
model in ``GET /v1/models``, limits and bad requests answered with OpenAI error objects,
the /v1 key rules, and an embedding that does not hold up other requests."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator

import httpx
import numpy as np
import openai
import pytest

from newsdesk.server import create_app
from rag.embedding import Embedder, minilm_tokenizer
from services.desk import open_desk
from tests.live_server import sample_settings, serve

pytestmark = pytest.mark.slow
KEY = "embed-key"
MODEL = "all-MiniLM-L6-v2/torch"
TEXTS = ["What did Peskov say?", "The Kremlin welcomed American investment in rare earths."]


def skip_on_a_gpu(why: str) -> None:
    import torch

    if torch.cuda.is_available() or torch.backends.mps.is_available():
        pytest.skip(why)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[str]:
    limits = {"embeddings_max_inputs": 600, "embeddings_max_chars": 2000}
    settings = sample_settings(tmp_path_factory.mktemp("emb"), api_key=KEY, protect_reads=True,
                               **limits)  # fmt: skip
    with serve(create_app(open_desk(settings, embedder), settings, ui=False)) as url:
        yield url + "/v1"


def _client(base_url: str, key: str = KEY) -> openai.OpenAI:
    http = httpx.Client(trust_env=False, timeout=120)  # never through a proxy
    return openai.OpenAI(base_url=base_url, api_key=key, http_client=http, max_retries=0)


def test_the_embedding_model_is_listed(base_url: str) -> None:
    listed = {m.id: m for m in _client(base_url).models.list()}
    assert listed[MODEL].owned_by == "newsdesk" and listed[MODEL].object == "model"


@pytest.mark.parametrize("encoding_format", ["float", "base64"])
def test_vectors_are_the_models_own(
    base_url: str, embedder: Embedder, encoding_format: str
) -> None:
    """float: JSON numbers; base64: what the openai client asks for unless told otherwise
    (it unpacks the little-endian float32 itself)."""
    client = _client(base_url).embeddings
    if encoding_format == "float":
        reply = client.create(model=MODEL, input=TEXTS, encoding_format="float")
    else:
        reply = client.create(model=MODEL, input=TEXTS)
    assert reply.object == "list" and reply.model == MODEL
    assert [d.index for d in reply.data] == [0, 1]
    got = np.asarray([d.embedding for d in reply.data], dtype=np.float32)
    want = embedder.embed(TEXTS)
    assert got.shape == (2, 384)
    assert (got * want).sum(axis=1).min() >= 0.9999
    pieces = sum(len(e.ids) for e in minilm_tokenizer().encode_batch(TEXTS))
    assert reply.usage.prompt_tokens == reply.usage.total_tokens == pieces


def test_base64_is_little_endian_float32(base_url: str, embedder: Embedder) -> None:
    body = {"model": MODEL, "input": TEXTS[1], "encoding_format": "base64"}
    reply = httpx.post(base_url + "/embeddings", json=body, trust_env=False,
                       headers={"Authorization": f"Bearer {KEY}"})  # fmt: skip
    packed = reply.json()["data"][0]["embedding"]
    vector = np.frombuffer(base64.b64decode(packed), dtype="<f4")
    assert vector.shape == (384,) and float(vector @ embedder.embed(TEXTS[1:])[0]) >= 0.9999


def test_one_string_and_the_models_own_dimensions(base_url: str, embedder: Embedder) -> None:
    reply = _client(base_url).embeddings.create(model=MODEL, input=TEXTS[0], dimensions=384)
    (item,) = reply.data
    assert float(np.dot(item.embedding, embedder.embed(TEXTS[:1])[0])) >= 0.9999


@pytest.mark.parametrize(
    ("request_body", "status", "says"),
    [
        ({"model": "text-embedding-3-small", "input": "x"}, 404,
         f"no embedding model 'text-embedding-3-small' here: {MODEL}"),
        ({"model": MODEL, "input": "x", "dimensions": 256}, 400,
         f"dimensions 256 is not served: {MODEL} gives 384 (leave dimensions out)"),
        ({"model": MODEL, "input": []}, 400, "input is empty"),
        ({"model": MODEL, "input": ["a", ""]}, 400, "input[1] is empty"),
        ({"model": MODEL, "input": [[101, 2054, 102]]}, 400, "token arrays are not taken"),
        ({"model": MODEL, "input": ["a"] * 601}, 400,
         "input holds 601 texts; the limit is 600 (server.embeddings_max_inputs)"),
        ({"model": MODEL, "input": ["a", "b" * 2001]}, 400,
         "input[1] has 2001 characters; the limit is 2000 (server.embeddings_max_chars)"),
        ({"model": MODEL, "input": "x", "encoding_format": "int8"}, 422, "encoding_format"),
        ({"input": "x"}, 422, "model: Field required"),
    ],
)  # fmt: skip
def test_bad_requests_get_openai_error_objects(
    base_url: str, request_body: dict[str, object], status: int, says: str
) -> None:
    reply = httpx.post(base_url + "/embeddings", json=request_body, trust_env=False,
                       headers={"Authorization": f"Bearer {KEY}"})  # fmt: skip
    error = reply.json()["error"]
    assert reply.status_code == status and says in error["message"]
    assert error["type"] == ("not_found_error" if status == 404 else "invalid_request_error")


def test_the_embedding_model_is_not_a_chat_model(base_url: str) -> None:
    with pytest.raises(openai.BadRequestError, match="is the embedding model"):
        _client(base_url).chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "What did Peskov say?"}]
        )


def test_the_api_key_rules_apply(base_url: str) -> None:
    with pytest.raises(openai.PermissionDeniedError):
        _client(base_url, key="wrong").embeddings.create(model=MODEL, input="x")
    reply = httpx.post(base_url + "/embeddings", json={"model": MODEL, "input": "x"},
                       trust_env=False)  # fmt: skip
    assert reply.status_code == 401 and reply.json()["error"]["type"] == "authentication_error"


def test_readyz_shows_the_cpu_on_a_machine_without_a_gpu(base_url: str) -> None:
    skip_on_a_gpu("auto picks the GPU there")
    ready = httpx.get(base_url.removesuffix("/v1") + "/readyz", trust_env=False).json()
    assert ready["model"] == MODEL and ready["device"] == "cpu"


def test_a_long_embedding_does_not_hold_up_other_requests(base_url: str) -> None:
    """The encoder runs in a worker thread: while it embeds 400 texts, /healthz answers (a
    blocked event loop would answer it only after the embedding, sent 0.3 s before)."""
    skip_on_a_gpu("a GPU embeds the 400 texts before the probe is sent")
    texts = [f"Paragraph {i}: the council met on Tuesday to discuss the harbour budget, "
             "the ferry timetable and the new school, and voted to delay the decision. " * 3
             for i in range(400)]  # fmt: skip
    done = threading.Event()

    def embed() -> None:
        _client(base_url).embeddings.create(model=MODEL, input=texts)
        done.set()

    worker = threading.Thread(target=embed)
    worker.start()
    try:
        threading.Event().wait(0.3)  # the request is in the encoder by now
        health = httpx.get(base_url.removesuffix("/v1") + "/healthz", trust_env=False)
        assert health.status_code == 200 and not done.is_set()
    finally:
        worker.join()
    assert done.is_set()
