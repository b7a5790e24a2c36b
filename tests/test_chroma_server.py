"""The same ingest + ask against a real `chroma run` server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ingest.runner import ingest_paths
from rag.desk import build
from rag.embedding import Embedder
from rag.errors import StoreError
from services.settings import load_settings
from tests.chroma_server import chroma_server, free_port
from tests.conftest import SAMPLE_DIR, SEED_ID

pytestmark = pytest.mark.chroma_server


@pytest.fixture(scope="module")
def chroma_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with chroma_server(tmp_path_factory.mktemp("chroma-server")) as port:
        yield port


def test_ingest_and_ask_through_a_chroma_server(
    chroma_port: int, write_config: Callable[..., Path], embedder: Embedder
) -> None:
    env = {"NEWSDESK_STORE__MODE": "http", "NEWSDESK_STORE__PORT": str(chroma_port)}
    settings = load_settings(write_config(), env=env)
    desk = build(settings, embedder)
    report = ingest_paths(desk, [SAMPLE_DIR], show_progress=False)
    again = ingest_paths(desk, [SAMPLE_DIR], show_progress=False)
    assert report.added == [SEED_ID] and again.unchanged == [SEED_ID]
    assert not settings.store.path.exists()  # nothing went to the local store
    answer = desk.ask("What did Peskov say?")
    assert any("We have a lot of them" in c.quote for c in answer.citations)
    text = desk.get_article(SEED_ID).text
    assert all(text[c.start : c.end] == c.quote for c in answer.citations)
    # a second process (fresh BM25 cache) sees the same store through the server
    settings2 = load_settings(write_config(folder="other"), env=env)
    answer2 = build(settings2, embedder).ask("How many tons of rare earths did China extract?")
    assert "270,000" in answer2.answer


def test_unreachable_server_is_a_clear_error(
    write_config: Callable[..., Path], embedder: Embedder
) -> None:
    env = {"NEWSDESK_STORE__MODE": "http", "NEWSDESK_STORE__PORT": str(free_port())}
    with pytest.raises(StoreError, match=r"cannot open the Chroma store at 127\.0\.0\.1"):
        build(load_settings(write_config(), env=env), embedder)
