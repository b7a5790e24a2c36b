"""Calibrate the extractive answerer: answer hit, refusals and negative rejection over a
grid of ``answer.min_support`` and ``answer.keep_ratio``, on the dev sets.

Retrieval runs once per question through the desk's public ``retrieve`` (the retrieval
``ask`` runs: the question's days, one article per story), and once more without the
articles holding its answer, for negative rejection; only the answerer is re-run per
setting, so a grid takes seconds.
Indexes are those ``newsdesk eval`` builds (built here when missing).

    python -m bench.answers --set sample --set rgb --set realtimeqa-1k \\
        --min-support 0.3,0.4,0.5,0.6 --keep-ratio 0.8,0.85,0.9
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bench.common import EVAL, REALTIMEQA, ROOT, machine, write_results
from rag.answering import ExtractiveAnswerer
from rag.contract import Filters, Query
from rag.desk import Newsdesk, Retrieval, build
from services.evaluation import Question, answer_holders, load_questions, text_hit
from services.evaluation import eval_settings as _eval_settings
from services.settings import load_settings

SETS = {
    "sample": (EVAL / "sample" / "dev.jsonl", ROOT / "data" / "sample"),
    "rgb": (EVAL / "rgb" / "dev.jsonl", EVAL / "rgb" / "corpus.jsonl"),
    "realtimeqa-1k": (REALTIMEQA / "dev.jsonl", REALTIMEQA / "corpus-1k.jsonl.gz"),
    "realtimeqa": (REALTIMEQA / "dev.jsonl", REALTIMEQA / "corpus.jsonl.gz"),
}


@dataclass(frozen=True)
class Retrieved:
    """One question's retrieval, done once: with and without its answer articles."""

    question: Question
    found: Retrieval
    negative: Retrieval | None


def retrieve_all(desk: Newsdesk, questions: Sequence[Question]) -> list[Retrieved]:
    holders = answer_holders(desk, questions)
    out = []
    for q in questions:
        found = desk.retrieve(Query(question=q.query, as_of=q.as_of))
        negative = None
        if q.id in holders:
            without = Filters(exclude=tuple(sorted(holders[q.id])))
            negative = desk.retrieve(Query(question=q.query, as_of=q.as_of, filters=without))
        out.append(Retrieved(q, found, negative))
    return out


def score(desk: Newsdesk, retrieved: Sequence[Retrieved], **answer: float) -> dict[str, float]:
    settings = desk.settings.answer.model_copy(update=answer)
    answerer = ExtractiveAnswerer(settings)
    hit = refused = correct = rejected = negatives = answerable = 0
    cited: list[int] = []
    for r in retrieved:
        composed = answerer.answer(r.found.planned.searched, r.found.grounds)
        text, citations = composed.text, composed.citations
        if citations:
            cited.append(len(citations))
        if r.question.unanswerable:
            correct += not citations
            continue
        answerable += 1
        refused += not citations
        hit += bool(citations) and text_hit(
            [text, *(c.quote for c in citations)], r.question.answers
        )
        if r.negative is not None:
            negatives += 1
            rejected += not answerer.answer(
                r.negative.planned.searched, r.negative.grounds
            ).citations
    unanswerable = len(retrieved) - answerable
    return {
        "answer_hit": round(hit / max(answerable, 1), 3),
        "refusals": round(refused / max(answerable, 1), 3),
        "correct_refusal": round(correct / unanswerable, 3) if unanswerable else -1.0,
        "negative_rejection": round(rejected / negatives, 3) if negatives else -1.0,
        "citations_median": float(statistics.median(cited)) if cited else 0.0,
    }


def open_set(name: str) -> tuple[Newsdesk, list[Question]]:
    from ingest.runner import ingest_paths

    questions_file, corpus = SETS[name]
    desk = build(_eval_settings(load_settings(), corpus))
    ingest_paths(desk, [corpus])
    return desk, load_questions(questions_file)


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", action="append", choices=sorted(SETS), required=True)
    parser.add_argument("--min-support", type=_floats, default=[0.5])
    parser.add_argument("--keep-ratio", type=_floats, default=[0.85])
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": machine(), "sets": {}}
    for name in args.set:
        desk, questions = open_set(name)
        retrieved = retrieve_all(desk, questions)
        rows = results["sets"][name] = []
        print(f"\n{name}: {len(questions)} questions")
        for support in args.min_support:
            for keep in args.keep_ratio:
                metrics = score(desk, retrieved, min_support=support, keep_ratio=keep)
                rows.append({"min_support": support, "keep_ratio": keep, **metrics})
                print(f"  min_support {support:.2f} keep {keep:.2f}: {metrics}")
    print(f"results: {write_results('answers', results)}")


if __name__ == "__main__":
    main()
