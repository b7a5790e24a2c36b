"""Whole-article ranking (article BM25, article vectors), diverse top passages, and the
answerer reading the best article whole: real model and Chroma where the ranking needs
them, the fakes where it does not."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from ingest.runner import ingest_paths
from rag.answering import ExtractiveAnswerer, Grounds
from rag.config import AnswerSettings
from rag.contract import Article, Filters
from rag.desk import Newsdesk
from rag.embedding import Embedder, Vectors
from rag.search import ArticleVectors, Chunk, ChunkCatalogue, Hit, Store, diversify
from rag.text import terms

FILLER = "The council met on Tuesday and discussed the budget for the coming year. "


def _feed(path: Path, rows: Sequence[tuple[str, str, str]]) -> Path:
    """A JSONL feed of (doc_id, published_at, body) rows."""
    lines = [json.dumps({"doc_id": d, "published_at": p, "body": b}) for d, p, b in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_article_bm25_prefers_an_article_about_the_subject(desk: Newsdesk, tmp_path: Path) -> None:
    about = " ".join(
        ["The lighthouse keeper repaired the lighthouse lamp."]
        + [FILLER] * 30
        + ["Visitors climbed the lighthouse again by spring, the keeper said."]
    )
    mention = " ".join([FILLER] * 30 + ["A lighthouse lamp appears in one old photograph."])
    feed = _feed(
        tmp_path / "f.jsonl", [("about", "2024-05-01", about), ("once", "2024-06-01", mention)]
    )
    ingest_paths(desk, [feed], show_progress=False)
    ranked = desk.corpus.index.search_articles(terms("lighthouse keeper lamp"), 5)
    assert [doc for doc, _ in ranked] == ["about", "once"]
    window = Filters(published_after="2024-05-15", published_before="2024-06-30")
    assert [d for d, _ in desk.corpus.index.search_articles(terms("lighthouse"), 5, window)] == [
        "once"
    ]


ROWS = [
    ("rail", "2024-01-10", "The rail strike halted trains across the country for two days."),
    ("vote", "2024-02-20", "Parliament voted on the new fishing quotas after a long debate."),
    ("bake", "2024-02-25", "A village bakery won the national prize for its sourdough bread."),
]


class CountingStore:
    """The real store, counting which article vectors were fetched."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.fetched: list[str] = []

    def article_vectors(self, doc_ids: Sequence[str]) -> dict[str, Vectors]:
        self.fetched.extend(doc_ids)
        return self.store.article_vectors(doc_ids)


def test_article_vectors_fetch_only_new_and_changed(
    desk: Newsdesk, tmp_path: Path, embedder: Embedder
) -> None:
    ingest_paths(desk, [_feed(tmp_path / "a.jsonl", ROWS)], show_progress=False)
    counting = CountingStore(desk.corpus.store)
    vectors = ArticleVectors(tmp_path / "av")
    vectors.sync(counting, desk.corpus.index)  # type: ignore[arg-type]
    assert sorted(counting.fetched) == ["bake", "rail", "vote"]
    question = embedder.embed(["Which bakery won a prize for bread?"])[0]
    assert vectors.search(question, 3)[0][0] == "bake"
    window = Filters(published_after="2024-01-01", published_before="2024-01-31")
    assert [d for d, _ in vectors.search(question, 3, window)] == ["rail"]

    changed = [ROWS[0], ROWS[1], ("bake", "2024-02-25", "The bakery closed for the winter.")]
    ingest_paths(desk, [_feed(tmp_path / "b.jsonl", changed)], show_progress=False)
    desk.delete_article("vote")
    reloaded, counting.fetched = ArticleVectors(tmp_path / "av"), []
    reloaded.sync(counting, desk.corpus.index)  # type: ignore[arg-type]
    assert counting.fetched == ["bake"]  # rail came from the on-disk cache
    assert sorted(reloaded.ids) == ["bake", "rail"]
    stored = desk.corpus.store.article_vectors(["rail"])["rail"]
    assert reloaded.vectors[reloaded.ids.index("rail")] == pytest.approx(stored, abs=1e-6)


def test_diversify_takes_each_article_once_before_repeats() -> None:
    order = ["a:1", "a:2", "b:1", "a:3", "c:1", "b:2"]
    doc_of = lambda cid: cid.split(":")[0]  # noqa: E731
    assert diversify(order, doc_of, 4, per=1) == ["a:1", "b:1", "c:1", "a:2"]
    assert diversify(order, doc_of, 4, per=2) == ["a:1", "a:2", "b:1", "c:1"]
    assert diversify(order, doc_of, 10, per=1) == ["a:1", "b:1", "c:1", "a:2", "a:3", "b:2"]


def test_top_passages_come_from_distinct_articles(desk: Newsdesk, tmp_path: Path) -> None:
    long_body = " ".join(["The glacier retreated by forty metres this summer."] + [FILLER] * 40)
    rows = [("ice", "2024-03-01", long_body), *ROWS]
    ingest_paths(desk, [_feed(tmp_path / "f.jsonl", rows)], show_progress=False)
    hits = desk.corpus.retriever.retrieve("glacier council budget", 4)
    docs = [h.chunk.doc_id for h in hits]
    assert len(set(docs)) == len(docs) == 4  # ice has 4+ chunks, but one passage comes first


