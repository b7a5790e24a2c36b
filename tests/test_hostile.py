"""Hostile input: each kind of bad file is ingested beside a good one into a desk that
already holds an article. Every time: no crash, a failure that names the bad input (or
the input stored correctly, where it is valid after all), the good article stored, the
earlier article still there, and the store consistent.

Small inputs live in ``tests/fixtures/bad/`` (see its README); large, odd or
filesystem-level ones (a 10 MB line, a gzip bomb, a symlink loop, a FIFO, 10,000 files)
are made here in ``tmp_path``. Fast tier: the desk runs on the fakes, the loaders and the
indexer are the real ones.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.runner import ingest_paths
from rag.contract import IngestReport
from rag.desk import Newsdesk, build
from rag.errors import IngestError
from services.settings import Settings, load_settings
from services.uploads import ingest_upload, require_stored
from tests.conftest import SAMPLE_DIR, SEED_ID
from tests.fakes import DictStore, GazetteerTagger, HashingEmbedder

BAD = Path(__file__).parent / "fixtures" / "bad"
GOOD_TEXT = "The lighthouse keeper retired on Sunday after forty years, the harbour office said."


@pytest.fixture
def stocked(fake_desk: Newsdesk) -> Newsdesk:
    assert ingest_paths(fake_desk, [SAMPLE_DIR], show_progress=False).added == [SEED_ID]
    return fake_desk


def _good(tmp_path: Path) -> Path:
    good = tmp_path / "good" / "lighthouse.txt"
    good.parent.mkdir(exist_ok=True)
    good.write_text(GOOD_TEXT, encoding="utf-8")
    return good


def _ingest_beside_good(desk: Newsdesk, bad: Path, tmp_path: Path) -> IngestReport:
    """Ingest ``bad`` and a good file in one batch, then check the invariants."""
    good = _good(tmp_path)
    report = ingest_paths(desk, [bad, good], show_progress=False)
    stored = {a.origin for a in desk.iter_articles()}
    assert str(good.resolve()) in stored, "the good file beside the bad one was not stored"
    assert desk.get_article(SEED_ID).text, "an article stored before was lost"
    assert desk.check().consistent
    return report


def _failure(report: IngestReport, name: str) -> str:
    messages = [f.message for f in report.failed if name in f.origin]
    assert messages, f"no failure names {name}: {report.failed}"
    return " | ".join(messages)


REFUSED = {  # fixture file -> words its failure message must hold
    "empty.txt": "empty",
    "whitespace-only.txt": "empty",
    "binary.txt": "binary",
    "nul-bytes.txt": "NUL byte at offset 26",
    "invalid-utf8.txt": "invalid UTF-8 at byte offset 7",
    "utf16-bom.txt": "UTF-16",
    "wrong-shape-list.json": "must be an object of named fields, got a number",
    "wrong-shape-string.json": "expected an article object or a list, got text",
    "wrong-types.json": "",
    "deep-nesting.json": "",
    "unsupported.csv": "unsupported file type '.csv'",
    "corrupt.pdf": "not a readable PDF",
    "no-header.vtt": "not a WebVTT file: the first line must be 'WEBVTT'",
    "bad-timing.srt": "line 6: expected a cue timing",
    "not-an-mbox.mbox": "not an mbox file",
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_bad_file_is_refused_by_name(stocked: Newsdesk, tmp_path: Path, name: str) -> None:
    report = _ingest_beside_good(stocked, BAD / name, tmp_path)
    assert REFUSED[name] in _failure(report, name)
    assert len(report.added) == 1  # the good one only


def test_a_truncated_gzip_keeps_what_came_before(stocked: Newsdesk, tmp_path: Path) -> None:
    report = _ingest_beside_good(stocked, BAD / "truncated.jsonl.gz", tmp_path)
    assert "truncated" in _failure(report, "truncated.jsonl.gz")
    assert {"gz-0", "gz-1", "gz-2"} <= set(report.added)


def test_one_bad_line_spares_the_others(stocked: Newsdesk, tmp_path: Path) -> None:
    report = _ingest_beside_good(stocked, BAD / "one-bad-line.jsonl", tmp_path)
    assert [f.origin.rsplit(":", 1)[1] for f in report.failed] == ["2"]
    assert {"mixed-1", "mixed-3", "mixed-4"} <= set(report.added)


def test_one_bad_message_of_an_mbox_spares_the_others(stocked: Newsdesk, tmp_path: Path) -> None:
    report = _ingest_beside_good(stocked, BAD / "mixed.mbox", tmp_path)
    (failed,) = report.failed
    assert failed.origin.endswith("mixed.mbox#2") and "message 2 (line 9)" in failed.message
    titles = {stocked.get_article(d).title for d in report.added}
    assert {"Ferry", "Harbour"} <= titles and "Picture only" not in titles


def test_odd_dates_are_read_or_refused_per_line(stocked: Newsdesk, tmp_path: Path) -> None:
    report = _ingest_beside_good(stocked, BAD / "odd-dates.jsonl", tmp_path)
    assert stocked.get_article("date-rfc").published_at == "2025-02-25"
    assert stocked.get_article("date-words").published_at == "2025-02-25"
    refused = {f.origin.rsplit(":", 1)[1]: f.message for f in report.failed}
    assert sorted(refused) == ["3", "4", "5", "6"]
    assert all("bad date" in m and "published_at" in m for m in refused.values())


def test_scripts_and_iframes_never_reach_the_text(stocked: Newsdesk, tmp_path: Path) -> None:
    report = _ingest_beside_good(stocked, BAD / "scripts.html", tmp_path)
    (doc_id,) = [d for d in report.added if stocked.get_article(d).title == "Bridge reopens"]
    text = stocked.get_article(doc_id).text
    assert "The old bridge reopened on Monday" in text and "Traffic returned" in text
    for payload in ("alert", "__pwned", "<script", "onerror", "javascript:", "display:none"):
        assert payload not in text


def test_control_characters_are_stored_as_text(stocked: Newsdesk, tmp_path: Path) -> None:
    report = _ingest_beside_good(stocked, BAD / "control-chars.txt", tmp_path)
    assert len(report.added) == 2 and not report.failed


def test_a_huge_title_is_refused(stocked: Newsdesk, tmp_path: Path) -> None:
    bad = tmp_path / "huge-title.json"
    bad.write_text(json.dumps({"title": "Headline " * 50_000, "body": GOOD_TEXT + " Again."}))
    report = _ingest_beside_good(stocked, bad, tmp_path)
    assert "title" in _failure(report, "huge-title.json")


@pytest.mark.slow  # ~30 s: the sentence splitter meets 2 million one-word "sentences"
def test_a_10_mb_single_line_is_stored(stocked: Newsdesk, tmp_path: Path) -> None:
    bad = tmp_path / "one-line.txt"
    bad.write_text(("word " * 2_000_000).strip(), encoding="utf-8")  # 10 MB, no newline
    report = _ingest_beside_good(stocked, bad, tmp_path)
    assert len(report.added) == 2 and not report.failed


@pytest.fixture
def capped(write_config: Callable[..., Path]) -> Newsdesk:
    """A desk whose file size caps are 1 MB (``ingest.max_file_mb``, ``max_unpacked_mb``)."""
    limits = "ingest:\n  max_file_mb: 1\n  max_unpacked_mb: 1\n"
    settings = load_settings(write_config(limits), env={})
    desk = build(settings, HashingEmbedder(), DictStore(), tagger=GazetteerTagger())
    ingest_paths(desk, [SAMPLE_DIR], show_progress=False)
    return desk


def test_a_file_over_the_size_cap_is_refused(capped: Newsdesk, tmp_path: Path) -> None:
    bad = tmp_path / "big.txt"
    bad.write_text("The quay flooded again. " * 60_000)  # 1.4 MB
    report = _ingest_beside_good(capped, bad, tmp_path)
    assert "over the limit of 1,048,576 bytes" in _failure(report, "big.txt")


def test_a_gzip_bomb_stops_at_the_cap(capped: Newsdesk, tmp_path: Path) -> None:
    bad = tmp_path / "bomb.jsonl.gz"
    first = json.dumps({"doc_id": "before-bomb", "body": "The dam held overnight."}) + "\n"
    with gzip.open(bad, "wb", compresslevel=9) as out:
        out.write(first.encode())
        for _ in range(64):  # 64 MB of blank lines, about 64 KB packed
            out.write(b"\n" * (1 << 20))
    assert bad.stat().st_size < 200_000
    report = _ingest_beside_good(capped, bad, tmp_path)
    assert "unpacks to more than the limit of 1,048,576 bytes" in _failure(report, "bomb.jsonl.gz")
    assert "before-bomb" in report.added


def test_a_symlink_loop_is_walked_once(stocked: Newsdesk, tmp_path: Path) -> None:
    folder = tmp_path / "loop"
    (folder / "inner").mkdir(parents=True)
    (folder / "inner" / "story.txt").write_text("The tunnel opened to cyclists on Monday.")
    (folder / "inner" / "back").symlink_to(folder, target_is_directory=True)
    report = _ingest_beside_good(stocked, folder, tmp_path)
    assert len(report.added) == 2 and not report.failed


def test_a_broken_link_and_a_fifo_are_named_not_followed(stocked: Newsdesk, tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(folder / "pipe.txt")  # opening it to read would block forever
    report = _ingest_beside_good(stocked, folder, tmp_path)
    _failure(report, "dangling.txt")
    _failure(report, "pipe.txt")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_named(stocked: Newsdesk, tmp_path: Path) -> None:
    bad = tmp_path / "secret.txt"
    bad.write_text("The vault was empty.")
    bad.chmod(0)
    report = _ingest_beside_good(stocked, bad, tmp_path)
    assert "cannot read" in _failure(report, "secret.txt")


def test_a_folder_named_like_a_file_is_read_as_a_folder(stocked: Newsdesk, tmp_path: Path) -> None:
    folder = tmp_path / "looks-like.txt"
    folder.mkdir()
    (folder / "inside.md").write_text("---\ntitle: Inside\n---\nThe pier was rebuilt in May.\n")
    report = _ingest_beside_good(stocked, folder, tmp_path)
    assert len(report.added) == 2 and not report.failed


@pytest.mark.slow  # several seconds
def test_ten_thousand_tiny_files(stocked: Newsdesk, tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    folder.mkdir()
    for i in range(10_000):
        (folder / f"{i:05d}.txt").write_text(f"Buoy {i} was replaced.")
    report = _ingest_beside_good(stocked, folder, tmp_path)
    assert len(report.added) == 10_001 and not report.failed


def test_a_path_traversal_upload_name_stays_a_name(stocked: Newsdesk, tmp_path: Path) -> None:
    before = set(tmp_path.parent.iterdir())
    name = "../../../" + tmp_path.name + "/../evil.txt"
    report = ingest_upload(stocked, name, io.BytesIO(GOOD_TEXT.encode()))
    (doc_id,) = report.added
    assert stocked.get_article(doc_id).origin == "upload/evil.txt"
    assert set(tmp_path.parent.iterdir()) == before  # nothing written beside the tests


def test_an_upload_with_only_bad_input_is_an_error_naming_it(stocked: Newsdesk) -> None:
    with pytest.raises(IngestError, match=r"upload/empty\.txt: file is empty"):
        require_stored(ingest_upload(stocked, "empty.txt", io.BytesIO(b"")))


def test_the_fixture_corpus_has_twenty_kinds(settings: Settings) -> None:
    static = {p.name for p in BAD.iterdir() if p.name != "README.md"}
    generated = 10  # huge title, 10 MB line, over cap, bomb, loop, link+fifo, unreadable,
    # folder named like a file, 10,000 files, path traversal
    assert static >= set(REFUSED) and len(static) + generated >= 20
