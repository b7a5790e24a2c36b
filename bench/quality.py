"""Retrieval and answer quality: Newsdesk against the llama-index baseline, in one run.

Both systems answer the same questions over the same corpus, each from its own index
(built once, reused). Newsdesk runs with and without ``as_of = question_date``; the
baseline with ``as_retriever()`` defaults (top-k 2) and with top-k 10. Metrics are those
of ``newsdesk eval`` (article-level, on ranked chunks). The baseline has no answerer, so
its "answer hit" is the gold string in the chunks it returns (top-k 2: about 1,500 words).

    python -m bench.quality --corpus corpus-1k
    python -m bench.quality --corpus corpus --questions ../shared/eval/realtimeqa/dev.jsonl
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.baseline import LlamaBaseline
from bench.common import REALTIMEQA, machine, read_corpus, write_results
from services.evaluation import (
    COLUMNS,
    Question,
    QuestionResult,
    eval_settings,
    evaluate,
    load_questions,
    summarize,
    text_hit,
)
from services.settings import load_settings


def newsdesk_rows(corpus: Path, questions: Sequence[Question]) -> dict[str, dict[str, float]]:
    from ingest.runner import ingest_paths
    from rag.desk import build

    desk = build(eval_settings(load_settings(), corpus))
    report = ingest_paths(desk, [corpus], show_progress=False)
    print(f"newsdesk index: {report.summary()}")
    return {
        "newsdesk, as_of = question_date": summarize("", evaluate(desk, questions)).metrics,
        "newsdesk, no as_of": summarize("", evaluate(desk, questions, use_as_of=False)).metrics,
    }


def baseline_rows(corpus: Path, questions: Sequence[Question]) -> dict[str, dict[str, float]]:
    baseline = LlamaBaseline(corpus)
    print(f"baseline index: {baseline.chunks()} chunks (built in {baseline.build_seconds:.0f} s)")
    baseline.retrieve(questions[0].query)  # warm
    bodies = {str(a.get("doc_id")): str(a.get("body", "")) for a in read_corpus(corpus)}
    rows = {}
    for label, top_k in (("llama-index defaults, top-k 2", None), ("top-k 10", 10)):
        results = [_baseline_result(baseline, q, top_k, bodies) for q in questions]
        rows[f"llama-index defaults, {label.split(', ')[-1]}"] = summarize("", results).metrics
    return rows


def _baseline_result(
    baseline: LlamaBaseline, q: Question, top_k: int | None, bodies: dict[str, str]
) -> QuestionResult:
    got = baseline.retrieve(q.query, top_k)
    rank = next((i + 1 for i, d in enumerate(got.doc_ids) if d in q.gold_doc_ids), None)
    top_article = [bodies.get(got.doc_ids[0], "")] if got.doc_ids else []
    return QuestionResult(
        q.id,
        rank,
        answer_hit=text_hit(got.texts, q.answers),
        answer_in_top5=text_hit(got.texts[:5], q.answers),
        answer_in_top_article=text_hit(top_article, q.answers),
        refused=False,
        citations=0,
        valid_citations=0,
        latency_ms=got.seconds * 1000,
    )


def table(rows: dict[str, dict[str, float]]) -> str:
    keys = [k for k, _ in COLUMNS if k not in ("refusal_rate", "citation_validity")]
    labels = dict(COLUMNS)
    head = "| system | " + " | ".join(labels[k] for k in keys) + " |"
    lines = [head, "|---" * (len(keys) + 1) + "|"]
    for name, m in rows.items():
        cells = [f"{m[k]:.1f}" if k.endswith("_ms") else f"{m[k]:.3f}" for k in keys]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default="corpus-1k", help="corpus-1k, corpus, or a path")
    parser.add_argument("--questions", default=str(REALTIMEQA / "dev.jsonl"))
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args(argv)
    corpus = Path(args.corpus)
    if not corpus.exists():
        corpus = REALTIMEQA / f"{args.corpus}.jsonl.gz"
    questions = load_questions(Path(args.questions))
    rows = newsdesk_rows(corpus, questions)
    if not args.skip_baseline:
        rows.update(baseline_rows(corpus, questions))
    print(f"\n{corpus.name}, {len(questions)} questions ({Path(args.questions).name})\n")
    print(table(rows))
    print("(p50/p95: Newsdesk = whole in-process ask; baseline = retrieval only)")
    data: dict[str, Any] = {"corpus": str(corpus), "questions": str(args.questions)}
    path = write_results(
        f"quality-{corpus.name.split('.')[0]}", {**data, "machine": machine(), "rows": rows}
    )
    print(f"results: {path}")


if __name__ == "__main__":
    main()
