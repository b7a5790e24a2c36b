"""``embedding.backend: openai`` against a second, real ``newsdesk serve`` process on
127.0.0.1 (with a key): the sample ingested through its ``/v1/embeddings`` has the vectors
the local model gives (cosine >= 0.9999) and "What did Peskov say?" the same citations;
the store it built opens with the local model too (the same vectors), and refuses another
model with a clear error. Also: the real device probe on this machine."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from ingest.runner import ingest_paths
from rag.desk import Newsdesk, build
from rag.embedding import Embedder, pick_device, torch_accelerators
from rag.errors import ConfigError, EmbeddingError, StoreError
from services.desk import open_desk
from services.embedding_client import OpenAIEmbedder
from services.settings import Settings, load_settings
from tests.conftest import SAMPLE_DIR, SEED_ID

pytestmark = pytest.mark.slow
WAIT = 180.0  # seconds: a bound on a hang, not a measurement
KEY_VAR = "NEWSDESK_TEST_EMBED_KEY"
QUESTION = "What did Peskov say?"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``newsdesk serve`` (its own empty store) whose model embeds for the tests;
    reads need the key. Yields its /v1 URL once /readyz says it is ready."""
    folder = tmp_path_factory.mktemp("embedding-server")
    config = folder / "config.yaml"
    config.write_text("server:\n  api_key: serve-key\n  protect_reads: true\nlog_level: WARNING\n")
    port = _free_port()
    argv = [sys.executable, "-m", "newsdesk", "serve", "--config", str(config),
            "--port", str(port)]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT
        while not _ready(base):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"newsdesk serve did not start: {_stderr(process)}")
            time.sleep(0.5)
        yield base + "/v1"
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr is not None:
            process.stderr.close()


def _ready(base: str) -> bool:
    try:
        return httpx.get(base + "/readyz", trust_env=False).status_code == 200
    except httpx.HTTPError:
        return False


def _stderr(process: subprocess.Popen[bytes]) -> str:
    if process.poll() is None:
        process.kill()
    return process.stderr.read().decode(errors="replace")[-2000:] if process.stderr else ""


def remote_settings(folder: Path, url: str, **embedding: object) -> Settings:
    (folder / "config.yaml").write_text(
        "embedding:\n  backend: openai\n"
        f"  base_url: {url}\n  api_key_env: {KEY_VAR}\nlog_level: WARNING\n"
    )
    settings = load_settings(folder / "config.yaml", env={})
    update = settings.embedding.model_copy(update=embedding)
    return settings.model_copy(update={"embedding": update})


def remote_embedder(settings: Settings) -> OpenAIEmbedder:
    return OpenAIEmbedder(settings.embedding, httpx.Client(trust_env=False, timeout=60))


@pytest.fixture(scope="module")
def remote_desk(server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Newsdesk]:
    """The sample, ingested with vectors from the server."""
    os.environ[KEY_VAR] = "serve-key"
    try:
        settings = remote_settings(tmp_path_factory.mktemp("remote"), server)
        desk = open_desk(settings, remote_embedder(settings))
        report = ingest_paths(desk, [SAMPLE_DIR], show_progress=False)
        assert report.added == [SEED_ID] and not report.failed
        yield desk
    finally:
        os.environ.pop(KEY_VAR, None)


def _chunk_vectors(desk: Newsdesk) -> dict[str, np.ndarray]:
    store = desk.corpus.store
    found = store.chunks.get(include=["embeddings"])  # type: ignore[attr-defined]
    return dict(zip(found["ids"], np.asarray(found["embeddings"], dtype=np.float32), strict=True))


def _citations(desk: Newsdesk) -> list[tuple[str, int, int, str]]:
    answer = desk.ask(QUESTION)
    assert answer.found
    return [(c.doc_id, c.start, c.end, c.quote) for c in answer.citations]


def test_the_servers_vectors_are_the_local_models(
    remote_desk: Newsdesk, sample_desk: Newsdesk, embedder: Embedder
) -> None:
    remote, local = _chunk_vectors(remote_desk), _chunk_vectors(sample_desk)
    assert remote.keys() == local.keys() and len(remote) > 1
    cosines = [float(remote[i] @ local[i]) for i in remote]
    assert min(cosines) >= 0.9999
    asked = remote_desk.embedder.embed([QUESTION])[0] @ embedder.embed([QUESTION])[0]
    assert float(asked) >= 0.9999
    assert remote_desk.ready()["device"] == "remote"


def test_peskov_gets_the_same_citations(remote_desk: Newsdesk, sample_desk: Newsdesk) -> None:
    assert _citations(remote_desk) == _citations(sample_desk)


def test_the_store_opens_with_the_local_model_and_refuses_another(
    remote_desk: Newsdesk, embedder: Embedder
) -> None:
    settings = remote_desk.settings
    local = settings.embedding.model_copy(update={"backend": "torch"})
    same = build(settings.model_copy(update={"embedding": local}), embedder)
    assert _citations(same) == _citations(remote_desk)  # the same vectors: they mix
    onnx = settings.embedding.model_copy(update={"backend": "onnx"})
    with pytest.raises(StoreError) as refused:
        build(settings.model_copy(update={"embedding": onnx}))
    assert str(refused.value) == (
        f"the store 'news' at {settings.store.path} was built with all-MiniLM-L6-v2/torch "
        "(384 dimensions, normalised, backend openai), but the config gives "
        "all-MiniLM-L6-v2/onnx-int8 (384 dimensions, normalised, backend onnx): set the "
        "embedding section back, or point store.path at a new folder and ingest again"
    )


def test_the_server_refuses_a_model_it_does_not_serve(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VAR, "serve-key")
    settings = remote_settings(tmp_path, server, model="BAAI/bge-small-en-v1.5")
    with pytest.raises(EmbeddingError) as refused:
        remote_embedder(settings).embed(["one text"])
    assert str(refused.value) == (
        f"the embedding server at {server}/embeddings refused: HTTP 404: no embedding model "
        "'BAAI/bge-small-en-v1.5' here: all-MiniLM-L6-v2/torch"
    )
    monkeypatch.setenv(KEY_VAR, "wrong-key")
    with pytest.raises(EmbeddingError, match="refused: HTTP 403: wrong API key"):
        remote_embedder(remote_settings(tmp_path, server)).embed(["one text"])


def test_the_server_is_ready_on_the_cpu_of_this_machine(server: str) -> None:
    found = torch_accelerators()
    if found.cuda or found.mps:
        pytest.skip(f"this machine has a GPU ({found.name}): auto picks it")
    ready = httpx.get(server.removesuffix("/v1") + "/readyz", trust_env=False).json()
    assert ready["device"] == "cpu" and ready["model"] == "all-MiniLM-L6-v2/torch"
    assert pick_device("auto") == "cpu"
    with pytest.raises(ConfigError, match=r"embedding\.device is cuda, but torch finds no CUDA"):
        pick_device("cuda")


def test_an_embedding_server_that_is_down_stops_the_ingest_with_its_name(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}/v1"  # nothing listens there
    settings = remote_settings(tmp_path, url, retries=1, api_key_env="")
    desk = open_desk(settings, remote_embedder(settings))
    with pytest.raises(EmbeddingError, match=f"the embedding server at {url}/embeddings failed"):
        ingest_paths(desk, [SAMPLE_DIR], show_progress=False)
    assert desk.stats() == {"articles": 0, "chunks": 0}
