"""Metrics of a question set, and their Markdown and JSON forms.

Recall@k and MRR@10 count the questions that have gold articles; answer hit and wrongful
refusals the answerable ones; correct refusals the unanswerable ones; negative rejection
the answerable ones asked without their answers (``--negatives``). Citation validity is
the share of citations whose quote is exactly ``article_text[start:end]`` (must be 1.0).

Trust metrics, after Trust-Score (Song et al., ICLR 2025): every answerable question is a
case where answering is right; every unanswerable one, and every answerable one asked
without its answers (``--negatives``), a case where refusing is right. Answering has a
precision (answers given where one exists), a recall (answerable questions answered) and
their F1; refusing a precision and recall likewise; ``trust_f1`` is the mean of the two
F1s. Citation recall: the answered answerable questions whose citations hold a gold
answer; citation precision: the share of their citations that hold at least part of one.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from services.evaluation.scoring import QuestionResult

RANKS = (1, 5, 10)


@dataclass
class SetReport:
    """Metrics of one question set, plus the per-question results they come from."""

    name: str
    questions: int
    metrics: dict[str, float]
    results: list[QuestionResult] = field(default_factory=list)


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def summarize(name: str, results: Sequence[QuestionResult]) -> SetReport:
    """Recall, MRR, answers, refusals, negative rejection, citations, latency."""
    ranked = [r for r in results if r.has_gold]
    answerable = [r for r in results if not r.unanswerable]
    unanswerable = [r for r in results if r.unanswerable]
    n = len(ranked)
    metrics: dict[str, float] = {
        f"recall@{k}": _share(sum(1 for r in ranked if r.rank and r.rank <= k), n) for k in RANKS
    }
    reciprocal = sum(1 / r.rank for r in ranked if r.rank and r.rank <= 10)
    metrics["mrr@10"] = reciprocal / n if n else 0.0
    m = len(answerable)
    metrics["answer_hit"] = _share(sum(r.answer_hit for r in answerable), m)
    metrics["answer_in_top5"] = _share(sum(r.answer_in_top5 for r in answerable), m)
    metrics["answer_in_top_article"] = _share(sum(r.answer_in_top_article for r in answerable), m)
    metrics["refusal_rate"] = _share(sum(r.refused for r in answerable), m)
    metrics["unanswerable"] = float(len(unanswerable))
    metrics["correct_refusal"] = _share(sum(r.refused for r in unanswerable), len(unanswerable))
    negatives = [r.negative_refused for r in answerable if r.negative_refused is not None]
    metrics["negative_rejection"] = _share(sum(negatives), len(negatives))
    metrics["negatives"] = float(len(negatives))
    answered = [r.citations for r in results if not r.refused]
    metrics["citations_median"] = float(statistics.median(answered)) if answered else 0.0
    cited = sum(r.citations for r in results)
    valid = sum(r.valid_citations for r in results)
    metrics["citation_validity"] = valid / cited if cited else 1.0
    metrics["citations"] = float(cited)
    metrics.update(trust(results))
    latencies = sorted(r.latency_ms for r in results)
    metrics["latency_p50_ms"] = percentile(latencies, 50)
    metrics["latency_p95_ms"] = percentile(latencies, 95)
    metrics["answer_p50_ms"] = percentile(sorted(r.answer_ms for r in results), 50)
    rounded = {k: round(v, 4) for k, v in metrics.items()}
    return SetReport(name, len(results), rounded, list(results))


def trust(results: Sequence[QuestionResult]) -> dict[str, float]:
    """Answering and refusing as a classification, and the citations of the answers."""
    answerable = [r for r in results if not r.unanswerable]
    # (answered?, should it have been?) for every case
    cases = [(not r.refused, not r.unanswerable) for r in results]
    cases += [(not r.negative_refused, False) for r in answerable if r.negative_refused is not None]
    answered_right = sum(1 for a, ok in cases if a and ok)
    refused_right = sum(1 for a, ok in cases if not a and not ok)
    answered = sum(1 for a, _ in cases if a)
    should_answer = sum(1 for _, ok in cases if ok)
    out = {
        "answer_precision": _share(answered_right, answered),
        "answer_recall": _share(answered_right, should_answer),
        "refusal_precision": _share(refused_right, len(cases) - answered),
        "refusal_recall": _share(refused_right, len(cases) - should_answer),
    }
    out["answer_f1"] = _f1(out["answer_precision"], out["answer_recall"])
    out["refusal_f1"] = _f1(out["refusal_precision"], out["refusal_recall"])
    out["trust_f1"] = (out["answer_f1"] + out["refusal_f1"]) / 2
    out["refuse_cases"] = float(len(cases) - should_answer)
    given = [r for r in answerable if not r.refused]
    out["citation_recall"] = _share(sum(r.cited_answer for r in given), len(given))
    cited = sum(r.citations for r in given)
    out["citation_precision"] = _share(sum(r.citations_with_part for r in given), cited)
    return out


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of sorted values (0.0 for none)."""
    if not values:
        return 0.0
    index = max(0, min(len(values) - 1, math.ceil(pct / 100 * len(values)) - 1))
    return float(values[index])


