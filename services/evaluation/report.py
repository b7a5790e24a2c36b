"""Metrics of a question set, and their Markdown and JSON forms.

Recall@k and MRR@10 count the questions that have gold articles; answer hit and wrongful
refusals the answerable ones; correct refusals the unanswerable ones; negative rejection
the answerable ones asked without their answers (``--negatives``). Citation validity is
the share of citations whose quote is exactly ``article_text[start:end]`` (must be 1.0).
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
    latencies = sorted(r.latency_ms for r in results)
    metrics["latency_p50_ms"] = percentile(latencies, 50)
    metrics["latency_p95_ms"] = percentile(latencies, 95)
    rounded = {k: round(v, 4) for k, v in metrics.items()}
    return SetReport(name, len(results), rounded, list(results))


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
    ("latency_p50_ms", "p50 ms"),
    ("latency_p95_ms", "p95 ms"),
)


def to_markdown(reports: Sequence[SetReport], corpus: str) -> str:
    """A markdown table, one row per question set ("-" where a metric does not apply)."""
    head = "| set | questions | " + " | ".join(label for _, label in COLUMNS) + " |"
    rule = "|---" * (len(COLUMNS) + 2) + "|"
    rows = [
        f"| {r.name} | {r.questions} | "
        + " | ".join(_cell(key, r.metrics) for key, _ in COLUMNS)
        + " |"
        for r in reports
    ]
    return "\n".join([f"Corpus: `{corpus}`", "", head, rule, *rows]) + "\n"


def _cell(key: str, metrics: dict[str, float]) -> str:
    if key == "correct_refusal" and not metrics.get("unanswerable"):
        return "-"
    if key == "negative_rejection" and not metrics.get("negatives"):
        return "-"
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
