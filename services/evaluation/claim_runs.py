"""One run of the claim evaluation: index the corpus (once), make the claims and the
quotes, check them all, ask the questions for comparison, and report."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rag.config import CoreSettings
from rag.contract import Query
from rag.errors import NewsdeskError
from services.evaluation import eval_settings, load_questions
from services.evaluation.claim_checks import (
    check_claims,
    check_quotes,
    claim_metrics,
    claims_markdown,
    question_latencies,
    quote_metrics,
)
from services.evaluation.claim_sets import load_claims
from services.evaluation.quote_sets import attributed, quote_cases
from services.evaluation.report import percentile


@dataclass(frozen=True)
class ClaimOutcome:
    markdown: str
    data: dict[str, Any]
    exit_code: int  # 2 when a cited passage was not verbatim


def run_claim_eval(
    settings: CoreSettings,
    questions: Path,
    corpus: Path,
    store: Path | None = None,
    quotes: int = 150,
    limit: int | None = None,
) -> ClaimOutcome:
    from ingest.runner import ingest_paths
    from rag.desk import build

    if not corpus.exists():
        raise NewsdeskError(f"corpus not found: {corpus}")
    claims = load_claims(questions)
    asked = load_questions(questions)[:limit]
    if limit is not None:
        wanted = {q.id for q in asked}
        claims = [c for c in claims if c.id.split("#")[0] in wanted]
    desk = build(eval_settings(settings, corpus, store))
    ingest_paths(desk, [corpus], show_progress=False)
    said = attributed(desk.iter_articles()) if quotes else []
    quote_set = quote_cases(said, quotes)
    if asked:  # one untimed question: the model and the caches warm up first
        desk.ask(Query(question=asked[0].query))
    claim_results = check_claims(desk, claims)
    quote_results = check_quotes(desk, quote_set)
    ask_ms = sorted(
        question_latencies(desk, [Query(question=q.query, as_of=q.as_of) for q in asked])
    )
    claim_m, quote_m = claim_metrics(claim_results), quote_metrics(quote_results)
    asked_p50 = percentile(ask_ms, 50)
    data = {
        "questions": str(questions),
        "corpus": str(corpus),
        "claims": claim_m,
        "quotes": quote_m,
        "question_latency_p50_ms": round(asked_p50, 1),
        "results": {"claims": [asdict(r) for r in claim_results],
                    "quotes": [asdict(r) for r in quote_results]},
    }  # fmt: skip
    valid = min(claim_m["citation_validity"], quote_m["citation_validity"])
    return ClaimOutcome(claims_markdown(claim_m, quote_m, asked_p50), data, 2 if valid < 1 else 0)
