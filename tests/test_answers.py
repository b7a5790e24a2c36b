"""What the extractive answerer cites, and when it cites nothing: on the sample article
and on a small fixture of our own (``tests/fixtures/answers``). Fast tier: the desk runs on
the fakes; these behaviours depend on the answerer, not on the model's ranking."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.runner import ingest_paths
from rag.contract import Answer
from rag.desk import Newsdesk
from rag.text import sentence_spans
from tests.conftest import SAMPLE_DIR, SEED

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "answers" / "articles.jsonl"
SPANNING = "“The Americans need rare earth metals. We have a lot of them,” Peskov explained."


@pytest.fixture
def desk(fake_desk: Newsdesk) -> Newsdesk:
    report = ingest_paths(fake_desk, [SAMPLE_DIR, FIXTURE], show_progress=False)
    assert len(report.added) == 3 and not report.failed
    return fake_desk


def _quotes(answer: Answer) -> list[str]:
    return [c.quote for c in answer.citations]


@pytest.mark.parametrize(
    "question",
    [
        "What is the capital of France?",
        "How many people died in the earthquake?",
        "Which football club did Macron support?",
        "When did the stock market crash?",
        "What is the recipe for borscht?",
        "What did the Pope say about the war?",
        "What did Keir Starmer say about rare earths?",
        "What did the mayor say about the stadium?",
        "How many tons of lithium did Chile produce?",
    ],
)
def test_nothing_found_cites_nothing(desk: Newsdesk, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.found and answer.citations == []
    assert answer.answer.startswith("Nothing found")


def test_a_fact_is_one_sentence_not_padded(desk: Newsdesk) -> None:
    answer = desk.ask("How much did Trump demand from Ukraine?")
    assert len(answer.citations) == 1 and "$500 billion" in answer.citations[0].quote
    assert 0 < answer.citations[0].support <= 1
    budget = desk.ask("How much money did the board approve for the dredging?")
    assert len(budget.citations) == 1 and "14 million euros" in budget.citations[0].quote


def test_the_sentence_holding_what_is_asked_beats_the_one_restating_it(desk: Newsdesk) -> None:
    cost = _quotes(desk.ask("What would the harbour dredging cost?"))
    assert cost and "14 million euros" in cost[0]  # the next sentence: it holds the number
    start = _quotes(desk.ask("When will the dredging start?"))
    assert start and "May" in start[0]


def test_a_quotation_over_two_sentences_is_one_passage(desk: Newsdesk) -> None:
    text = SEED.read_text(encoding="utf-8")
    spans = [text[s:e] for s, e in sentence_spans(text)]
    assert SPANNING in spans
    assert any(SPANNING in q for q in _quotes(desk.ask("What did Peskov say?")))
    duarte = _quotes(desk.ask("What did Duarte say?"))
    assert any("ten years for this. The ships cannot wait any longer,” Duarte said." in q
               for q in duarte)  # fmt: skip


def test_a_topic_narrows_a_speakers_quotes(desk: Newsdesk) -> None:
    deal = _quotes(desk.ask("What did Zelensky say about the deal?"))
    assert any("100% profit" in q for q in deal)
    assert all("Zelensky" in q or "I want a dialogue" in q for q in deal)  # his words only
    metals = _quotes(desk.ask("What did Putin say about rare-earth metals?"))
    assert metals and all("rare" in q for q in metals)
    assert not desk.ask("What did Okafor say about the harbour?").found


def test_a_role_resolves_to_the_person_the_article_names(desk: Newsdesk) -> None:
    minister = desk.ask("What did the Ukrainian justice minister say?")
    assert any("very constructive" in q for q in _quotes(minister))
    spokesman = _quotes(desk.ask("What did the Kremlin spokesman say?"))
    assert spokesman and any("Americans need rare earth" in q for q in spokesman)
    master = _quotes(desk.ask("What did the harbour master say?"))
    assert master and all("Berg" not in q for q in master)
    assert any("Duarte" in q for q in master)


def test_who_said_names_the_speaker_of_the_words(desk: Newsdesk) -> None:
    answer = desk.ask("Who said the negotiations were very constructive?")
    assert answer.answer.startswith("Olha Stefanishyna:") and len(answer.citations) == 1
    assert "very constructive" in answer.citations[0].quote
    silt = desk.ask("Who said that dredging stirs up the silt?")
    assert silt.answer.startswith("Tomas Berg:")
    assert not desk.ask("Who said the moon is made of cheese?").found


def test_who_wrote_answers_with_the_byline(desk: Newsdesk) -> None:
    answer = desk.ask("Who wrote about the deal for Breitbart?")
    assert answer.answer.startswith("Frances Martel wrote") and answer.found
    school = desk.ask("Who wrote about the new school?")
    assert school.answer.startswith("Omar Haddad wrote")


def test_speakers_are_listed_with_their_quote_counts(desk: Newsdesk) -> None:
    everyone = {s.name: s for s in desk.speakers().speakers}
    assert everyone["Dmitry Peskov"].quotes >= 2 and everyone["Ines Duarte"].articles == 1
    school = desk.speakers(source="Valley Times")
    assert [s.name for s in school.speakers] == ["Paul Okafor"] and school.articles_read == 1
    one = desk.speakers(doc_id="harbour")
    assert {s.name for s in one.speakers} == {"Ines Duarte", "Tomas Berg"}
