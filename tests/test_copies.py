"""Wire copies: the detector on labelled pairs (tests/fixtures/copies), and the desk: the
seed article re-published with a new headline and tail is linked to it, answers cite the
canonical article once and name the copy's publisher, the article lists its copies.
Fast tier (fakes for the model and the store; the detector is the real one)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.runner import ingest_paths
from rag.desk import Newsdesk
from rag.search import CopyIndex
from tests.conftest import SAMPLE_DIR, SEED, SEED_ID
from tests.copies_pairs import labelled_pairs


@pytest.mark.parametrize(("name", "first", "second", "is_copy"), labelled_pairs())
def test_the_detector_on_labelled_pairs(
    tmp_path: Path, name: str, first: str, second: str, is_copy: bool
) -> None:
    copies = CopyIndex(tmp_path)
    copies.add("first", first)
    assert (copies.add("second", second) == "first") is is_copy, name


def test_the_index_survives_a_restart_and_a_deleted_canonical(tmp_path: Path) -> None:
    _, first, second, _ = labelled_pairs()[0]
    copies = CopyIndex(tmp_path)
    copies.add("a", first)
    copies.add("b", second)
    copies.add("c", second + " More.")
    copies.flush()
    again = CopyIndex(tmp_path)
    assert again.story("c") == ["a", "b", "c"]
    again.remove("a")
    assert again.story("c") == ["b", "c"] and again.canonical("b") == "b"


def _republish(tmp_path: Path) -> Path:
    text = SEED.read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = "\n\n".join([*paragraphs[:-2], "Reporting by the Nordic Wire desk; editing by staff."])
    copy = tmp_path / "wire.json"
    copy.write_text(json.dumps({
        "doc_id": "wire-copy", "title": "Kremlin open to US rare earth deal, spokesman says",
        "source": "Nordic Wire", "published_at": "2025-02-26", "body": body,
    }))  # fmt: skip
    return copy


def test_a_republished_seed_is_linked_and_cited_once(fake_desk: Newsdesk, tmp_path: Path) -> None:
    ingest_paths(fake_desk, [SAMPLE_DIR, _republish(tmp_path)], show_progress=False)
    copy = fake_desk.get_article("wire-copy")
    assert copy.copy_of == SEED_ID
    assert fake_desk.get_article(SEED_ID).copies == ("wire-copy",)
    answer = fake_desk.ask("What did Peskov say?")
    assert answer.found
    assert {c.doc_id for c in answer.citations} == {SEED_ID}  # the canonical, not the copy
    named = "Kremlin open to US rare earth deal, spokesman says (Nordic Wire)"
    assert all(c.also_in == (named,) for c in answer.citations)


def test_a_copy_without_a_publisher_is_named_by_its_title(
    fake_desk: Newsdesk, tmp_path: Path
) -> None:
    """A .txt copy (no publisher) was cited as "also in: 212bbbd712e113b5": its raw id."""
    record = json.loads(_republish(tmp_path).read_text())
    text = tmp_path / "txt" / "kremlin-copy.txt"
    text.parent.mkdir()
    text.write_text(f"Kremlin open to rare earth deal\n\n{record['body']}", encoding="utf-8")
    ingest_paths(fake_desk, [SAMPLE_DIR, text], show_progress=False)
    answer = fake_desk.ask("What did Peskov say?")
    assert answer.found
    assert all(c.also_in == ("Kremlin open to rare earth deal",) for c in answer.citations)


def test_deleting_the_copy_unlinks_it(fake_desk: Newsdesk, tmp_path: Path) -> None:
    ingest_paths(fake_desk, [SAMPLE_DIR, _republish(tmp_path)], show_progress=False)
    fake_desk.delete_article("wire-copy")
    assert fake_desk.get_article(SEED_ID).copies == ()
    assert all(not c.also_in for c in fake_desk.ask("What did Peskov say?").citations)
