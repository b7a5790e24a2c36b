"""Answer feedback on the fakes: votes are appended with the answer they are about, named
by its id; the export writes questions `newsdesk eval` reads (its own loader), and an
exported "up" question is answered right by the same store (the eval's own hit test)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from ingest.runner import ingest_paths
from newsdesk.cli import main as cli
from rag.contract import Answer
from rag.desk import Newsdesk
from rag.errors import NotFoundError, QueryError
from services.evaluation.question_sets import load_questions
from services.evaluation.scoring import answer_hit
from services.feedback import FeedbackLog, RecentAnswers, answer_for, key_words
from services.settings import Settings
from tests.conftest import SAMPLE_DIR

TONS = "How many tons of rare earths did China extract?"
NOBODY = "Who won the 2013 Wimbledon men's singles final?"


@pytest.fixture
def answers(fake_desk: Newsdesk) -> tuple[Answer, Answer]:
    ingest_paths(fake_desk, [SAMPLE_DIR], show_progress=False)
    return fake_desk.ask(TONS), fake_desk.ask("What did Peskov say?")


def test_an_answer_has_a_stable_id(fake_desk: Newsdesk, answers: tuple[Answer, Answer]) -> None:
    tons, peskov = answers
    assert tons.id == fake_desk.ask(TONS).id != peskov.id  # timings differ: the id does not
    assert Answer.model_validate_json(tons.model_dump_json()).id == tons.id
    assert json.loads(tons.model_dump_json())["id"] == tons.id


def test_feedback_names_its_answer_by_id_or_carries_it(answers: tuple[Answer, Answer]) -> None:
    tons, peskov = answers
    recent = RecentAnswers(limit=1)
    recent.remember(peskov)
    recent.remember(tons)  # peskov drops out
    assert answer_for(recent, tons.id, None) == tons
    assert answer_for(recent, None, peskov) == peskov
    with pytest.raises(NotFoundError, match="send the answer itself"):
        answer_for(recent, peskov.id, None)
    with pytest.raises(QueryError, match="is not the id of the answer sent"):
        answer_for(recent, tons.id, peskov)
    with pytest.raises(QueryError, match="name the answer"):
        answer_for(recent, None, None)


def test_votes_are_appended_whole_from_many_threads(
    settings: Settings, answers: tuple[Answer, Answer]
) -> None:
    log = FeedbackLog(settings.store.cache_path)
    tons, _ = answers
    threads = [threading.Thread(target=log.give, args=("up", tons)) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records = log.records()
    assert len(records) == 20 and all(r.answer == tons and r.answer_id == tons.id for r in records)
    with pytest.raises(QueryError, match="goes with a down vote"):
        log.give("up", tons, "wrong_quote")
    log.file.write_text(log.file.read_text() + "{not json\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"feedback.jsonl:21: not a feedback record"):
        log.records()


def test_export_writes_eval_questions_that_the_store_answers(
    fake_desk: Newsdesk, settings: Settings, tmp_path: Path, answers: tuple[Answer, Answer]
) -> None:
    tons, peskov = answers
    log = FeedbackLog(settings.store.cache_path)
    nobody = fake_desk.ask(NOBODY)
    log.give("down", tons, "wrong_quote")
    log.give("up", tons)  # changed their mind: the last vote counts
    log.give("down", peskov, "wrong_speaker", note="that was Putin")
    log.give("down", nobody.model_copy(update={"question": "Who won?"}),
             "should_be_nothing_found")  # fmt: skip
    out = tmp_path / "feedback.jsonl"
    config = str(settings.store.cache_path.parents[1] / "config.yaml")
    assert cli(["feedback", "export", str(out), "--config", config]) == 0
    loaded = {q.query: q for q in load_questions(out)}
    assert set(loaded) == {TONS, "Who won?"}  # "wrong speaker" says what is wrong only
    assert loaded["Who won?"].unanswerable
    up = loaded[TONS]
    assert up.gold_doc_ids == {c.doc_id for c in tons.citations}
    assert all(len(a.split()) <= 8 for a in up.answers)
    assert answer_hit(fake_desk.ask(TONS), list(up.answers))


def test_key_words_are_the_densest_run_of_a_quote() -> None:
    quote = "In August, Beijing announced that it had reached record-high rare-earth mining quotas"
    # 6 content words in the runs from "August", "Beijing" and "announced": the first wins
    assert key_words(quote) == "August, Beijing announced that it had reached record-high"
    assert key_words("“We have a lot,” he said.") == "We have a lot,” he said"
