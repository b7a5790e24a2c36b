"""``newsdesk eval-claims`` / ``python -m bench.claims``: claim and quote checks scored.

Claims (:mod:`services.evaluation.claim_sets`): a right-choice claim should be
``supported``, a wrong-choice one anything else; the worst error is a wrong claim
supported. Quotes (:mod:`services.evaluation.quote_sets`): exact ones ``exact``, altered
ones anything but ``exact`` ("flagged"), and ideally the verdict named. Every check goes
through ``Newsdesk.check_claim``, as every edge does, and every cited passage is checked
to be verbatim. Questions are asked too, so a check's cost is compared with a question's.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rag.contract import Article, ClaimCheck, ClaimQuery, Evidence, Query
from rag.desk import Newsdesk
from services.evaluation.claim_sets import ClaimCase
from services.evaluation.quote_sets import QuoteCase
from services.evaluation.report import percentile

CLAIM_VERDICTS = ("supported", "contradicted", "mixed", "not_found")
QUOTE_VERDICTS = ("exact", "altered", "misattributed", "not_found")


@dataclass(frozen=True)
class Checked:
    """One check: what was expected, what came, how long it took, whether it cited right."""

    id: str
    expected: str
    got: str
    group: str  # the claim's rule, or the quote's variant
    latency_ms: float
    citations: int
    valid_citations: int


def check_claims(
    desk: Newsdesk, cases: Sequence[ClaimCase], use_as_of: bool = True
) -> list[Checked]:
    out = []
    for case in cases:
        query = ClaimQuery(claim=case.claim, as_of=case.as_of if use_as_of else None)
        check, ms = _timed(desk, query)
        out.append(
            _checked(desk, case.id, case.expected, check.verdict or "", case.rule, ms, check)
        )
    return out


def check_quotes(desk: Newsdesk, cases: Sequence[QuoteCase]) -> list[Checked]:
    out = []
    for case in cases:
        check, ms = _timed(desk, ClaimQuery(quote=case.quote, speaker=case.speaker))
        got = check.quote_check or ""
        out.append(_checked(desk, case.id, case.expected, got, case.variant, ms, check))
    return out


def question_latencies(desk: Newsdesk, queries: Sequence[Query]) -> list[float]:
    """Milliseconds per question asked (the same desk, for comparison)."""
    out = []
    for query in queries:
        started = time.perf_counter()
        desk.ask(query)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _timed(desk: Newsdesk, query: ClaimQuery) -> tuple[ClaimCheck, float]:
    started = time.perf_counter()
    check = desk.check_claim(query)
    return check, (time.perf_counter() - started) * 1000


def _checked(
    desk: Newsdesk, id_: str, expected: str, got: str, group: str, ms: float, check: ClaimCheck
) -> Checked:
    articles = desk.get_articles([e.citation.doc_id for e in check.evidence])
    valid = sum(1 for e in check.evidence if _verbatim(e, articles.get(e.citation.doc_id)))
    return Checked(id_, expected, got, group, round(ms, 2), len(check.evidence), valid)


def _verbatim(e: Evidence, article: Article | None) -> bool:
    """Is the passage the stored words, and each mark the words at its offsets? (A
    headline's passage is the stored title.)"""
    if article is None:
        return False
    c = e.citation
    stored = article.title if e.headline else article.text[c.start : c.end]
    within = article.title if e.headline else article.text
    return stored == e.passage and all(within[m.start : m.end] == m.text for m in e.marks)


def claim_metrics(results: Sequence[Checked]) -> dict[str, Any]:
    """Supported on right and on wrong claims, precision per verdict, rates per verdict."""
    right = [r for r in results if r.expected == "supported"]
    wrong = [r for r in results if r.expected != "supported"]
    rates = {
        v: {"right": _share(sum(r.got == v for r in right), len(right)),
            "wrong": _share(sum(r.got == v for r in wrong), len(wrong))}
        for v in CLAIM_VERDICTS
    }  # fmt: skip
    supported = [r for r in results if r.got == "supported"]
    refused = [r for r in results if r.got in ("contradicted", "not_found")]
    return {
        "claims": len(results),
        "right": len(right),
        "wrong": len(wrong),
        "supported_on_right": rates["supported"]["right"],
        "supported_on_wrong": rates["supported"]["wrong"],
        "precision_supported": _share(
            sum(r.expected == "supported" for r in supported), len(supported)
        ),
        "recall_not_supported": _share(sum(r.got != "supported" for r in wrong), len(wrong)),
        "precision_not_supported": _share(
            sum(r.expected != "supported" for r in refused), len(refused)
        ),
        "precision_contradicted": _share(
            sum(r.expected != "supported" for r in results if r.got == "contradicted"),
            sum(r.got == "contradicted" for r in results),
        ),
        "rates": rates,
        "by_rule": _by_group(results, lambda r: r.got == "supported"),
        **_common(results),
    }


def quote_metrics(results: Sequence[Checked]) -> dict[str, Any]:
    """Exact found, altered flagged, and precision and recall per verdict."""
    exact = [r for r in results if r.expected == "exact"]
    changed = [r for r in results if r.expected != "exact"]
    per_verdict = {}
    for v in QUOTE_VERDICTS:
        predicted = [r for r in results if r.got == v]
        actual = [r for r in results if r.expected == v]
        per_verdict[v] = {
            "precision": _share(sum(r.expected == v for r in predicted), len(predicted)),
            "recall": _share(sum(r.got == v for r in actual), len(actual)),
            "predicted": len(predicted),
            "actual": len(actual),
        }
    return {
        "quotes": len(results),
        "exact_found": _share(sum(r.got == "exact" for r in exact), len(exact)),
        "altered_flagged": _share(sum(r.got != "exact" for r in changed), len(changed)),
        "per_verdict": per_verdict,
        "flagged_by_variant": _by_group(results, lambda r: r.got != "exact"),
        "right_by_variant": _by_group(results, lambda r: r.got == r.expected),
        **_common(results),
    }


def _common(results: Sequence[Checked]) -> dict[str, Any]:
    latencies = sorted(r.latency_ms for r in results)
    cited = sum(r.citations for r in results)
    return {
        "latency_p50_ms": round(percentile(latencies, 50), 1) if latencies else 0.0,
        "latency_p95_ms": round(percentile(latencies, 95), 1) if latencies else 0.0,
        "citation_validity": _share(sum(r.valid_citations for r in results), cited)
        if cited
        else 1.0,
    }


def _by_group(results: Sequence[Checked], hit: Any) -> dict[str, dict[str, float]]:
    groups: dict[str, list[Checked]] = {}
    for r in results:
        groups.setdefault(f"{r.group}/{r.expected}", []).append(r)
    return {g: {"n": len(rs), "share": _share(sum(bool(hit(r)) for r in rs), len(rs))}
            for g, rs in sorted(groups.items())}  # fmt: skip


def _share(count: int, total: int) -> float:
    return round(count / total, 3) if total else 0.0


def claims_markdown(claims: dict[str, Any], quotes: dict[str, Any], asked_p50: float) -> str:
    """The headline figures as a Markdown table."""
    rows = [
        ("claims (right / wrong choice)", f"{claims.get('right', 0)} / {claims.get('wrong', 0)}"),
        ("supported, right-choice claims (recall)", claims.get("supported_on_right", 0)),
        ("supported, wrong-choice claims (must be <= 0.05)", claims.get("supported_on_wrong", 0)),
        ("precision of supported", claims.get("precision_supported", 0)),
        ("contradicted, wrong / right claims",
         f"{claims.get('rates', {}).get('contradicted', {}).get('wrong', 0)} / "
         f"{claims.get('rates', {}).get('contradicted', {}).get('right', 0)}"),
        ("quotes checked", quotes.get("quotes", 0)),
        ("exact quotes found", quotes.get("exact_found", 0)),
        ("altered quotes flagged", quotes.get("altered_flagged", 0)),
        ("claim check p50 ms (question p50 ms)",
         f"{claims.get('latency_p50_ms', 0)} ({round(asked_p50, 1)})"),
        ("citation validity", min(claims.get("citation_validity", 1.0),
                                  quotes.get("citation_validity", 1.0))),
    ]  # fmt: skip
    lines = ["| metric | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]
    per = quotes.get("per_verdict", {})
    if per:
        lines += ["", "| quote verdict | precision | recall | predicted | actual |",
                  "|---|---|---|---|---|"]  # fmt: skip
        lines += [f"| {v} | {m['precision']} | {m['recall']} | {m['predicted']} | {m['actual']} |"
                  for v, m in per.items()]  # fmt: skip
    return "\n".join(lines) + "\n"
