"""The sample article's must-answer questions, end to end on the real model and Chroma."""

from __future__ import annotations

import pytest

from rag.contract import Query
from rag.desk import Newsdesk
from tests.conftest import SEED, SEED_ID

pytestmark = pytest.mark.slow  # the real model and Chroma

PESKOV_1 = "The Americans need rare earth metals. We have a lot of them"
PESKOV_2 = "quite broad prospects for cooperation here"
OTHERS = (
    "There is demand for rare-earth metals",  # Putin
    "We would work with pleasure",  # Putin
    "We’re telling Ukraine",  # Trump
    "I will be meeting with President Zelensky",  # Trump
    "If this is necessary",  # Zelensky
    "First of all, I welcome",  # Macron
    "Ukrainian and U.S. teams",  # Stefanishyna
)


def _assert_verbatim(desk: Newsdesk, answer_citations: list) -> None:  # type: ignore[type-arg]
    for c in answer_citations:
        text = desk.get_article(c.doc_id).text
        assert c.quote == text[c.start : c.end], c


def test_peskov_gets_both_quotes_and_nobody_elses(sample_desk: Newsdesk) -> None:
    answer = sample_desk.ask("What did Peskov say?")
    quotes = [c.quote for c in answer.citations]
    assert any(PESKOV_1 in q for q in quotes), quotes
    assert any(PESKOV_2 in q for q in quotes), quotes
    for other in OTHERS:
        assert not any(other in q for q in quotes), other
        assert other not in answer.answer
    assert "[1]" in answer.answer and "[2]" in answer.answer
    _assert_verbatim(sample_desk, answer.citations)


def test_speaker_full_name_and_topic(sample_desk: Newsdesk) -> None:
    answer = sample_desk.ask("What has Dmitry Peskov said about cooperation?")
    assert any(PESKOV_2 in c.quote for c in answer.citations)
    assert not any(PESKOV_1 in c.quote for c in answer.citations)


def test_number_question_answers_270000(sample_desk: Newsdesk) -> None:
    answer = sample_desk.ask("How many tons of rare earths did China extract?")
    assert "270,000" in answer.answer
    assert answer.citations and "270,000" in answer.citations[0].quote
    assert answer.citations[0].doc_id == SEED_ID
    _assert_verbatim(sample_desk, answer.citations)


def test_unknown_speaker_says_so_and_cites_nothing(sample_desk: Newsdesk) -> None:
    answer = sample_desk.ask("What did Angela Merkel say?")
    assert answer.citations == []
    assert "Angela Merkel" in answer.answer and answer.answer.startswith("Nothing found")
    assert not answer.found


def test_unrelated_question_cites_nothing(sample_desk: Newsdesk) -> None:
    answer = sample_desk.ask("Who won the 2013 Wimbledon men's singles final?")
    assert answer.citations == []


def test_boilerplate_is_never_cited(sample_desk: Newsdesk) -> None:
    answer = sample_desk.ask("Follow Frances Martel on Facebook and Twitter")
    assert not any("Follow Frances Martel" in c.quote for c in answer.citations)


def test_citation_metadata_comes_from_the_sidecar(sample_desk: Newsdesk) -> None:
    answer = sample_desk.ask("What did Peskov say?")
    first = answer.citations[0]
    assert first.source == "Breitbart News"
    assert first.published_at == "2025-02-25"
    assert first.authors == ("Frances Martel",)
    assert first.chunk_id.startswith(SEED_ID + ":")
    stored = sample_desk.get_article(SEED_ID).text
    assert stored == SEED.read_text(encoding="utf-8")  # the original text is kept unchanged


@pytest.mark.parametrize(
    "question",
    ["What did Peskov say?", "How much rare earth does Ukraine have?", "What did Trump want?"],
)
def test_every_citation_names_the_chunk_that_holds_it(sample_desk: Newsdesk, question: str) -> None:
    """With top_k 1 the answerer still reads the article whole, so most citations lie
    outside the retrieved passage and their chunk is looked up in the store."""
    answer = sample_desk.ask(Query(question=question, top_k=1))
    assert answer.citations
    for c in answer.citations:
        (chunk,) = sample_desk.corpus.store.get_chunks([c.chunk_id])
        assert chunk.start <= c.start < chunk.end, (c.chunk_id, c.start)
