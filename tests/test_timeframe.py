"""Dates that questions mean, each against a fixed as-of day (Thursday 12 June 2025), and
the window applied to real answers: nothing outside it is cited, and the answer says
which days it looked at. Fast tier (the desk runs on the fakes)."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.runner import ingest_paths
from rag.contract import Filters, Query
from rag.desk import Newsdesk, build
from rag.text.timeframe import question_window, said_on
from services.settings import Settings
from tests.conftest import SAMPLE_DIR
from tests.fakes import DictStore, GazetteerTagger, HashingEmbedder

AS_OF = date(2025, 6, 12)  # a Thursday


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("What did Peskov say today?", "2025-06-12", "2025-06-12"),
        ("What did Peskov say yesterday?", "2025-06-11", "2025-06-11"),
        ("What happened this week?", "2025-06-06", "2025-06-12"),  # the 7 days up to as_of
        ("What did Peskov say last week?", "2025-06-02", "2025-06-08"),
        ("Any news this month?", "2025-06-01", "2025-06-12"),
        ("What did Peskov say last month?", "2025-05-01", "2025-05-31"),
        ("What did the mayor say in August?", "2024-08-01", "2024-08-31"),
        ("What happened in May?", "2025-05-01", "2025-05-31"),
        ("What did he say in February 2025?", "2025-02-01", "2025-02-28"),
        ("What did Zelensky say on Monday?", "2025-06-09", "2025-06-09"),
        ("Who won the election in 2024?", "2024-01-01", "2024-12-31"),
        ("What has changed since March?", "2025-03-01", "2025-06-12"),
        ("Any floods in the past 3 days?", "2025-06-09", "2025-06-12"),
        ("What did Peskov say last year?", "2024-01-01", "2024-12-31"),
    ],
)
def test_a_time_expression_resolves_to_its_window(question: str, start: str, end: str) -> None:
    window = question_window(question, AS_OF)
    assert window is not None and window.strict
    assert (window.start.isoformat(), window.end.isoformat()) == (start, end)


def test_recently_is_a_preference_and_no_date_is_no_window() -> None:
    recent = question_window("What did Peskov say recently?", AS_OF)
    assert recent is not None and not recent.strict and recent.end == AS_OF
    assert question_window("What did May say about Brexit?", AS_OF) is None
    assert question_window("What did Peskov say?", AS_OF) is None
    scene = "Actor Bob McGrath died this week at age 90. Which show did he appear on?"
    assert question_window(scene, AS_OF) is None  # a scene-setting sentence does not filter
    asked = "The talks resumed. What did Peskov say last week?"
    window = question_window(asked, AS_OF)
    assert window is not None and window.phrase == "last week"


def test_labels() -> None:
    window = question_window("What happened last week?", date(2025, 2, 24))
    assert window is not None and window.label() == "Articles of 17–23 Feb 2025"


def test_days_named_in_articles_resolve_against_the_publication_date() -> None:
    tuesday = date(2025, 2, 25)
    assert said_on("Peskov told reporters on Tuesday that", tuesday) == tuesday
    assert said_on("he said on Monday", tuesday) == date(2025, 2, 24)
    assert said_on("the minister said yesterday", tuesday) == date(2025, 2, 24)
    assert said_on("On Monday he denied it; on Friday he agreed", tuesday) is None
    assert said_on("he said", tuesday) is None


@pytest.fixture
def sample(fake_desk: Newsdesk) -> Newsdesk:
    ingest_paths(fake_desk, [SAMPLE_DIR], show_progress=False)
    return fake_desk


def test_a_stated_window_filters_what_is_cited(sample: Newsdesk) -> None:
    """The sample article is of 25 Feb 2025."""
    late = sample.ask(Query(question="What did Peskov say last month?", as_of=date(2025, 6, 12)))
    assert not late.found and late.answer.startswith("Articles of 1–31 May 2025: ")
    assert late.window is not None and late.window.strict
    timely = sample.ask(Query(question="What did Peskov say last month?", as_of=date(2025, 3, 10)))
    assert timely.found and timely.window is not None
    assert timely.window.label == "Articles of 1–28 Feb 2025"
    assert all(c.published_at == "2025-02-25" for c in timely.citations)
    narrowed = sample.ask(
        Query(
            question="What did Peskov say in February 2025?",
            filters=Filters(published_after=date(2025, 2, 26)),
            as_of=AS_OF,
        )
    )
    assert not narrowed.found  # the window and the caller's filter both hold


def test_without_a_date_nothing_is_filtered(sample: Newsdesk) -> None:
    answer = sample.ask(Query(question="What did Peskov say?", as_of=date(2026, 11, 30)))
    assert answer.found and answer.window is None


def test_an_undated_article_is_not_ruled_out_by_a_window(settings: Settings) -> None:
    from rag.contract import ArticleInput

    players = {"Andy Murray": "PERSON", "Novak Djokovic": "PERSON"}
    fake_desk = build(settings, HashingEmbedder(), DictStore(), tagger=GazetteerTagger(players))
    fake_desk.ingest([
        ArticleInput(text="Andy Murray won the 2013 men's singles title at Wimbledon.", doc_id="u"),
        ArticleInput(text="Novak Djokovic won the 2013 men's singles title at Wimbledon.",
                     doc_id="d", published_at="2019-07-14"),
    ])  # fmt: skip
    answer = fake_desk.ask(
        Query(question="Who won the men's singles at Wimbledon in 2013?", as_of=AS_OF)
    )
    assert answer.window is not None and answer.window.label == "Articles of 1 Jan – 31 Dec 2013"
    assert {c.doc_id for c in answer.citations} == {"u"}  # the dated 2019 article is outside


def test_a_named_year_or_month_stays_in_the_search_and_relative_days_do_not() -> None:
    from rag.desk.timing import plan

    assert plan("Who won Wimbledon in 2013?", None, AS_OF).searched == "Who won Wimbledon in 2013?"
    assert plan("What happened in August?", None, AS_OF).searched == "What happened in August?"
    assert plan("What did Peskov say last week?", None, AS_OF).searched == "What did Peskov say ?"


def test_what_is_asked_about_recent_days_is_not_answered_from_old_news() -> None:
    from datetime import timedelta

    from rag.text import fresh_from

    recently = AS_OF - timedelta(days=14)
    assert fresh_from("Which governor recently commuted 17 sentences?", AS_OF) == recently.replace(
        year=recently.year - 1
    )
    assert fresh_from("Who resigned this week?", AS_OF) == date(2024, 6, 6)
    # a scene set on Monday may ask something timeless; a named year may be looked back on
    assert fresh_from("It was Presidents' Day on Monday. Whose birthday is it near?", AS_OF) is None
    assert fresh_from("Who won Wimbledon in 2013?", AS_OF) is None


def test_an_article_from_years_before_does_not_answer_recently(settings: Settings) -> None:
    from rag.contract import ArticleInput

    states = {"Ohio": "GPE", "Oregon": "GPE"}
    fake_desk = build(settings, HashingEmbedder(), DictStore(), tagger=GazetteerTagger(states))
    old = ArticleInput(
        text="In Ohio, the governor commuted the sentences of 17 death row inmates.",
        doc_id="old",
        published_at="2020-01-17",
    )
    fake_desk.ingest([old])
    question = "Which state's governor recently commuted the sentences of 17 death row inmates?"
    assert not fake_desk.ask(Query(question=question, as_of=AS_OF)).found
    assert fake_desk.ask(Query(question=question, as_of=date(2020, 1, 20))).found
    new = ArticleInput(
        text="Oregon's governor commuted the sentences of 17 death row inmates on Tuesday.",
        doc_id="new",
        published_at="2025-06-10",
    )
    fake_desk.ingest([new])
    answer = fake_desk.ask(Query(question=question, as_of=AS_OF))
    assert {c.doc_id for c in answer.citations} == {"new"}
