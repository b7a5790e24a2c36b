"""The ways into the store besides the plain local ingest, on the in-memory fakes: a
pipeline with many batches in flight (as on a Ray cluster) stores what the local one
does; writes while nobody asks are folded into BM25 once and give the index a full sync
gives, while writes with questions about keep it current; the preparer travels to other
processes (pickled) and gives the same chunks there; cleaning's offsets and chunking's
token counts equal their plain, slower definitions; each process on a shared store gets
a cache folder of its own; the copy index reads the file format it replaced.
"""

from __future__ import annotations

import json
import pickle
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rag.contract import ArticleInput
from rag.desk import Embedded, Newsdesk, Planned, Prepared, Preparer, build
from rag.desk.indexer import BATCH_ARTICLES, WRITE_ARTICLES, LocalPipeline
from rag.search import BM25Index, CopyIndex, claim_slot, signature
from rag.search import bm25 as bm25_module
from rag.text import clean, terms
from rag.text.chunking import token_counter
from services.settings import Settings
from tests.conftest import SEED
from tests.fakes import DictStore, HashingEmbedder

PLACES = ["harbour", "ferry", "bridge", "tunnel", "airport", "station"]


def _articles(n: int, tag: str, extra: str = "") -> list[ArticleInput]:
    return [
        ArticleInput(
            text=" ".join(
                f"The {PLACES[(i + k) % 6]} at {tag} {i} closed for repairs number {k}.{extra}"
                for k in range(1 + i % 5)
            ),
            doc_id=f"{tag}-{i}",
            source="Wire" if i % 2 else "Daily",
        )
        for i in range(n)
    ]


class ThreadPipeline:
    """Prepares and embeds in threads with up to ``window`` batches in flight, finishing
    them out of order: what a cluster's pipeline does, without the cluster."""

    def __init__(self, preparer: Preparer, window: int = 5) -> None:
        self.preparer, self.window = pickle.loads(pickle.dumps(preparer)), window
        self.pool = ThreadPoolExecutor(max_workers=4)
        self.embedder = HashingEmbedder()

    def submit(self, todo: list[Planned]) -> Future[Embedded]:
        return self.pool.submit(self._work, todo)

    def _work(self, todo: list[Planned]) -> Embedded:
        results = self.preparer.prepare_all(todo)
        ok = [r for r in results if isinstance(r, Prepared)]
        failed = [r for r in results if not isinstance(r, Prepared)]
        vectors = self.embedder.embed([t for p in ok for t in p.texts])
        return Embedded(ok, vectors, failed)  # type: ignore[arg-type]

    def close(self) -> None:
        self.pool.shutdown()


def _state(desk: Newsdesk) -> tuple[dict[str, str], list[str]]:
    store = desk.corpus.store
    assert isinstance(store, DictStore)
    return {d: a.content_hash for d, a in store.articles.items()}, sorted(store.chunks)


def test_a_pipeline_with_many_batches_in_flight_stores_what_the_local_one_does(
    settings: Settings, tmp_path: Path
) -> None:
    items = [*_articles(300, "north"), *_articles(40, "north", " Tolls rose.")]  # re-edited
    local = build(settings, HashingEmbedder(), DictStore())
    expected = local.ingest(items)
    other = settings.model_copy(
        update={"store": settings.store.model_copy(update={"cache_path": tmp_path / "c2"})}
    )
    remote = build(other, HashingEmbedder(), DictStore())
    report = remote.ingest(items, pipeline=ThreadPipeline(remote.indexer.preparer))
    assert report.summary() == expected.summary() and report.added == expected.added
    assert report.updated == expected.updated  # the second version of north-0..39 wins
    assert _state(remote) == _state(local)
    assert remote.check().consistent
    again = remote.ingest(items, pipeline=ThreadPipeline(remote.indexer.preparer))
    assert again == local.ingest(items)  # the edited 40 flip twice; the rest is unchanged
    assert len(again.unchanged) == 260 and not again.added


def test_deferred_writes_fold_into_the_index_a_full_sync_gives(
    fake_desk: Newsdesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bm25_module, "FOLD_ROWS", 40)  # fold on the way too, not only at the end
    index = fake_desk.corpus.index
    folds: list[int] = []
    fold = index.fold

    def counted() -> bool:
        folds.append(1)
        return fold()

    monkeypatch.setattr(index, "fold", counted)
    fake_desk.ingest(_articles(200, "south"))
    fake_desk.ingest([a for a in _articles(60, "south", " Fares doubled.")])  # updates
    assert index.deferred is None and 1 < len(folds) < 20  # not once per write (~17 writes)
    fresh = BM25Index(tmp_path / "fresh")
    fresh.sync(fake_desk.corpus.store)
    assert sorted(index.catalogue.ids) == sorted(fresh.catalogue.ids)
    for term in ("harbour", "fare", "doubl", "tunnel"):
        assert dict(index.search(terms(term), 300)) == pytest.approx(
            dict(fresh.search(terms(term), 300))
        )
    assert fake_desk.check().consistent


