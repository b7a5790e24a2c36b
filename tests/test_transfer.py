"""Export and import: a store's articles round-trip exactly (fast tier, on the fakes)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from ingest.runner import ingest_paths
from rag.desk import Newsdesk, build
from services.settings import Settings
from services.transfer import export_articles
from tests.conftest import SAMPLE_DIR
from tests.fakes import DictStore, GazetteerTagger, HashingEmbedder

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "answers" / "articles.jsonl"


def test_export_then_import_gives_back_the_same_articles(
    fake_desk: Newsdesk, settings: Settings, tmp_path: Path
) -> None:
    ingest_paths(fake_desk, [SAMPLE_DIR, FIXTURE], show_progress=False)
    path = tmp_path / "backup" / "all.jsonl.gz"
    assert export_articles(fake_desk, path) == 3
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    assert len(lines) == 3 and all(json.loads(line)["doc_id"] for line in lines)
    assert not list(path.parent.glob(".*.tmp"))  # written whole, then renamed

    other = settings.model_copy(
        update={"store": settings.store.model_copy(update={"cache_path": tmp_path / "c2"})}
    )
    moved = build(other, HashingEmbedder(), DictStore(), tagger=GazetteerTagger())
    report = ingest_paths(moved, [path], show_progress=False)
    assert sorted(report.added) == sorted(a.doc_id for a in fake_desk.list_articles().articles)
    fields = ("text", "title", "source", "published_at", "url", "authors", "content_hash")
    for meta in fake_desk.list_articles().articles:
        before, after = fake_desk.get_article(meta.doc_id), moved.get_article(meta.doc_id)
        assert {f: getattr(after, f) for f in fields} == {f: getattr(before, f) for f in fields}

    again = ingest_paths(fake_desk, [path], show_progress=False)
    assert len(again.unchanged) == 3 and not again.added and not again.updated
