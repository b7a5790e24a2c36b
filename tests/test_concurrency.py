"""Questions go on while an ingest runs; ingests queue; an interrupted write is repaired.

Fast tier, on the fakes: the embedder here blocks on an event, so a test can hold an
ingest in the middle of its work and ask questions meanwhile. No timings are asserted:
each test checks what happened, in what order.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from rag.contract import ArticleInput
from rag.desk import Newsdesk, build
from rag.embedding import Vectors
from rag.search import BM25Index
from rag.text import terms
from services.settings import Settings
from tests.fakes import DictStore, GazetteerTagger, HashingEmbedder

WAIT = 30  # seconds: a generous bound on a hang, never a measurement


class GatedEmbedder(HashingEmbedder):
    """Embeds questions at once, but holds each batch of an ingest (embedded in the
    indexer's ``embed`` worker thread) until ``release`` is set, after signalling
    ``entered``. The sentences a question's answerer compares are batches too, embedded
    in its close-reading thread: those pass."""

    def __init__(self) -> None:
        super().__init__()
        self.entered, self.release = threading.Event(), threading.Event()

    def embed(self, texts: Sequence[str]) -> Vectors:
        if threading.current_thread().name.startswith("embed"):  # rag/desk/indexer.py
            self.entered.set()
            assert self.release.wait(WAIT), "the test never released the ingest"
        return super().embed(texts)


def _articles(n: int, word: str) -> list[ArticleInput]:
    return [
        ArticleInput(
            text=f"The {word} harbour of town {i} reopened on Monday. Ferries sailed at dawn.",
            title=f"{word} {i}",
            source="Wire",
            published_at="2025-02-25",
            doc_id=f"{word}-{i}",
        )
        for i in range(n)
    ]


@pytest.fixture
def gated(settings: Settings) -> tuple[Newsdesk, GatedEmbedder]:
    embedder = GatedEmbedder()
    desk = build(settings, embedder, DictStore(), tagger=GazetteerTagger())
    embedder.release.set()
    desk.ingest(_articles(3, "northern"))
    embedder.release.clear()
    return desk, embedder


def test_questions_are_answered_while_an_ingest_is_embedding(
    gated: tuple[Newsdesk, GatedEmbedder],
) -> None:
    desk, embedder = gated
    embedder.entered.clear()
    worker = threading.Thread(target=desk.ingest, args=(_articles(40, "southern"),))
    worker.start()
    try:
        assert embedder.entered.wait(WAIT)
        answer = desk.ask("When did the northern harbour reopen?")  # the ingest is held
        assert worker.is_alive()
        assert answer.found and answer.citations
        assert {c.doc_id for c in answer.citations} <= {f"northern-{i}" for i in range(3)}
        assert desk.list_articles().total == 3  # the last consistent state
    finally:
        embedder.release.set()
        worker.join(WAIT)
    assert desk.list_articles().total == 43
    assert desk.check().consistent


def test_a_second_ingest_waits_for_the_first(gated: tuple[Newsdesk, GatedEmbedder]) -> None:
    desk, embedder = gated
    order: list[str] = []

    def ingest(word: str) -> None:
        desk.ingest(_articles(5, word))
        order.append(word)

    embedder.entered.clear()
    first = threading.Thread(target=ingest, args=("eastern",))
    first.start()
    assert embedder.entered.wait(WAIT)
    second = threading.Thread(target=ingest, args=("western",))
    second.start()
    second.join(0.5)
    assert second.is_alive() and not order  # queued behind the first, not interleaved
    embedder.release.set()
    first.join(WAIT)
    second.join(WAIT)
    assert order == ["eastern", "western"]
    assert desk.list_articles().total == 13 and desk.check().consistent


def test_the_index_taken_in_by_writes_equals_a_full_sync(
    fake_desk: Newsdesk, tmp_path: Path
) -> None:
    fake_desk.ingest(_articles(20, "northern"))
    changed = _articles(5, "northern")
    changed = [ArticleInput(**{**vars(a), "text": a.text + " Tolls rose."}) for a in changed]
    fake_desk.ingest(changed)  # replaces chunks: removed ids are taken out too
    absorbed = fake_desk.corpus.index
    fresh = BM25Index(tmp_path / "fresh")
    fresh.sync(fake_desk.corpus.store)
    assert sorted(absorbed.catalogue.ids) == sorted(fresh.catalogue.ids)
    order = [absorbed.catalogue.row_of[c] for c in fresh.catalogue.ids]
    for term in ("harbour", "tolls", "ferries"):
        a = absorbed.search([term], 50)
        b = fresh.search([term], 50)
        assert dict(a) == pytest.approx(dict(b))
    assert np.allclose(absorbed.counts[order].sum(axis=1), fresh.counts.sum(axis=1))


class CrashingStore(DictStore):
    """Dies the way ``kill -9`` would between a write's chunks and its article records."""

    crash = False

    def write_articles(self, batch):  # type: ignore[no-untyped-def]
        if not self.crash:
            return super().write_articles(batch)
        for article, chunks, vectors in batch:  # the chunks land, the articles never do
            for chunk, vector in zip(chunks, vectors, strict=True):
                self.chunks[chunk.chunk_id] = (chunk, vector, article.source, 0)
        raise KeyboardInterrupt("killed mid-write")


def test_a_write_cut_short_is_repaired_when_the_store_is_next_opened(settings: Settings) -> None:
    store = CrashingStore()
    desk = build(settings, HashingEmbedder(), store, tagger=GazetteerTagger())
    desk.ingest(_articles(3, "northern"))
    store.crash = True
    with pytest.raises(KeyboardInterrupt):
        desk.ingest(_articles(4, "southern"))
    store.crash = False
    reopened = build(
        settings, HashingEmbedder(), store, tagger=GazetteerTagger()
    )  # the journal names the write
    assert not reopened.check().consistent
    report = reopened.recover()
    assert report is not None and report.orphan_chunks
    assert reopened.check().consistent and reopened.recover() is None
    again = reopened.ingest(_articles(4, "southern"))
    assert sorted(again.added) == [f"southern-{i}" for i in range(4)]
    assert reopened.list_articles().total == 7 and reopened.check().consistent


def test_a_prepared_index_is_swapped_in_only_if_it_still_fits(fake_desk: Newsdesk) -> None:
    fake_desk.ingest(_articles(3, "northern"))
    index = fake_desk.corpus.index
    written = [(("x:0001", "x", "Wire", 0), "The ferry sailed at dawn.")]
    prepared = index.prepare(written, [])
    assert "x:0001" not in index.catalogue.ids  # preparing changes nothing
    assert not index.install(prepared, ["northern-0:gone"], "g2")  # the write removed more
    stale = index.prepare(written, [])
    index.generation = "someone-else-wrote"
    assert not index.install(stale, [], "g3")  # made from another generation
    fresh = index.prepare(written, [])
    assert index.install(fresh, [], "g4") and "x:0001" in index.catalogue.ids
    assert index.generation == "g4" and index.search(terms("ferry"), 5)[0][0] == "x:0001"


def test_an_ingest_makes_way_for_questions_in_flight() -> None:
    from rag.corpus import Readers

    readers = Readers()
    assert readers.wait_idle(0)  # nobody asking: go on
    entered, done = threading.Event(), threading.Event()

    def question() -> None:
        with readers.reading():
            entered.set()
            done.wait(WAIT)

    asking = threading.Thread(target=question)
    asking.start()
    assert entered.wait(WAIT)
    assert not readers.wait_idle(0.01)  # a question in flight: wait (then go on anyway)
    done.set()
    assert readers.wait_idle(WAIT)  # woken when it ends
    asking.join(WAIT)


def test_embedding_in_slices_gives_the_same_vectors(fake_desk: Newsdesk) -> None:
    texts = [f"Text number {i} about the harbour." for i in range(75)]
    whole = fake_desk.indexer.embedder.embed(texts)
    sliced = fake_desk.indexer._embed(texts)
    assert np.array_equal(whole, sliced)