def test_writes_keep_the_index_current_while_questions_are_asked(fake_desk: Newsdesk) -> None:
    fake_desk.ingest(_articles(10, "east"))
    fake_desk.ask("Which harbour closed?")  # a question: writes now prepare the index ahead
    writes: list[bool] = []
    write = fake_desk.corpus.write

    def watched(part, signatures=None):  # type: ignore[no-untyped-def]
        write(part, signatures)
        writes.append(fake_desk.corpus.index.deferred is None)

    fake_desk.corpus.write = watched  # type: ignore[method-assign]
    fake_desk.ingest(_articles(40, "west"))
    assert writes and all(writes)  # never deferred
    quiet = fake_desk.corpus.readers
    quiet._last = float("-inf")  # nobody asked for a long while: writes are noted
    writes.clear()
    fake_desk.ingest(_articles(40, "upland"))
    assert writes and not any(writes)  # deferred until the ingest settled
    assert fake_desk.corpus.index.deferred is None
    assert fake_desk.search("Which tunnel at upland closed?")[0].doc_id.startswith("upland")


def test_a_read_during_a_quiet_ingest_folds_first(fake_desk: Newsdesk) -> None:
    """A question that arrives while writes are deferred sees all of them."""
    fake_desk.ingest(_articles(5, "first"))
    seen: list[int] = []
    corpus = fake_desk.corpus
    write = corpus.write

    def then_read(part, signatures=None):  # type: ignore[no-untyped-def]
        write(part, signatures)
        if corpus.index.deferred is not None and not seen:
            done = threading.Event()

            def ask() -> None:
                with corpus.read() as view:
                    seen.append(len(view.catalogue.article_ids))
                done.set()

            threading.Thread(target=ask).start()
            assert done.wait(30)

    corpus.write = then_read  # type: ignore[method-assign]
    fake_desk.ingest(_articles(WRITE_ARTICLES + 10, "second"))
    assert seen == [5 + WRITE_ARTICLES]  # the first write of the ingest, folded in


def test_the_preparer_travels_and_prepares_the_same(settings: Settings) -> None:
    preparer = Preparer(settings.chunking, settings.ingest)
    text = SEED.read_text(encoding="utf-8")
    item = ArticleInput(text=text, title="Seed", doc_id="seed")
    (planned,), _ = preparer.plan([item], {})
    here = preparer.prepare(planned)
    blob = pickle.dumps(preparer)
    assert len(blob) < 4000  # settings only: no tokenizer, no splitter
    there = pickle.loads(blob).prepare(planned)
    assert there.chunks == here.chunks and there.article == here.article
    assert np.array_equal(there.signature, here.signature)  # type: ignore[arg-type]
    assert np.array_equal(here.signature, signature(text))  # type: ignore[arg-type]
    unchanged = preparer.plan([item], {"seed": planned.digest})
    assert unchanged == ([], ["seed"])


def _clean_word_by_word(text: str) -> list[int]:
    """The mapping cleaning gave before it kept verbatim stretches whole: every cleaned
    position's original offset, one piece per word and per whitespace run."""
    import re

    from rag.text import kept_regions

    out: list[int] = []
    for n, (start, end) in enumerate(kept_regions(text)):
        if n:
            out += [start - 1, start - 1]
        pos = start
        for gap in re.finditer(r"\s+", text[start:end]):
            g0, g1 = start + gap.start(), start + gap.end()
            out += [*range(pos, g0), g0]
            pos = g1
        out += list(range(pos, end))
    return out


@pytest.mark.parametrize(
    "text",
    [
        "a\u00a0b  c\t\td \u2009e\n\n  f  \r\n g",
        "Share.\nword  word\n\n\nAdvertisement\n z  y",
        "  leading and trailing  \n",
        "one",
        "x\u3000y\u2028z",
    ],
)
def test_cleaning_maps_like_word_by_word(text: str) -> None:
    cleaned = clean(text + "\n" + SEED.read_text(encoding="utf-8")[:3000])
    expected = _clean_word_by_word(text + "\n" + SEED.read_text(encoding="utf-8")[:3000])
    assert [cleaned.to_original(p) for p in range(len(cleaned.text))] == expected


@pytest.mark.parametrize(
    "text",
    [
        "The U.S.-China talks (in Geneva) ended; officials said “nothing” — again…",
        "Don’t stop: 3.5% of $1,200bn isn’t much, @user #tag [UNK] [CLS] x",
        "Ünïcödé façade naïve café Zürich 北京 Москва",
        "tabs\tand\nnewlines\r\nand   spaces",
        "snake_case words and e-mail@example.com http://a.b/c?d=e",
        "A" * 150 + " " + "supercalifragilisticexpialidocious",
        "\x00control\x07chars\x7f",
    ],
)
def test_word_by_word_token_counts_are_the_tokenizers(text: str) -> None:
    from rag.embedding import minilm_tokenizer

    tokenizer = minilm_tokenizer(max_tokens=None)
    count = token_counter(tokenizer)
    for piece in (text, text.lower(), text.upper(), SEED.read_text(encoding="utf-8")):
        assert count(piece) == len(tokenizer.encode(piece, add_special_tokens=False).ids)


