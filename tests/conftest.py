"""Shared fixtures: the real embedding model (loaded once) and a fresh store per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from rag.config import Settings, load_settings
from rag.embed import Embedder, make_embedder
from rag.factory import build
from rag.pipeline import Newsdesk

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"
SEED = SAMPLE_DIR / "000_c030bf5d14f6109c.txt"
SEED_ID = "c030bf5d14f6109c"


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
