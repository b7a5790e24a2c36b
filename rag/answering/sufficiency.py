"""Before a model writes: does any passage answer the question at all?

Passages about the same event often share every word of a question and still not hold
its answer (the women's final for "who won the men's final"). A reader model tells them
apart better than word counts do: for each passage it is asked, on its own, whether the
passage answers the question, and its yes/no judgement is read from the log-probability
of its first token (:meth:`Generator.judge`: one token, no text generated). The passages
judged sufficient (probability of "yes" at least ``llm.min_sufficiency``, calibrated on
the dev sets) are the ones the model writes from; none, and the answer is "nothing
found" without a word written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rag.contract import Citation

JUDGE_INSTRUCTIONS = "Does the passage above answer the question? Reply with one word: yes or no."


@dataclass(frozen=True)
class Judged:
    passage: Citation
    p_yes: float


def judge_prompt(question: str, passage: str) -> str:
    """One passage as data, then the question, then the yes/no instruction."""
    return "\n".join(
        [f"<passage>\n{passage}\n</passage>", "", f"Question: {question}", "", JUDGE_INSTRUCTIONS]
    )


def judged(
    question: str,
    passages: Sequence[Citation],
    judge: Callable[[str], float],
    shown: Callable[[Citation], str],
) -> list[Judged]:
    """Each passage with the model's probability that it answers the question."""
    return [Judged(c, judge(judge_prompt(question, shown(c)))) for c in passages]


def sufficient(judgements: Sequence[Judged], threshold: float) -> list[Citation]:
    """The passages judged to answer, renumbered 1.. in their order (their markers in the
    written answer are these numbers)."""
    kept = [j.passage for j in judgements if j.p_yes >= threshold]
    return [c.model_copy(update={"n": n}) for n, c in enumerate(kept, start=1)]
