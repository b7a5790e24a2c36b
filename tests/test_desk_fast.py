"""The desk end to end on the fakes (hashing embedder, in-memory store): ingest, ask, chat,
list, delete, and the model loaded only when something is embedded. Fast tier."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.runner import ingest_paths
from rag.contract import ChatMessage, Filters, Query
from rag.desk import Newsdesk, build
from rag.embedding import LazyEmbedder, model_id_of
from rag.errors import NotFoundError, QueryError
from services.settings import Settings
from tests.conftest import SAMPLE_DIR, SEED_ID
from tests.fakes import DictStore, GazetteerTagger, HashingEmbedder


@pytest.fixture
def sample(fake_desk: Newsdesk) -> Newsdesk:
    report = ingest_paths(fake_desk, [SAMPLE_DIR], show_progress=False)
    assert report.added == [SEED_ID] and not report.failed
    return fake_desk


def _verbatim(desk: Newsdesk, question: str) -> list[str]:
    """The answer's quotes, after checking each against the stored text and its chunk."""
    answer = desk.ask(question)
    quotes = []
    for c in answer.citations:
        assert desk.get_article(c.doc_id).text[c.start : c.end] == c.quote
        (chunk,) = desk.corpus.store.get_chunks([c.chunk_id])
        assert chunk.doc_id == c.doc_id and chunk.start <= c.start < chunk.end
        quotes.append(c.quote)
    assert all(f"[{c.n}]" in answer.answer for c in answer.citations)
    return quotes


def test_speaker_question_cites_only_that_speaker(sample: Newsdesk) -> None:
    quotes = _verbatim(sample, "What did Peskov say?")
    assert quotes
    assert any("rare earth" in q for q in quotes)
    assert not any("We would work with pleasure" in q for q in quotes)  # Putin's words


def test_fact_question_cites_the_sentence_with_the_number(sample: Newsdesk) -> None:
    quotes = _verbatim(sample, "How many tons of rare earths did China extract?")
    assert any("270,000" in q for q in quotes)


def test_reingest_is_a_no_op_and_a_change_replaces_chunks(sample: Newsdesk, tmp_path: Path) -> None:
    assert isinstance(sample.corpus.store, DictStore)
    writes = sample.corpus.store.writes
    again = ingest_paths(sample, [SAMPLE_DIR], show_progress=False)
    assert again.unchanged == [SEED_ID] and sample.corpus.store.writes == writes
    feed = tmp_path / "f.jsonl"
    feed.write_text(json.dumps({"doc_id": "x", "body": "The ferry sailed at dawn."}) + "\n")
    ingest_paths(sample, [feed], show_progress=False)
    old = set(sample.corpus.index.catalogue.chunks_of["x"])
    feed.write_text(json.dumps({"doc_id": "x", "body": "The ferry was cancelled."}) + "\n")
    assert ingest_paths(sample, [feed], show_progress=False).updated == ["x"]
    assert not old & set(sample.corpus.index.catalogue.chunks_of["x"])
    assert "cancelled" in sample.get_article("x").text


def test_listing_paging_and_deleting(sample: Newsdesk, tmp_path: Path) -> None:
    feed = tmp_path / "f.jsonl"
    rows = [{"doc_id": f"n{i}", "body": f"Note number {i} about tides."} for i in range(3)]
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    ingest_paths(sample, [feed], show_progress=False)
    page = sample.list_articles(offset=1, limit=2)
    assert page.total == 4 and len(page.articles) == 2 and page.offset == 1
    sample.delete_article("n1")
    assert sample.list_articles().total == 3 and "n1" not in sample.corpus.index.catalogue.chunks_of
    with pytest.raises(NotFoundError):
        sample.delete_article("n1")


def test_filters_and_chat_follow_ups(sample: Newsdesk) -> None:
    assert not sample.ask(
        Query(question="What did Peskov say?", filters=Filters(source="Other"))
    ).citations
    chat = [
        ChatMessage(role="user", content="What did Peskov say?"),
        ChatMessage(role="assistant", content="..."),
        ChatMessage(role="user", content="When did he say that?"),
    ]
    answer = sample.ask(Query.of_chat(chat))
    assert answer.question == "What did Peskov say?"
    assert answer.answer.startswith("Peskov said this on Tuesday 25 February 2025 [1]")


def test_questions_are_checked(settings: Settings) -> None:
    limits = settings.query.model_copy(update={"max_question_chars": 20})
    desk = build(
        settings.model_copy(update={"query": limits}),
        HashingEmbedder(),
        DictStore(),
        tagger=GazetteerTagger(),
    )
    with pytest.raises(QueryError, match="empty"):
        desk.ask("   ")
    with pytest.raises(QueryError, match="the limit is 20"):
        desk.ask("x" * 21)


def test_reading_and_deleting_never_load_the_model(settings: Settings) -> None:
    store = DictStore(model_id_of("torch"))
    desk = build(settings, store=store)
    assert isinstance(desk.embedder, LazyEmbedder)
    desk.list_articles()
    desk.stats()
    with pytest.raises(NotFoundError):
        desk.get_article("nope")
    with pytest.raises(NotFoundError):
        desk.delete_article("nope")
    assert not desk.embedder.loaded


def test_the_lazy_embedder_loads_once_and_checks_the_model() -> None:
    loads: list[int] = []

    def load() -> HashingEmbedder:
        loads.append(1)
        return HashingEmbedder()

    lazy = LazyEmbedder(HashingEmbedder.model_id, load)
    assert not lazy.loaded and not loads
    assert lazy.embed(["a b"]).shape == (1, 384) and lazy.embed(["c"]).shape == (1, 384)
    assert loads == [1] and lazy.loaded
    with pytest.raises(ValueError, match="expected other"):
        LazyEmbedder("other", load).warm_up()


def test_excluded_articles_are_never_retrieved(sample: Newsdesk, tmp_path: Path) -> None:
    feed = tmp_path / "f.jsonl"
    feed.write_text(json.dumps({"doc_id": "copy", "body": "Peskov said Russia has rare earths."}))
    ingest_paths(sample, [feed], show_progress=False)
    hits = sample.corpus.retriever.retrieve("Peskov rare earths", 5, Filters(exclude=("copy",)))
    assert hits and "copy" not in {h.chunk.doc_id for h in hits}
    only = Filters(exclude=(SEED_ID,))
    assert {h.chunk.doc_id for h in sample.corpus.retriever.retrieve("Peskov", 5, only)} == {"copy"}


def test_negatives_leave_out_every_article_holding_an_answer(sample: Newsdesk) -> None:
    from services.evaluation import Question, answer_holders, evaluate

    question = Question("q", "How many tons of rare earths did China extract?", ("270,000",),
                        frozenset())  # fmt: skip
    assert answer_holders(sample, [question]) == {"q": frozenset({SEED_ID})}
    (result,) = evaluate(sample, [question], negatives=True)
    assert result.answer_hit and result.negative_refused  # nothing else holds the answer
