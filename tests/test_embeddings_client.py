"""The client of ``embedding.backend: openai`` against a real HTTP server on 127.0.0.1 that
plays a script: batches, the key, retries with backoff on 429/5xx, giving up with an error
that names the server, refusals not retried, and replies that do not fit. The vectors it
serves are the hashing fake's (tests/fakes.py), scaled so that normalising them shows;
``tests/test_embedding_server.py`` runs the client against a real ``newsdesk serve``."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import numpy as np
import pytest

from rag.config import EmbeddingSettings
from rag.contract import ArticleInput
from rag.desk import build
from rag.errors import ConfigError, EmbeddingError
from services.embedding_client import OpenAIEmbedder
from services.settings import Settings
from tests.fakes import DictStore, GazetteerTagger, HashingEmbedder

Reply = tuple[int, dict[str, str], bytes]
FAKE = HashingEmbedder()


def vectors_of(body: dict[str, Any], scale: float = 3.0) -> Reply:
    """An OpenAI embeddings list of the fake's vectors (times ``scale``: not unit length),
    in reverse order of ``index``, as some servers send them."""
    texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
    packed = body.get("encoding_format") == "base64"
    data = [
        {"object": "embedding", "index": i,
         "embedding": base64.b64encode((v * scale).astype("<f4").tobytes()).decode()
         if packed else (v * scale).tolist()}
        for i, v in enumerate(FAKE.embed(texts))
    ][::-1]  # fmt: skip
    payload = {"object": "list", "data": data, "model": body["model"], "usage": {}}
    return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode()


def error(status: int, message: str, **headers: str) -> Callable[[dict[str, Any]], Reply]:
    body = json.dumps({"error": {"message": message, "type": "x", "param": None, "code": None}})
    return lambda _: (status, {"Content-Type": "application/json", **headers}, body.encode())


@dataclass
class Script:
    """Replies in turn (the last one repeats); what was asked."""

    replies: list[Callable[[dict[str, Any]], Reply]]
    bodies: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    delay_s: float = 0.0
    url: str = ""


@contextmanager
def scripted(*replies: Callable[[dict[str, Any]], Reply], delay_s: float = 0.0) -> Iterator[Script]:
    script = Script(list(replies), delay_s=delay_s)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            script.bodies.append(body)
            script.headers.append(dict(self.headers))
            script.times.append(time.monotonic())
            reply = script.replies[min(len(script.bodies), len(script.replies)) - 1]
            status, headers, data = reply(body)
            time.sleep(script.delay_s)
            try:
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(data))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up waiting
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    script.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield script
    finally:
        server.shutdown()
        server.server_close()


def client(url: str, **settings: Any) -> OpenAIEmbedder:
    configured = EmbeddingSettings(backend="openai", base_url=url, **settings)
    return OpenAIEmbedder(configured, httpx.Client(trust_env=False, timeout=configured.timeout_s),
                          backoff_s=0.05)  # fmt: skip


def test_texts_go_in_batches_and_come_back_in_order_as_unit_vectors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EMBED_KEY", "s3cret")
    texts = [f"text number {i} about harbour {i % 7}" for i in range(70)]
    with scripted(vectors_of) as script:
        got = client(script.url, request_batch_size=32, api_key_env="EMBED_KEY").embed(texts)
    assert [len(b["input"]) for b in script.bodies] == [32, 32, 6]
    assert {b["model"] for b in script.bodies} == {"all-MiniLM-L6-v2/torch"}
    assert all("encoding_format" not in b for b in script.bodies)  # float: every server's
    assert {h["Authorization"] for h in script.headers} == {"Bearer s3cret"}
    assert got.dtype == np.float32 and got.shape == (70, 384)
    assert np.allclose(got, FAKE.embed(texts), atol=1e-6)  # normalised, in input order


def test_base64_vectors_are_unpacked() -> None:
    texts = ["The lighthouse was relit.", "Peskov spoke to reporters."]
    with scripted(vectors_of) as script:
        got = client(script.url, encoding_format="base64").embed(texts)
    assert script.bodies[0]["encoding_format"] == "base64"
    assert np.allclose(got, FAKE.embed(texts), atol=1e-6)


def test_429_and_5xx_are_retried_with_growing_waits() -> None:
    busy = error(429, "slow down", **{"Retry-After": "0.3"})
    with scripted(error(503, "warming up"), busy, error(502, "bad gateway"), vectors_of) as script:
        got = client(script.url, retries=3).embed(["one text"])
    assert len(script.bodies) == 4 and np.allclose(got, FAKE.embed(["one text"]), atol=1e-6)
    waits = np.diff(script.times)
    assert waits[0] >= 0.05 and waits[1] >= 0.3 and waits[2] >= 0.2  # Retry-After, then 0.05 x 4


def test_a_server_that_keeps_failing_is_named_in_the_error() -> None:
    with (
        scripted(error(500, "CUDA out of memory")) as script,
        pytest.raises(EmbeddingError) as failed,
    ):
        client(script.url, retries=2).embed(["one text"])
    assert len(script.bodies) == 3
    assert str(failed.value) == (
        f"the embedding server at {script.url}/embeddings failed 3 time(s) "
        "(embedding.retries: 2): HTTP 500: CUDA out of memory"
    )


def test_refusals_are_not_retried() -> None:
    unknown = error(404, "no embedding model 'all-MiniLM-L6-v2/torch' here: bge-small")
    with (
        scripted(unknown) as script,
        pytest.raises(EmbeddingError, match="refused: HTTP 404: no embedding model"),
    ):
        client(script.url, retries=3).embed(["one text"])
    assert len(script.bodies) == 1


def test_an_unreachable_server_is_named() -> None:
    with scripted(vectors_of) as script:
        url = script.url  # the port is free again once the server is gone
    with pytest.raises(EmbeddingError, match=f"the embedding server at {url}/embeddings failed "
                       r"2 time\(s\) \(embedding.retries: 1\): ConnectError"):  # fmt: skip
        client(url, retries=1).embed(["one text"])


def test_a_slow_server_times_out() -> None:
    with (
        scripted(vectors_of, delay_s=1.0) as script,
        pytest.raises(EmbeddingError, match="ReadTimeout"),
    ):
        client(script.url, retries=0, timeout_s=0.2).embed(["one text"])


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        (lambda b: vectors_of({**b, "input": b["input"][:1]}), "sent 1 vectors for 2 texts"),
        (lambda b: (200, {}, b"<html>proxy error</html>"), "not an OpenAI embeddings list"),
        (lambda b: (200, {}, b'{"data": [{"embedding": "not base64!"}]}'), "not an OpenAI"),
        (lambda b: (200, {}, json.dumps({"data": [{"index": i, "embedding": [0.5] * 768}
                                                  for i in range(2)]}).encode()),
         "vectors of 768 numbers, but embedding.dimensions is 384"),
    ],
)  # fmt: skip
def test_replies_that_do_not_fit_are_refused(
    reply: Callable[[dict[str, Any]], Reply], says: str
) -> None:
    with scripted(reply) as script, pytest.raises(EmbeddingError, match=says):
        client(script.url, retries=0).embed(["first text", "second text"])


def test_nan_vectors_are_refused() -> None:
    row = ["NaN"] + ["0.1"] * 383
    data = "[" + ",".join(row) + "]"
    body = f'{{"data": [{{"index": 0, "embedding": {data}}}]}}'.encode()
    with (
        scripted(lambda b: (200, {}, body)) as script,
        pytest.raises(EmbeddingError, match="NaN or infinity"),
    ):
        client(script.url, retries=0).embed(["one text"])


def test_a_key_variable_that_is_not_set_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_KEY", raising=False)
    with (
        scripted(vectors_of) as script,
        pytest.raises(ConfigError, match="api_key_env names NO_SUCH_KEY, which is not set"),
    ):
        client(script.url, api_key_env="NO_SUCH_KEY").embed(["one text"])
    assert not script.bodies


def test_a_desk_ingests_and_answers_through_the_server(settings: Settings) -> None:
    """The whole desk on the remote embedder: the ingest hands it request-sized slices; when
    the server goes away, the ingest stops with the server's name and the store keeps what
    was written."""
    remote = settings.embedding.model_copy(update={"backend": "openai", "retries": 0})
    with scripted(vectors_of) as script:
        embedder = client(script.url, retries=0, request_batch_size=40)
        tagger = GazetteerTagger({"40 million kroner": "MONEY"})  # no spaCy in this tier
        remote_settings = settings.model_copy(update={"embedding": remote})
        desk = build(remote_settings, embedder, DictStore(), tagger=tagger)
        topics = [
            "The harbour reopened on Monday after the storm, the mayor said. ",
            "The museum bought a painting by Edvard Munch for 40 million kroner. ",
            "The ferry to the island was cancelled because of high winds. ",
        ]
        articles = [ArticleInput(doc_id=f"a{i}", text=t * 200) for i, t in enumerate(topics)]
        report = desk.ingest(articles)
        assert report.added == ["a0", "a1", "a2"] and not report.failed
        assert max(len(b["input"]) for b in script.bodies) == 40
        answer = desk.ask("How much did the museum pay for the Munch painting?")
        assert answer.found and answer.citations[0].doc_id == "a1"
        url = script.url
    with pytest.raises(EmbeddingError, match=f"{url}/embeddings failed 1 time"):
        desk.ingest([ArticleInput(doc_id="late", text="The bridge was closed for repairs.")])
    assert desk.stats() == {"articles": 3, "chunks": report.chunks_written}