def test_each_process_on_a_shared_store_gets_its_own_cache_folder(tmp_path: Path) -> None:
    base = tmp_path / "news-1234"
    first = claim_slot(base)
    (first.folder / "bm25.json").write_text("{}")
    (first.folder / "write-journal.json").write_text('{"doc_ids": ["a"]}')
    second = claim_slot(base)  # held by another process (here: another claim)
    assert (first.folder.name, second.folder.name) == ("slot-0", "slot-1")
    assert (second.folder / "bm25.json").read_text() == "{}"  # seeded from the freshest
    assert not (second.folder / "write-journal.json").exists()  # a journal is its writer's
    first.release()
    again = claim_slot(base)  # a restarted process takes the freed slot, journal and all
    assert again.folder.name == "slot-0" and (again.folder / "write-journal.json").exists()


def test_the_copy_index_reads_the_json_it_used_to_write(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    sig = signature(text)
    assert sig is not None
    old = {"canonical_of": {"a": "a", "b": "a"}, "signatures": {"a": sig.tolist()}}
    (tmp_path / "copies.json").write_text(json.dumps(old))
    index = CopyIndex(tmp_path)
    assert index.copies_of("a") == ["b"] and index.canonical("b") == "a"
    assert index.add(text[:50] + "x", text) == "a"  # found through the loaded signature
    index.flush()
    assert not (tmp_path / "copies.json").exists()
    reloaded = CopyIndex(tmp_path)
    assert reloaded.copies_of("a") == sorted(["b", text[:50] + "x"])


def test_worker_processes_prepare_what_this_process_would(settings: Settings) -> None:
    """A large ingest cleans and chunks in worker processes (``ingest.prepare_processes``)
    once they are up: the same articles, chunks and failures as preparing them here."""
    preparer = Preparer(settings.chunking, settings.ingest)
    items = [*_articles(40, "many"), ArticleInput(text="   ", doc_id="empty-one")]
    todo, _ = preparer.plan(items, {})
    pipe = LocalPipeline(preparer, HashingEmbedder().embed, processes=2)
    try:
        pipe.submit(todo[:32]).result()  # a large first batch starts the workers
        for started in pipe._ready:
            started.result(timeout=120)
        assert pipe._workers is not None
        done = pipe.submit(todo).result()  # the second batch: prepared by the workers
    finally:
        pipe.close()
    here = preparer.prepare_all(todo)
    assert [f.origin for f in done.failed] == ["empty-one"]
    assert [(p.article, p.chunks) for p in done.prepared] == [
        (p.article, p.chunks) for p in here if isinstance(p, Prepared)
    ]


class _CannotStart(Preparer):
    """A preparer whose worker processes fail as they start (a stand-in for a machine
    where they cannot: no /dev/shm, process limits)."""

    def warm_up(self) -> None:
        raise RuntimeError("no tokenizer in this worker")


def test_workers_that_cannot_start_leave_the_ingest_to_this_process(settings: Settings) -> None:
    preparer = _CannotStart(settings.chunking, settings.ingest)
    todo, _ = preparer.plan(_articles(40, "many"), {})
    pipe = LocalPipeline(preparer, HashingEmbedder().embed, processes=1)
    try:
        pipe.submit(todo[:32]).result()  # starts the workers, which fail
        for started in pipe._ready:
            with pytest.raises(Exception):  # noqa: B017 (the pool's own error type)
                started.result(timeout=120)
        done = pipe.submit(todo).result()
    finally:
        pipe.close()
    assert pipe.processes == 0 and pipe._workers is None
    assert [p.article.doc_id for p in done.prepared] == [p.doc_id for p in todo]


def test_a_large_ingest_stores_the_same_with_worker_processes(settings: Settings) -> None:
    """End to end, with or without workers: the same chunk ids and texts."""
    items = _articles(BATCH_ARTICLES * 2 + 3, "many")
    stored: dict[int, list[tuple[str, tuple[dict[str, Any], str]]]] = {}
    for processes in (0, 1):
        ingest = settings.ingest.model_copy(update={"prepare_processes": processes})
        store = DictStore()
        desk = build(settings.model_copy(update={"ingest": ingest}), HashingEmbedder(), store)
        assert len(desk.ingest(items).added) == BATCH_ARTICLES * 2 + 3
        ids = sorted(cid for page in store.iter_chunk_ids() for cid in page)
        stored[processes] = list(zip(ids, store.chunk_records(ids), strict=True))
    assert stored[1] == stored[0]