COLUMNS = (
    ("recall@1", "R@1"),
    ("recall@5", "R@5"),
    ("recall@10", "R@10"),
    ("mrr@10", "MRR@10"),
    ("answer_hit", "answer hit"),
    ("answer_in_top5", "answer in top-5 chunks"),
    ("answer_in_top_article", "answer in top article"),
    ("refusal_rate", "refusals"),
    ("correct_refusal", "correct refusals"),
    ("negative_rejection", "negative rejection"),
    ("citations_median", "citations/answer"),
    ("citation_validity", "citations valid"),
    ("answer_precision", "answering P"),
    ("answer_recall", "answering R"),
    ("answer_f1", "answering F1"),
    ("refusal_precision", "refusing P"),
    ("refusal_recall", "refusing R"),
    ("trust_f1", "trust F1"),
    ("citation_recall", "citation recall"),
    ("citation_precision", "citation precision"),
    ("latency_p50_ms", "p50 ms"),
    ("latency_p95_ms", "p95 ms"),
    ("answer_p50_ms", "answer p50 ms"),
)


def to_markdown(reports: Sequence[SetReport], corpus: str) -> str:
    """A markdown table, one row per question set ("-" where a metric does not apply)."""
    head = "| set | questions | " + " | ".join(label for _, label in COLUMNS) + " |"
    rule = "|---" * (len(COLUMNS) + 2) + "|"
    rows = [
        f"| {r.name} | {r.questions} | "
        + " | ".join(cell(key, r.metrics) for key, _ in COLUMNS)
        + " |"
        for r in reports
    ]
    return "\n".join([f"Corpus: `{corpus}`", "", head, rule, *rows]) + "\n"


def cell(key: str, metrics: dict[str, float]) -> str:
    if key == "correct_refusal" and not metrics.get("unanswerable"):
        return "-"
    if key == "negative_rejection" and not metrics.get("negatives"):
        return "-"
    if key in ("refusal_precision", "refusal_recall", "trust_f1") and not metrics.get(
        "refuse_cases"
    ):
        return "-"  # nothing to refuse: asked without --negatives and no unanswerables
    value = metrics[key]
    return f"{value:.1f}" if key.endswith("_ms") or key == "citations_median" else f"{value:.3f}"


def to_json(reports: Sequence[SetReport], corpus: str, extra: dict[str, Any]) -> dict[str, Any]:
    """Everything measured, per set and per question."""
    return {
        "corpus": corpus,
        **extra,
        "sets": [
            {
                "name": r.name,
                "questions": r.questions,
                "metrics": r.metrics,
                "results": [asdict(q) for q in r.results],
            }
            for r in reports
        ],
    }
