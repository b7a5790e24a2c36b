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


def test_a_transcripts_kind_and_times_survive_export_and_import(
    fake_desk: Newsdesk, settings: Settings, tmp_path: Path
) -> None:
    from tests.test_transcripts import SRT

    (tmp_path / "talk.srt").write_text(SRT, encoding="utf-8")
    (doc_id,) = ingest_paths(fake_desk, [tmp_path / "talk.srt"], show_progress=False).added
    path = tmp_path / "all.jsonl.gz"
    assert export_articles(fake_desk, path) == 1
    other = settings.model_copy(
        update={"store": settings.store.model_copy(update={"cache_path": tmp_path / "c2"})}
    )
    moved = build(other, HashingEmbedder(), DictStore())
    assert ingest_paths(moved, [path], show_progress=False).added == [doc_id]
    before, after = fake_desk.get_article(doc_id), moved.get_article(doc_id)
    assert after.kind == "transcript" and after.locations == before.locations != ()
    assert after.content_hash == before.content_hash
    assert [c.location for c in moved.ask("What did John Reed say?").citations] == ["00:01:10.500"]


def test_bad_kinds_and_locations_in_a_record_are_named(tmp_path: Path) -> None:
    from ingest.loaders import load_file
    from rag.contract import IngestFailure

    lines = [
        {"body": "Some words here.", "kind": "podcast"},
        {"body": "Some words here.", "locations": [[0, "p. 1"], [40, "p. 2"]]},
        {"body": "Some words here.", "locations": [[5, "p. 2"], [0, "p. 1"]]},
        {"body": "Some words here.", "locations": [[0, ""]]},
        {"body": "Some words here.", "locations": "p. 1"},
    ]
    path = tmp_path / "odd.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    messages = [f.message for f in load_file(path, 10_000) if isinstance(f, IngestFailure)]
    assert messages == [
        "field 'kind' must be one of article, transcript, got 'podcast'",
        "locations[1]: the offset must be within the text (0-15)",
        "locations[1]: offsets must not decrease",
        "locations[0]: the label must be text of 1-40 characters",
        "field 'locations' must be a list of [offset, label] pairs",
    ]