def _article(text: str) -> Article:
    return Article(doc_id="d", title="T", source="S", text=text)


def test_answerer_reads_the_best_article_whole(fake_desk: Newsdesk) -> None:
    text = (
        "Storm clouds gathered over the port. "
        + FILLER * 3
        + ("The storm surge flooded the port warehouses, officials said.")
    )
    article = _article(text)
    matched = Chunk("d:x:0000", "d", 0, text[:36], 0, 36)  # only the first sentence
    hits = [Hit(matched, 1.0, 0)]
    located: list[int] = []

    def locate(doc_id: str, offset: int) -> str:
        located.append(offset)
        return "d:x:0001"

    for read, expect in ((1, True), (0, False)):
        settings = AnswerSettings(read_top_articles=read)
        answerer = ExtractiveAnswerer(settings)
        grounds = Grounds(hits, {"d": article}, locate, fake_desk.corpus.index.term_idf)
        cites = answerer.answer("Which warehouses did the storm surge flood?", grounds).citations
        found = any("warehouses" in c.quote for c in cites)
        assert found is expect
        assert all(c.quote == text[c.start : c.end] for c in cites)


def test_chunk_holding_finds_the_span_or_the_one_before() -> None:
    from rag.desk import chunk_holding
    from rag.errors import NotFoundError

    spans = [(0, 100, "d:0"), (90, 200, "d:1"), (210, 300, "d:2")]
    assert chunk_holding(spans, "d", 50) == "d:0"
    assert chunk_holding(spans, "d", 150) == "d:1"
    assert chunk_holding(spans, "d", 205) == "d:1"  # between chunks: the one before
    with pytest.raises(NotFoundError):
        chunk_holding([], "d", 5)


class TwoArticles:
    """A fake BM25 index: only what ``ArticleVectors.sync`` reads (two articles, a and b)."""

    def __init__(self, generation: str = "g1") -> None:
        self.generation = generation
        self.catalogue = ChunkCatalogue(["a:x:0000", "b:y:0000"], ["a", "b"], ["s", "s"], [1, 2])


def test_articles_without_a_stored_vector_rank_last_not_crash(tmp_path: Path) -> None:
    """A fake index and store (only what ``sync`` reads): the store has no article vector."""
    import numpy as np

    class Store:
        def article_vectors(self, doc_ids: Sequence[str]) -> dict[str, Vectors]:
            return {}

    vectors = ArticleVectors(tmp_path)
    vectors.sync(Store(), TwoArticles())  # type: ignore[arg-type]
    query = np.full(384, 384**-0.5, dtype=np.float32)
    assert vectors.vectors.shape == (2, 384)
    assert [score for _, score in vectors.search(query, 2)] == [0.0, 0.0]


def test_article_vectors_of_the_same_articles_are_neither_fetched_nor_saved_again(
    fake_desk: Newsdesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new generation with the same article versions (another process wrote nothing
    new): the cached rows are kept as they are."""
    ingest_paths(fake_desk, [_feed(tmp_path / "a.jsonl", ROWS)], show_progress=False)
    index = fake_desk.corpus.index
    first = ArticleVectors(tmp_path / "av")
    first.sync(fake_desk.corpus.store, index)
    reloaded = ArticleVectors(tmp_path / "av")
    counting = CountingStore(fake_desk.corpus.store)

    def forbidden() -> None:
        raise AssertionError("saved again")

    monkeypatch.setattr(reloaded, "_save", forbidden)
    reloaded.sync(counting, index)  # type: ignore[arg-type]
    assert counting.fetched == [] and reloaded.generation == index.generation
    assert reloaded.ids == first.ids and (reloaded.vectors == first.vectors).all()


def test_one_questions_article_scores_are_computed_once_and_never_stale(tmp_path: Path) -> None:
    """A question searches the archive, then its as-of window, with one vector: the product
    with every article's vector (134 MB at a million chunks) is made once; rows replaced by
    a sync are scored anew."""
    import numpy as np

    class Store:
        def __init__(self, a: float, b: float) -> None:  # each article's first coordinate
            self.rows = {d: np.asarray([x, (1 - x * x) ** 0.5] + [0.0] * 382, dtype=np.float32)
                         for d, x in (("a", a), ("b", b))}  # fmt: skip

        def article_vectors(self, doc_ids: Sequence[str]) -> dict[str, Vectors]:
            return {d: v for d, v in self.rows.items() if d in doc_ids}

    vectors = ArticleVectors(tmp_path)
    vectors.sync(Store(0.9, 0.5), TwoArticles())  # type: ignore[arg-type]
    query = np.zeros(384, dtype=np.float32)
    query[0] = 1.0
    first = vectors.scores(query)
    assert vectors.scores(query.copy()) is first  # the same question: the same product
    assert [d for d, _ in vectors.search(query, 2)] == ["a", "b"]
    assert [d for d, _ in vectors.search(query, 2, Filters(exclude=("a",)))] == ["b"]
    vectors.keys = ["a:old", "b:old"]  # the next sync (a new generation): other versions
    vectors.sync(Store(0.5, 0.9), TwoArticles("g2"))  # type: ignore[arg-type]
    assert [d for d, _ in vectors.search(query, 2)] == ["b", "a"]
