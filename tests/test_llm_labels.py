"""The scoring of labelled LLM sentences (``bench.llm_labels``) on rows made up here."""

from __future__ import annotations

from typing import Any

from bench.llm_labels import agreement, cut_off, repeated, stricter, tidied_today


def _row(
    sentence: str, supported: bool, faithful: bool, meaning: float = 0.9, **extra: Any
) -> dict[str, Any]:
    return {"set": "s", "id": "q1", "negative": False, "sentence": sentence,
            "supported": supported, "faithful": faithful, "meaning": meaning, **extra}  # fmt: skip


def test_the_check_is_scored_against_the_labels() -> None:
    rows = [
        _row("Peskov spoke on Tuesday [1].", True, True),
        _row("Peskov spoke on Monday [1].", True, False),  # let through
        _row("The talks went on [2].", False, True),  # flagged though faithful
        _row("Riyadh hosted them [2].", False, False),
    ]
    found = agreement(rows, [bool(r["supported"]) for r in rows])
    assert found == {"marked_supported": 2, "precision": 0.5, "recall": 0.5,
                     "unfaithful_let_through": 1, "faithful_flagged": 1}  # fmt: skip


def test_a_stricter_meaning_threshold_replays_only_what_was_supported() -> None:
    rows = [_row("A [1].", True, True, 0.95), _row("B [1].", True, False, 0.55),
            _row("C [1].", False, True, 0.99)]  # fmt: skip
    assert stricter(rows, 0.5)["marked_supported"] == 2
    assert stricter(rows, 0.6) == agreement(rows, [True, False, False])


def test_repeated_and_cut_off_sentences_are_counted() -> None:
    rows = [
        _row("Peskov said talks would go on [1].", True, True),
        _row("Peskov said talks would go on [1].", True, True),  # again, same answer
        _row("He was willing to give money and [1]", True, False),  # cut off
        _row("“We have a lot of them.” [2]", True, True),
    ]
    other = {**rows[0], "id": "q2"}  # the same sentence in another answer is no repeat
    assert repeated([*rows, other]) == 1
    assert cut_off(rows) == 1


def test_todays_tidying_is_replayed_on_each_sentence() -> None:
    rows = [
        _row("It airs on NBC in [1].", True, False),  # stops on a word that cannot end it
        _row("He was willing to give money and", True, False),  # no stop, no marker
        _row("Peskov said talks would go on [1].", True, True),
    ]
    assert tidied_today(rows) == [True, True, False]
