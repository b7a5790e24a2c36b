"""The BM25 side: persisted across processes, synced incrementally, filtered.

Fast tier: the desk runs on the in-memory fakes (BM25 does not depend on the model)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

import rag.search.bm25 as bm25_module
import rag.search.bm25_state as bm25_state
from ingest.runner import ingest_paths
from rag.contract import Filters, Query
from rag.desk import Newsdesk
from rag.search.bm25 import BM25Index
from rag.text import terms, terms_many


def _feed(path: Path, rows: Sequence[tuple[str, str, str, str]]) -> Path:
    lines = [
        json.dumps({"doc_id": d, "source": s, "published_at": p, "body": b}) for d, s, p, b in rows
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


ROWS = [
    ("a", "Daily", "2024-01-10", "The harbour bridge reopened after repairs to its cables."),
    ("b", "Weekly", "2024-03-02", "Farmers protested about diesel prices outside parliament."),
]


def test_index_is_reloaded_without_retokenising(
    fake_desk: Newsdesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths(fake_desk, [_feed(tmp_path / "f.jsonl", ROWS)], show_progress=False)
    assert fake_desk.corpus.index.search(terms("bridge cables"), 5)[0][0].startswith("a:")

    def forbidden(texts: Sequence[str]) -> list[list[str]]:
        raise AssertionError(f"re-tokenised {len(texts)} chunks")

    monkeypatch.setattr(bm25_state, "terms_many", forbidden)
    reloaded = BM25Index(fake_desk.corpus.index.cache_dir)
    assert reloaded.generation == fake_desk.corpus.store.generation()
    assert not reloaded.sync(fake_desk.corpus.store)  # already current: nothing to do
    assert reloaded.search(terms("diesel protest"), 5)[0][0].startswith("b:")


def test_sync_tokenises_only_new_chunks_and_drops_deleted(
    fake_desk: Newsdesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths(fake_desk, [_feed(tmp_path / "f.jsonl", ROWS)], show_progress=False)
    seen: list[int] = []
    original = terms_many

    def counting(texts: Sequence[str]) -> list[list[str]]:
        seen.append(len(texts))
        return original(texts)

    monkeypatch.setattr(bm25_state, "terms_many", counting)
    extra = [("c", "Daily", "2024-05-05", "A comet was seen over the harbour at dawn.")]
    ingest_paths(fake_desk, [_feed(tmp_path / "g.jsonl", extra)], show_progress=False)
    assert seen == [1]
    fake_desk.delete_article("a")
    hits = [cid for cid, _ in fake_desk.corpus.index.search(terms("harbour"), 5)]
    assert [h.split(":")[0] for h in hits] == ["c"]


def test_filters_restrict_sparse_hits(fake_desk: Newsdesk, tmp_path: Path) -> None:
    rows = [*ROWS, ("c", "Daily", "2024-05-05", "Diesel prices fell in May, farmers said.")]
    ingest_paths(fake_desk, [_feed(tmp_path / "f.jsonl", rows)], show_progress=False)
    query = terms("diesel prices farmers")

    def docs(filters: Filters) -> set[str]:
        return {cid.split(":")[0] for cid, _ in fake_desk.corpus.index.search(query, 10, filters)}

    assert docs(Filters()) == {"b", "c"}
    assert docs(Filters(source="Daily")) == {"c"}
    assert docs(Filters(published_before="2024-04-01")) == {"b"}
    assert docs(Filters(published_after="2024-04-01", source="Weekly")) == set()
    answer = fake_desk.ask(
        Query(question="Why did farmers protest about diesel?", filters=Filters(source="Weekly"))
    )
    assert {c.doc_id for c in answer.citations} == {"b"}


def test_a_write_that_fails_midway_leaves_the_old_file(tmp_path: Path) -> None:
    from rag.search import atomic_file

    target = tmp_path / "state.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_file(target) as out:
        out.write(b"half of the new")
        raise RuntimeError("crash")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_counts_and_metadata_of_different_writes_are_not_mixed(
    fake_desk: Newsdesk, tmp_path: Path
) -> None:
    ingest_paths(fake_desk, [_feed(tmp_path / "f.jsonl", ROWS)], show_progress=False)
    cache = fake_desk.corpus.index.cache_dir
    meta = json.loads((cache / "bm25.json").read_text())
    meta["ids"] = meta["ids"][:1]  # as if the counts file were from another write
    (cache / "bm25.json").write_text(json.dumps(meta))
    reloaded = BM25Index(cache)
    assert reloaded.generation == "" and len(reloaded.catalogue) == 0  # rebuilt by sync
    assert reloaded.sync(fake_desk.corpus.store) and len(reloaded.catalogue) == 2


def test_a_new_generation_with_the_same_chunks_recomputes_and_saves_nothing(
    fake_desk: Newsdesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process bumped the store (it wrote chunks back unchanged): the ids are
    listed and compared, nothing is re-read, recomputed or written."""
    ingest_paths(fake_desk, [_feed(tmp_path / "f.jsonl", ROWS)], show_progress=False)
    store = fake_desk.corpus.store
    reloaded = BM25Index(fake_desk.corpus.index.cache_dir)
    store._bump()  # type: ignore[attr-defined]  # the in-memory fake's foreign write

    def forbidden(*args: object) -> None:
        raise AssertionError("recomputed or saved")

    monkeypatch.setattr(bm25_module, "grown", forbidden)
    monkeypatch.setattr(reloaded, "_save", forbidden)
    assert not reloaded.sync(store)
    assert reloaded.generation == store.generation()
    assert reloaded.search(terms("diesel protest"), 5)[0][0].startswith("b:")


def test_counts_are_saved_as_small_whole_numbers_and_score_the_same(
    fake_desk: Newsdesk, tmp_path: Path
) -> None:
    from scipy import sparse

    ingest_paths(fake_desk, [_feed(tmp_path / "f.jsonl", ROWS)], show_progress=False)
    index = fake_desk.corpus.index
    saved = sparse.load_npz(index.cache_dir / "bm25_counts.npz")
    assert saved.dtype.name == "uint16"
    reloaded = BM25Index(index.cache_dir)
    assert reloaded.counts.dtype.name == "float32"
    query = terms("harbour bridge diesel farmers")
    assert reloaded.search(query, 5) == index.search(query, 5)
