"""Every answer set in one table (``make eval``): the sample questions, RGB with and
without negatives, realtimeqa over corpus-1k and over the full corpus (both with
negatives), each through ``newsdesk eval``'s own code (``services.evaluation``: the
product's ``ask``/``search``, indexes under ``.newsdesk/eval/``, built once).

    python -m bench.eval_table [--only rgb --only sample] [--limit N]

Writes ``bench/results/eval-table.md`` and one JSON per set (``eval-<set>.json``).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import NamedTuple

from bench.common import EVAL, REALTIMEQA, RESULTS, ROOT, machine
from services.evaluation import (
    COLUMNS,
    SetReport,
    cell,
    eval_settings,
    evaluate,
    load_questions,
    summarize,
    to_json,
)
from services.settings import load_settings


class AnswerSet(NamedTuple):
    name: str
    questions: Path
    corpus: Path
    negatives: bool


SETS = (
    AnswerSet("sample", EVAL / "sample" / "dev.jsonl", ROOT / "data" / "sample", True),
    AnswerSet("rgb", EVAL / "rgb" / "dev.jsonl", EVAL / "rgb" / "corpus.jsonl", False),
    AnswerSet("rgb-negatives", EVAL / "rgb" / "dev.jsonl", EVAL / "rgb" / "corpus.jsonl", True),
    AnswerSet("realtimeqa-1k", REALTIMEQA / "dev.jsonl", REALTIMEQA / "corpus-1k.jsonl.gz", True),
    AnswerSet("realtimeqa-full", REALTIMEQA / "dev.jsonl", REALTIMEQA / "corpus.jsonl.gz", True),
)


def run_set(answer_set: AnswerSet, limit: int | None) -> SetReport:
    from ingest.runner import ingest_paths
    from rag.desk import build
    from services.desk import embedder_for

    settings = load_settings()
    desk = build(eval_settings(settings, answer_set.corpus), embedder_for(settings))
    ingest_paths(desk, [answer_set.corpus])
    questions = load_questions(answer_set.questions)[:limit]
    results = evaluate(desk, questions, negatives=answer_set.negatives)
    report = summarize(answer_set.name, results)
    data = to_json([report], str(answer_set.corpus), {"index": desk.stats(), "machine": machine()})
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"eval-{answer_set.name}.json"
    out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return report


def table(reports: list[SetReport]) -> str:
    head = "| set | questions | " + " | ".join(label for _, label in COLUMNS) + " |"
    rule = "|---" * (len(COLUMNS) + 2) + "|"
    rows = [
        f"| {r.name} | {r.questions} | "
        + " | ".join(cell(key, r.metrics) for key, _ in COLUMNS)
        + " |"
        for r in reports
    ]
    when = time.strftime("%Y-%m-%d %H:%M")
    return "\n".join([f"`make eval`, {when}", "", head, rule, *rows]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", choices=[s.name for s in SETS])
    parser.add_argument("--limit", type=int, default=None, help="the first N questions")
    args = parser.parse_args()
    chosen = [s for s in SETS if not args.only or s.name in args.only]
    reports = []
    for answer_set in chosen:
        reports.append(run_set(answer_set, args.limit))
        print(f"{answer_set.name}: done", flush=True)
    text = table(reports)
    (RESULTS / "eval-table.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
