"""A store's cache folder is named by the store's identity, not by where it is reached: a
moved project keeps its BM25 index and the other derived data instead of rebuilding them
(real Chroma on disk; the hashing embedder stands in for MiniLM, which plays no part)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from rag.contract import ArticleInput
from rag.desk import Newsdesk, build
from rag.search import cache_dir_for, cache_folder
from services.settings import Settings, load_settings
from tests.fakes import GazetteerTagger, HashingEmbedder

pytestmark = pytest.mark.slow  # real Chroma on disk


def _desk(settings: Settings) -> Newsdesk:
    return build(settings, HashingEmbedder(), tagger=GazetteerTagger())


def _ingested(settings: Settings) -> Path:
    """Ingest two articles into a real local store; the cache folder they left."""
    desk = _desk(settings)
    desk.ingest([
        ArticleInput(text=f"The ferry of island {i} sailed on Monday.", title=f"Ferry {i}",
                     source="Wire", doc_id=f"ferry-{i}")
        for i in range(2)
    ])  # fmt: skip
    with desk.corpus.read() as view:
        assert set(view.catalogue.chunks_of) == {"ferry-0", "ferry-1"}
    folder = desk.corpus.index.cache_dir
    assert (folder / "bm25.json").is_file()
    return folder


def _opened(settings: Settings) -> tuple[Path, set[str]]:
    desk = _desk(settings)
    with desk.corpus.read() as view:
        return desk.corpus.index.cache_dir, set(view.catalogue.chunks_of)


def test_a_moved_project_finds_its_caches_and_rebuilds_nothing(
    write_config: Callable[..., Path], tmp_path: Path
) -> None:
    first = _ingested(load_settings(write_config(folder="project"), env={}))
    saved = (first / "bm25.json").stat().st_mtime_ns
    shutil.move(tmp_path / "project", tmp_path / "moved")
    folder, docs = _opened(load_settings(tmp_path / "moved" / "config.yaml", env={}))
    assert docs == {"ferry-0", "ferry-1"}
    assert folder.name == first.name  # the same folder: nothing rebuilt from the store
    assert [p.name for p in folder.parent.iterdir()] == [first.name]
    assert (folder / "bm25.json").stat().st_mtime_ns == saved


def test_a_folder_named_by_location_is_taken_over_once(settings: Settings) -> None:
    """An older version's folder (named by the store's path) becomes the new one; a link
    at the old name keeps an older process on the same store finding its files."""
    folder = _ingested(settings)
    store = settings.store
    old = cache_dir_for(store.cache_path, str(store.path), f"{store.collection}")
    folder.rename(old)
    saved = (old / "bm25.json").stat().st_mtime_ns
    again, docs = _opened(settings)
    assert docs == {"ferry-0", "ferry-1"}
    assert again == folder and again.is_dir() and not again.is_symlink()
    assert old.is_symlink() and old.resolve() == again.resolve()
    assert (again / "bm25.json").stat().st_mtime_ns == saved


def test_a_store_made_again_in_the_same_place_starts_a_cache_of_its_own(
    settings: Settings,
) -> None:
    from chromadb.api.shared_system_client import SharedSystemClient

    first = _ingested(settings)
    SharedSystemClient.clear_system_cache()  # as if another process made the store again
    shutil.rmtree(settings.store.path)
    folder, docs = _opened(settings)
    assert docs == set()
    assert folder != first


def test_only_a_real_folder_of_the_old_name_is_taken_over(tmp_path: Path) -> None:
    old = cache_dir_for(tmp_path, "/old/place", "news")
    old.mkdir(parents=True)
    (old / "bm25.json").write_text("{}")
    new = cache_folder(tmp_path, "collection-id", "/old/place", "news")
    assert (new / "bm25.json").read_text() == "{}" and old.is_symlink()
    assert cache_folder(tmp_path, "collection-id", "/old/place", "news") == new  # idempotent
    other = cache_folder(tmp_path, "another-id", "/old/place", "news")  # the link: not taken
    assert not other.exists() and old.resolve() == new.resolve()
