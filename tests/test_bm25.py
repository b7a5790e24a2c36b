"""The BM25 side: persisted across processes, synced incrementally, filtered."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

import rag.bm25
from ingest.runner import ingest_paths
from rag.bm25 import BM25Index
from rag.models import Filters
from rag.pipeline import Newsdesk
from rag.text import tokenize


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
    desk: Newsdesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths(desk, [_feed(tmp_path / "f.jsonl", ROWS)], show_progress=False)
    assert desk.index.search(tokenize("bridge cables"), 5)[0][0].startswith("a:")

    def forbidden(texts: Sequence[str]) -> list[list[str]]:
        raise AssertionError(f"re-tokenised {len(texts)} chunks")

    monkeypatch.setattr(rag.bm25, "tokenize_many", forbidden)
    reloaded = BM25Index(desk.index.cache_dir)
    assert reloaded.generation == desk.store.generation()
    assert not reloaded.sync(desk.store)  # already current: nothing to do
    assert reloaded.search(tokenize("diesel protest"), 5)[0][0].startswith("b:")


def test_sync_tokenises_only_new_chunks_and_drops_deleted(
    desk: Newsdesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths(desk, [_feed(tmp_path / "f.jsonl", ROWS)], show_progress=False)
    seen: list[int] = []
    original = rag.bm25.tokenize_many

    def counting(texts: Sequence[str]) -> list[list[str]]:
        seen.append(len(texts))
        return original(texts)

    monkeypatch.setattr(rag.bm25, "tokenize_many", counting)
    extra = [("c", "Daily", "2024-05-05", "A comet was seen over the harbour at dawn.")]
    ingest_paths(desk, [_feed(tmp_path / "g.jsonl", extra)], show_progress=False)
    assert seen == [1]
    desk.delete_article("a")
    hits = [cid for cid, _ in desk.index.search(tokenize("harbour"), 5)]
    assert [h.split(":")[0] for h in hits] == ["c"]


def test_filters_restrict_sparse_hits(desk: Newsdesk, tmp_path: Path) -> None:
    rows = [*ROWS, ("c", "Daily", "2024-05-05", "Diesel prices fell in May, farmers said.")]
    ingest_paths(desk, [_feed(tmp_path / "f.jsonl", rows)], show_progress=False)
    query = tokenize("diesel prices farmers")

    def docs(filters: Filters) -> set[str]:
        return {cid.split(":")[0] for cid, _ in desk.index.search(query, 10, filters)}

    assert docs(Filters()) == {"b", "c"}
    assert docs(Filters(source="Daily")) == {"c"}
    assert docs(Filters(published_before="2024-04-01")) == {"b"}
    assert docs(Filters(published_after="2024-04-01", source="Weekly")) == set()
    answer = desk.ask("Who protested about diesel prices?", filters=Filters(source="Weekly"))
    assert {c.doc_id for c in answer.citations} == {"b"}
