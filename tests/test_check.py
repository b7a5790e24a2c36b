"""`newsdesk check`: what a crash mid-ingest can leave is found, and repaired (fast tier:
the desk runs on the fakes, whose store lets a test break it the way a crash would)."""

from __future__ import annotations

import numpy as np

from ingest.runner import ingest_paths
from rag.desk import Newsdesk
from rag.search import Chunk
from tests.conftest import SAMPLE_DIR, SEED_ID
from tests.fakes import DictStore


def _broken(desk: Newsdesk) -> DictStore:
    ingest_paths(desk, [SAMPLE_DIR], show_progress=False)
    store = desk.corpus.store
    assert isinstance(store, DictStore)
    assert desk.check().consistent
    ids = sorted(c for c, v in store.chunks.items() if v[0].doc_id == SEED_ID)
    store.delete_chunks(ids[-2:])  # the article lost two chunks
    vector = np.zeros(384, dtype=np.float32)
    ghost = Chunk("gone:abcd1234:0000", "gone", 0, "text", 0, 4)  # its article never came
    stale = Chunk(f"{SEED_ID}:00000000:0000", SEED_ID, 0, "old", 0, 3)  # an old version
    store.chunks[ghost.chunk_id] = (ghost, vector, "", 0)
    store.chunks[stale.chunk_id] = (stale, vector, "", 0)
    return store


def test_check_finds_orphans_stale_chunks_gaps_and_an_index_out_of_step(
    fake_desk: Newsdesk,
) -> None:
    store = _broken(fake_desk)
    fake_desk.corpus.index.generation = store.generation()  # a cache that claims to be current
    report = fake_desk.check()
    assert not report.consistent
    assert report.orphan_chunks == ["gone:abcd1234:0000"]
    assert report.stale_chunks == [f"{SEED_ID}:00000000:0000"]
    assert report.incomplete == [SEED_ID]
    assert report.index_out_of_step  # its chunks are not the store's


def test_repair_makes_the_store_whole_again(fake_desk: Newsdesk) -> None:
    store = _broken(fake_desk)
    before = fake_desk.get_article(SEED_ID)
    assert fake_desk.check(repair=True).repaired
    after = fake_desk.check()
    assert after.consistent, after.summary()
    assert fake_desk.get_article(SEED_ID).text == before.text
    assert fake_desk.get_article(SEED_ID).content_hash == before.content_hash
    assert "gone" not in {c.doc_id for c, *_ in store.chunks.values()}
    assert any(
        "270,000" in c.quote for c in fake_desk.ask("How many tons did China extract?").citations
    )
