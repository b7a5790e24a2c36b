"""What a question wants, and how the ranker uses it, on the fakes (a gazetteer tagger and
a hashing embedder): the kind is read from the question, met only by a new entity of that
kind, and a question wanting a reliably tagged kind is refused without one. The real
spaCy model's judgement is tested in tests/test_answer_types.py."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from rag.answering.kinds import wanted
from rag.contract import ArticleInput
from rag.desk import Newsdesk, build
from rag.embedding import Vectors
from services.settings import Settings
from tests.fakes import DictStore, GazetteerTagger, HashingEmbedder


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who signed the ferry agreement?", "person"),
        ("Who is the CEO of Nintendo?", "person"),
        ("Who won the men's singles title in 2013?", "winner"),
        ("Who is Dmitry Peskov?", ""),  # a description, not a new name
        ("Where was the agreement signed?", "place"),
        ("Which country is now bankrupt?", "place"),
        ("In which city did the attack occur?", "place"),
        ("When was the agreement signed?", "time"),
        ("What year was OpenAI founded?", "time"),
        ("How many routes does it cover?", "number"),
        ("How much does it cost to raise a child?", "money"),
        ("What would the harbour dredging cost?", "money"),
        ("What percentage of adults disapprove?", "percent"),
        ("Which automaker recalled 2.9 million vehicles?", "organisation"),
        ("Too many of which broadcaster's journalists lack understanding?", "organisation"),
        ("Which show received the most nominations?", "work"),
        ("What did the IRS announce?", ""),
        ("A pod of which species washed ashore?", ""),
    ],
)
def test_the_kind_a_question_wants(question: str, kind: str) -> None:
    assert wanted(question).kind == kind


def test_strict_kinds_are_the_reliably_tagged_ones() -> None:
    assert wanted("Who signed it?").strict and wanted("How many?").strict
    assert not wanted("Which show won?").strict  # a show's name: the small model misses many


ARTICLE = (
    "Delegates met at the harbour authority to discuss the new ferry agreement. "
    "The ferry agreement was signed on Tuesday after two days of talks. "
    "The ferry agreement was signed by Maria Lindqvist, the port director. "
    "The signing of the ferry agreement took place in Gothenburg. "
    "The ferry agreement covers 14 routes across the strait."
)
NAMES = {"Maria Lindqvist": "PERSON", "Gothenburg": "GPE", "Tuesday": "DATE"}


@pytest.fixture
def ferry_desk(settings: Settings) -> Newsdesk:
    desk = build(settings, HashingEmbedder(), DictStore(), tagger=GazetteerTagger(NAMES))
    desk.ingest([ArticleInput(text=ARTICLE, title="Ferry deal", doc_id="ferry")])
    return desk


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who signed the ferry agreement?", "Maria Lindqvist"),
        ("Where was the ferry agreement signed?", "Gothenburg"),
        ("When was the ferry agreement signed?", "Tuesday"),
        ("How many routes does the ferry agreement cover?", "14 routes"),
    ],
)
def test_the_sentence_with_a_new_entity_of_the_kind_comes_first(
    ferry_desk: Newsdesk, question: str, expected: str
) -> None:
    answer = ferry_desk.ask(question)
    assert answer.found and expected in answer.citations[0].quote


def test_a_kind_the_question_names_itself_is_no_answer(settings: Settings) -> None:
    text = (
        "Maria Lindqvist praised the ferry agreement at the harbour. "
        "The ferry agreement was welcomed by dock workers."
    )
    desk = build(settings, HashingEmbedder(), DictStore(), tagger=GazetteerTagger(NAMES))
    desk.ingest([ArticleInput(text=text, title="Ferry deal", doc_id="ferry")])
    assert not desk.ask("Who did Maria Lindqvist say welcomed the ferry agreement?").found


def test_a_who_question_is_refused_when_no_sentence_names_a_person(settings: Settings) -> None:
    desk = build(settings, HashingEmbedder(), DictStore(), tagger=GazetteerTagger())
    desk.ingest([ArticleInput(text=ARTICLE, title="Ferry deal", doc_id="ferry")])
    assert not desk.ask("Who signed the ferry agreement?").found  # the tagger knows no one
    assert desk.ask("Why did delegates discuss the agreement at the harbour authority?").found


class RecordingEmbedder(HashingEmbedder):
    """The hashing embedder, keeping every text it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.texts.extend(texts)
        return super().embed(texts)


def test_only_sentences_the_ranking_may_choose_are_compared_with_the_question(
    settings: Settings,
) -> None:
    """The encoder is most of an answer's time: a sentence without the kind asked for (nor
    a next sentence with it), when another has it, is never embedded, and a question
    refused for want of its kind embeds no sentence at all."""
    embedder = RecordingEmbedder()
    desk = build(settings, embedder, DictStore(), tagger=GazetteerTagger(NAMES))
    desk.ingest([ArticleInput(text=ARTICLE, title="Ferry deal", doc_id="ferry")])
    embedder.texts.clear()
    answer = desk.ask("Who signed the ferry agreement?")
    assert answer.found and "Maria Lindqvist" in answer.citations[0].quote
    sentences = [t for t in embedder.texts if t != "Who signed the ferry agreement?"]
    assert any("Maria Lindqvist" in t for t in sentences)  # and the one it runs on from
    assert not [t for t in sentences if "Gothenburg" in t or "14 routes" in t]

    nobody = build(settings, RecordingEmbedder(), DictStore(), tagger=GazetteerTagger())
    nobody.ingest([ArticleInput(text=ARTICLE, title="Ferry deal", doc_id="ferry")])
    recording = nobody.embedder
    assert isinstance(recording, RecordingEmbedder)
    recording.texts.clear()
    assert not nobody.ask("Who signed the ferry agreement?").found
    assert recording.texts == ["Who signed the ferry agreement?"]  # the question alone
