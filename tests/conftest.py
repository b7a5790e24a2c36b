"""Shared fixtures: the real embedding model (loaded once), a fresh store per test, and
the in-memory fakes of the fast tier.

Tiers: a test that uses the real model, Chroma or a browser is marked ``slow`` (here, by
the fixtures it uses, or by its module); ``make test-fast`` runs the rest (``-m "not
slow"``) and fails if any of them imported torch, chromadb, gradio or spaCy after all.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from rag.desk import Newsdesk, build
from rag.embedding import Embedder, make_embedder
from services.settings import Settings, load_settings
from tests.fakes import DictStore, GazetteerTagger, HashingEmbedder

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"
SEED = SAMPLE_DIR / "000_c030bf5d14f6109c.txt"
SEED_ID = "c030bf5d14f6109c"
SLOW_FIXTURES = frozenset({"embedder", "desk", "sample_desk"})
HEAVY_MODULES = ("torch", "chromadb", "gradio", "sentence_transformers", "spacy")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark as slow every test that needs the real model, Chroma or a browser."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        heavy = item.get_closest_marker("browser") or item.get_closest_marker("chroma_server")
        if heavy or fixtures & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In the fast tier, importing a heavy part is a failure: the tier's promise is broken."""
    if os.environ.get("FAST_TIER") != "1":
        return
    loaded = [m for m in HEAVY_MODULES if m in sys.modules]
    if loaded:
        print(f"\nfast tier imported {', '.join(loaded)}: mark those tests slow", file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real packaged MiniLM as configured by default (torch; bf16 where the CPU has it)."""
    return make_embedder("torch")


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """Write a config.yaml into a fresh folder; extra YAML text is appended."""

    def write(extra: str = "", folder: str = "cfg") -> Path:
        where = tmp_path / folder
        where.mkdir(parents=True, exist_ok=True)
        text = (ROOT / "config.yaml").read_text(encoding="utf-8")
        path = where / "config.yaml"
        path.write_text(text + "\n" + extra, encoding="utf-8")
        return path

    return write


@pytest.fixture
def settings(write_config: Callable[..., Path]) -> Settings:
    return load_settings(write_config(), env={})


@pytest.fixture
def desk(settings: Settings, embedder: Embedder) -> Newsdesk:
    return build(settings, embedder)


@pytest.fixture
def fake_desk(settings: Settings) -> Newsdesk:
    """A desk on the fakes: hashing embedder, in-memory store (BM25 files in tmp_path)."""
    return build(settings, HashingEmbedder(), DictStore(), tagger=GazetteerTagger())


@pytest.fixture(scope="module")
def sample_desk(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Newsdesk:
    """A store holding the bundled sample article (built once per module)."""
    folder = tmp_path_factory.mktemp("sample")
    shutil.copy(ROOT / "config.yaml", folder / "config.yaml")
    built = build(load_settings(folder / "config.yaml", env={}), embedder)
    from ingest.runner import ingest_paths

    report = ingest_paths(built, [SAMPLE_DIR], show_progress=False)
    assert report.added == [SEED_ID] and not report.failed
    return built


CHROMIUM = Path("/usr/bin/chromium")  # Debian's, never a playwright download
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--no-proxy-server",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium through playwright (one per test module); a skip where it is
    missing, a failure in CI (``.ci/run`` installs it)."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright  # imported here: a slow-tier fixture

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
