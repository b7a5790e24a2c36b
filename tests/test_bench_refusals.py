"""The refusal rules ``bench.refusals`` tries on collected rows (issue 18): what counts as
a year the question does not ask about, a predicate the sentence relates, and how a rule
turns the ranker's choice into "nothing found". Rows are written here by hand, in the
shape ``bench.ranking --collect`` writes them."""

from __future__ import annotations

from typing import Any

from bench.ranking import Variant, decide, metrics, start_config
from bench.refusals import conflicting_year, predicate, predicate_share


def _candidate(text: str, years: list[str], **signals: Any) -> dict[str, Any]:
    base = {"support": 0.8, "similarity": 0.7, "kind": 1.0, "position": 1.0, "rank": 1.0}
    return {
        **base,
        "restates": 0.0,
        **signals,
        "doc_id": text[:8],
        "start": 0,
        "article_rank": 0,
        "in_hit": True,
        "hit": False,
        "text": text,
        "years": years,
        "missing_sentence": [],
        "missing_near": [],
        "own_support": 0.8,
    }


def _row(question: str, entities: list[str], *candidates: dict[str, Any]) -> dict[str, Any]:
    return {
        "set": "rgb",
        "id": "q1",
        "half": "A",
        "negative": True,
        "unanswerable": False,
        "wants": "winner",
        "strict": True,
        "facts": True,
        "question": question,
        "entities": entities,
        "candidates": list(candidates),
    }


def test_a_sentence_about_another_year_conflicts() -> None:
    row = _row("Who won the Masters in 2022?", ["2022", "masters"])
    assert conflicting_year(row, _candidate("The 2021 Masters was won by Hideki", ["2021"]))
    assert not conflicting_year(row, _candidate("In 2021 and 2022 he won", ["2021", "2022"]))
    assert not conflicting_year(row, _candidate("He won the Masters.", []))
    undated = _row("Who won the Masters?", ["masters"])
    assert not conflicting_year(undated, _candidate("The 2021 Masters", ["2021"]))


def test_the_predicate_is_what_the_question_asks_of_its_names() -> None:
    row = _row("Who won the Heisman Trophy in 2012?", ["2012", "heisman", "trophy"])
    assert predicate(row) == ["win"]  # "won" read as "win"; the names and the year are not
    assert predicate_share(row, _candidate("Johnny Manziel won the 2012 Heisman.", [])) == 1.0
    assert predicate_share(row, _candidate("He is the 2012 Heisman winner.", [])) == 1.0
    assert predicate_share(row, _candidate("The 2012 Heisman ceremony is on TV.", [])) == 0.0


def test_a_rule_on_the_best_sentence_turns_an_answer_into_a_refusal() -> None:
    wrong_year = _candidate("Hideki Matsuyama won the 2021 Masters.", ["2021"])
    row = _row("Who won the Masters in 2022?", ["2022", "masters"], wrong_year)
    cfg = start_config()
    assert decide(row, cfg) == [wrong_year]
    rule = Variant(best=lambda r, c: not conflicting_year(r, c))
    assert decide(row, cfg, rule) == []
    assert metrics([row], cfg)["negative_rejection"] == 0.0
    assert metrics([row], cfg, rule)["negative_rejection"] == 1.0
