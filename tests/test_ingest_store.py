"""Ingestion into real embedded Chroma: idempotence, updates, deletion and bad inputs."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from ingest.runner import ingest_paths
from rag.desk import Newsdesk
from rag.errors import NotFoundError
from rag.text import ChunkSpan, CleanText
from tests.conftest import SAMPLE_DIR, SEED_ID

pytestmark = pytest.mark.slow  # the real model and Chroma


def _article(doc_id: str, body: str, **extra: str) -> str:
    return json.dumps({"doc_id": doc_id, "title": f"Title {doc_id}", "body": body, **extra})


def test_ingesting_the_same_folder_twice_changes_nothing(desk: Newsdesk) -> None:
    first = ingest_paths(desk, [SAMPLE_DIR], show_progress=False)
    chunks = desk.stats()["chunks"]
    second = ingest_paths(desk, [SAMPLE_DIR], show_progress=False)
    assert first.added == [SEED_ID] and chunks > 3
    assert second.unchanged == [SEED_ID] and second.chunks_written == 0
    assert desk.stats() == {"articles": 1, "chunks": chunks}


def test_a_changed_article_replaces_its_chunks(desk: Newsdesk, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(_article("a1", "The mayor opened a new bridge over the river.") + "\n")
    ingest_paths(desk, [feed], show_progress=False)
    feed.write_text(_article("a1", "The mayor closed the old ferry after the storm.") + "\n")
    report = ingest_paths(desk, [feed], show_progress=False)
    assert report.updated == ["a1"]
    assert desk.stats() == {"articles": 1, "chunks": 1}
    answer = desk.ask("What did the mayor close after the storm?")
    assert "ferry" in answer.answer
    assert not desk.ask("Which bridge did the mayor open?").citations


def test_delete_removes_article_and_chunks(desk: Newsdesk) -> None:
    ingest_paths(desk, [SAMPLE_DIR], show_progress=False)
    desk.delete_article(SEED_ID)
    assert desk.stats() == {"articles": 0, "chunks": 0}
    assert desk.ask("How many tons of rare earths did China extract?").citations == []
    with pytest.raises(NotFoundError):
        desk.delete_article(SEED_ID)


def test_bad_inputs_are_reported_and_the_rest_is_stored(desk: Newsdesk, tmp_path: Path) -> None:
    ingest_paths(desk, [SAMPLE_DIR], show_progress=False)
    bad = tmp_path / "batch"
    bad.mkdir()
    (bad / "empty.txt").write_text("")
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02 binary")
    (bad / "latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (bad / "notes.pdf").write_bytes(b"%PDF-1.4")
    (bad / "huge.txt").write_text("word " * 400_000)
    (bad / "boiler.txt").write_text(  # nothing but site boilerplate (seen in RGB)
        "Click here to view the 2020 The Open Championship Leaderboard. "
        "Keep up with all the news, scores and highlights."
    )
    good = _article("g1", "Lighthouse keepers in Maine voted to unionise on Friday.")
    (bad / "feed.jsonl").write_text(
        good + "\n{not json\n" + _article("g2", "Ferries ran late.") + "\n"
    )
    with gzip.open(bad / "more.jsonl.gz", "wt") as out:
        out.write(_article("g3", "The orchard harvest doubled this autumn.") + "\n")
    shutil.copy(SAMPLE_DIR / "000_c030bf5d14f6109c.txt", bad / "copy.txt")
    desk.settings.ingest.max_file_mb = 1.0
    report = ingest_paths(desk, [bad, tmp_path / "missing"], show_progress=False)
    failed = {Path(f.origin.split(":")[0]).name: f.message for f in report.failed}
    assert set(failed) == {
        "empty.txt",
        "binary.txt",
        "latin1.txt",
        "notes.pdf",
        "huge.txt",
        "boiler.txt",
        "feed.jsonl",
        "missing",
    }
    assert any(f.origin.endswith("feed.jsonl:2") for f in report.failed), report
    assert "no article text left after cleaning" in failed["boiler.txt"]
    assert {"g1", "g2", "g3"} <= set(report.added) and len(report.added) == 4, report
    assert desk.stats()["articles"] == 5  # the sample, g1-g3 and the copied .txt
    assert desk.get_article(SEED_ID).meta.source == "Breitbart News"  # nothing lost


def test_batches_of_many_articles_update_only_what_changed(desk: Newsdesk, tmp_path: Path) -> None:
    feed = tmp_path / "many.jsonl"
    bodies = {f"m{i:03d}": f"Item {i}: the library lent {i} atlases this week." for i in range(150)}
    feed.write_text("".join(_article(k, v) + "\n" for k, v in bodies.items()))
    first = ingest_paths(desk, [feed], show_progress=False)
    assert len(first.added) == 150 and desk.stats() == {"articles": 150, "chunks": 150}
    bodies["m007"] = "Item 7: the library closed for repairs."
    bodies["m120"] = "Item 120: the museum lent a map."
    feed.write_text("".join(_article(k, v) + "\n" for k, v in bodies.items()))
    second = ingest_paths(desk, [feed], show_progress=False)
    assert sorted(second.updated) == ["m007", "m120"] and len(second.unchanged) == 148
    assert desk.stats() == {"articles": 150, "chunks": 150}
    assert desk.get_article("m120").text == "Item 120: the museum lent a map."
    assert "museum" in desk.ask("What did the museum lend?").answer


def test_an_unexpected_error_on_one_article_fails_only_that_article(
    desk: Newsdesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        _article("ok1", "The river ferry resumed service.")
        + "\n"
        + _article("boom", "This one trips a bug.")
        + "\n"
        + _article("ok2", "The bakery reopened on Main Street.")
        + "\n"
    )
    chunker = desk.indexer.chunker
    split = chunker.split

    def buggy(cleaned: CleanText) -> list[ChunkSpan]:
        if "trips a bug" in cleaned.text:
            raise IndexError("tuple index out of range")
        return split(cleaned)

    monkeypatch.setattr(chunker, "split", buggy)
    report = ingest_paths(desk, [feed], show_progress=False)
    assert sorted(report.added) == ["ok1", "ok2"]
    (failure,) = report.failed
    assert failure.origin.endswith("feed.jsonl:2")
    assert "IndexError" in failure.message


def test_a_store_refuses_another_models_vectors(desk: Newsdesk) -> None:
    from rag.embedding import ModelRecord
    from rag.errors import StoreError
    from rag.search.store import ChromaStore

    settings = desk.settings.store.model_copy(update={"collection": "old"})
    torch = ModelRecord("all-MiniLM-L6-v2/torch", 384, True, "torch")
    store = ChromaStore(settings, torch)
    legacy = {**(store.chunks.metadata or {}), "embedding_model": "all-MiniLM-L6-v2/torch-fp32"}
    for key in ("embedding_dimensions", "embedding_normalised", "embedding_backend"):
        legacy.pop(key)
    store.chunks.modify(metadata=legacy)  # as an earlier version stamped it: the model id alone
    assert ChromaStore(settings, torch).model_id == torch.model  # the same vectors: accepted
    with pytest.raises(StoreError, match="built with all-MiniLM-L6-v2/torch, but the config"):
        ChromaStore(settings, ModelRecord("all-MiniLM-L6-v2/onnx-int8", 384, True, "onnx"))


def test_a_store_records_its_model_and_refuses_another(desk: Newsdesk) -> None:
    from rag.embedding import ModelRecord
    from rag.errors import StoreError
    from rag.search.store import ChromaStore

    settings = desk.settings.store.model_copy(update={"collection": "bge"})
    ChromaStore(settings, ModelRecord("BAAI/bge-small-en-v1.5", 384, True, "openai"))
    with pytest.raises(StoreError) as refused:
        ChromaStore(settings, ModelRecord("all-MiniLM-L6-v2/torch", 384, True, "torch"))
    assert str(refused.value).startswith(
        f"the store 'bge' at {settings.path} was built with BAAI/bge-small-en-v1.5 (384 "
        "dimensions, normalised, backend openai), but the config gives all-MiniLM-L6-v2/torch"
    )
    with pytest.raises(StoreError, match="768 dimensions"):  # one name, another length
        ChromaStore(settings, ModelRecord("BAAI/bge-small-en-v1.5", 768, True, "openai"))
    with pytest.raises(StoreError, match="not normalised"):
        ChromaStore(settings, ModelRecord("BAAI/bge-small-en-v1.5", 384, False, "openai"))


def test_the_served_model_over_http_mixes_with_the_local_one(desk: Newsdesk) -> None:
    """newsdesk serve's all-MiniLM-L6-v2/torch over HTTP gives the local model's vectors: a
    store built one way opens the other way, and keeps the backend that built it."""
    from rag.contract import ArticleInput
    from rag.embedding import ModelRecord
    from rag.search.store import ChromaStore

    desk.ingest([ArticleInput(text="The harbour reopened after the storm.", doc_id="h")])
    assert (desk.corpus.store.chunks.metadata or {})["embedding_backend"] == "torch"  # type: ignore[attr-defined]
    remote = ChromaStore(
        desk.settings.store, ModelRecord(desk.embedder.model_id, 384, True, "openai")
    )
    remote.delete_article("h")  # a write through the remote-model desk
    metadata = remote.chunks.metadata or {}
    assert metadata["embedding_backend"] == "torch" and metadata["embedding_dimensions"] == 384


def test_a_date_range_can_keep_undated_articles_in_chroma(desk: Newsdesk) -> None:
    from datetime import date

    from rag.contract import ArticleInput, Filters

    desk.ingest([
        ArticleInput(text="Andy Murray won the men's singles title at Wimbledon.", doc_id="u"),
        ArticleInput(text="Novak Djokovic won the men's singles title at Wimbledon.",
                     doc_id="d", published_at="2019-07-14"),
    ])  # fmt: skip
    year = {"published_after": date(2013, 1, 1), "published_before": date(2013, 12, 31)}
    found = desk.corpus.store.dense_search(desk.embedder.embed(["Wimbledon winner"])[0], 5,
                                    Filters(**year, undated=True))  # fmt: skip
    assert {chunk_id.split(":")[0] for chunk_id, _ in found} == {"u"}
    assert not desk.corpus.store.dense_search(
        desk.embedder.embed(["Wimbledon"])[0], 5, Filters(**year)
    )


def test_texts_live_in_metadata_and_older_stores_still_read(desk: Newsdesk) -> None:
    """Texts are written as metadata (Chroma's documents are indexed for full-text search,
    which cost most of a write); a store written before, texts as documents, reads the
    same: its chunks, their records for BM25, its articles, and ``check``."""
    ingest_paths(desk, [SAMPLE_DIR], show_progress=False)
    store = desk.corpus.store
    ids = [cid for page in store.iter_chunk_ids() for cid in page]
    assert ids and all(":" in cid for cid in ids)
    raw = store.chunks.get(ids=ids, include=["metadatas", "documents"])  # type: ignore[attr-defined]
    assert set(raw["documents"]) == {None} and all(m["text"] for m in raw["metadatas"])
    before = (store.get_chunks(ids), store.chunk_records(ids), store.get_article(SEED_ID))
    # rewrite the records as an earlier version did: texts as documents, not metadata
    for coll, keys in ((store.chunks, ids), (store.articles, [SEED_ID])):  # type: ignore[attr-defined]
        found = coll.get(ids=keys, include=["metadatas", "embeddings"])
        metas = [{**m, "text": None} for m in found["metadatas"]]  # None: key removed
        texts = [m["text"] for m in found["metadatas"]]
        coll.upsert(ids=keys, embeddings=found["embeddings"], metadatas=metas, documents=texts)
    assert "text" not in store.chunks.get(ids=ids[:1], include=["metadatas"])["metadatas"][0]  # type: ignore[attr-defined]
    after = (store.get_chunks(ids), store.chunk_records(ids), store.get_article(SEED_ID))
    assert after == before and before[1][0][0]["doc_id"] == SEED_ID
    assert desk.check().consistent


def test_chunk_ids_are_listed_whole_across_pages(
    desk: Newsdesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ids come in large offset pages (Chroma's offset paging is quadratic in small ones):
    every id once, whatever the page size."""
    import rag.search.store as store_module

    ingest_paths(desk, [SAMPLE_DIR], show_progress=False)
    store = desk.corpus.store
    whole = [cid for page in store.iter_chunk_ids() for cid in page]
    monkeypatch.setattr(store_module, "ID_PAGE", 2)
    pages = list(store.iter_chunk_ids())
    assert len(pages) == (len(whole) + 1) // 2 and max(len(p) for p in pages) == 2
    assert sorted(cid for page in pages for cid in page) == sorted(whole)
    assert len(whole) == desk.stats()["chunks"] == len(set(whole))
