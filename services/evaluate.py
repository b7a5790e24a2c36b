"""``newsdesk eval``: retrieval and answer quality on question sets with gold articles.

Question files follow the shared evaluation format (one JSON object a line: ``query``,
``answer``, optional ``answers``, ``gold_doc_ids``, optional ``question_date``). Each
question is asked of an index built from the corpus in a store of its own, so an eval
never mixes with the user's index, and re-running it re-ingests nothing that is unchanged.

Metrics are article-level on the ranked chunks: Recall@k is the share of questions with a
chunk of a gold article among the first k chunks, MRR@10 the mean of 1/rank of the first
such chunk. News repeats itself, so a non-gold article often answers as well as the gold
one: "answer in top article" (a gold answer string is in the first article's text) shows
when a Recall@1 miss is such a same-story article. Answer hit: a gold answer string
(case-insensitive) appears in the answer text or its cited quotes. Citation validity: the
share of citations whose quote is exactly ``article_text[start:end]`` of the stored article
(the contract: must be 1.0).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from rag.config import CoreSettings
from rag.contract import Answer
from rag.desk import Newsdesk
from rag.errors import NewsdeskError
from rag.search import Recency
from rag.text import normalise_date

log = logging.getLogger(__name__)
RANKS = (1, 5, 10)
CoreSettingsT = TypeVar("CoreSettingsT", bound=CoreSettings)


@dataclass(frozen=True)
class Question:
    """One evaluation question; ``as_of`` is the day it was asked, when known."""

    id: str
    query: str
    answers: tuple[str, ...]
    gold_doc_ids: frozenset[str]
    as_of: date | None = None


@dataclass(frozen=True)
class QuestionResult:
    """What happened to one question (``rank`` is 1-based; None when no gold chunk came)."""

    id: str
    rank: int | None
    answer_hit: bool
    answer_in_top5: bool
    answer_in_top_article: bool
    refused: bool
    citations: int
    valid_citations: int
    latency_ms: float


class Outcome(NamedTuple):
    """What ``newsdesk eval`` prints and its exit status."""

    markdown: str
    index_summary: str
    exit_code: int
    failures: list[str]


@dataclass
class SetReport:
    """Metrics of one question set, plus the per-question results they come from."""

    name: str
    questions: int
    metrics: dict[str, float]
    results: list[QuestionResult] = field(default_factory=list)


def run(
    settings: CoreSettings,
    question_files: Sequence[Path],
    corpus: Path,
    store: Path | None = None,
    limit: int | None = None,
    use_as_of: bool = True,
    json_out: Path | None = None,
) -> Outcome:
    """Index the corpus (once), evaluate each set; the markdown table and an exit status."""
    from ingest.runner import ingest_paths
    from rag.desk import build

    if not corpus.exists():
        raise NewsdeskError(f"corpus not found: {corpus}")
    sets = [(path.name, load_questions(path)[:limit]) for path in question_files]
    desk = build(eval_settings(settings, corpus, store))
    ingested = ingest_paths(desk, [corpus])
    reports = [summarize(name, evaluate(desk, qs, use_as_of=use_as_of)) for name, qs in sets]
    markdown = to_markdown(reports, str(corpus))
    if json_out is not None:
        extra = {"as_of": use_as_of, "index": desk.stats(), "failed": len(ingested.failed)}
        json_out.parent.mkdir(parents=True, exist_ok=True)
        data = to_json(reports, str(corpus), extra)
        json_out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        json_out.with_suffix(".md").write_text(markdown, encoding="utf-8")
    broken = any(r.metrics["citation_validity"] < 1.0 for r in reports)
    failures = [f"{f.origin}: {f.message}" for f in ingested.failed]
    return Outcome(markdown, ingested.summary(), 2 if broken or failures else 0, failures)


def load_questions(path: Path) -> list[Question]:
    """Questions of a dev.jsonl-style file; a bad line is an error naming the line."""
    questions: list[Question] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise NewsdeskError(f"cannot read questions {path}: {exc.strerror or exc}") from None
    for number, line in enumerate(lines, start=1):
        if line.strip():
            questions.append(_question(line, f"{path}:{number}"))
    return questions


def _question(line: str, where: str) -> Question:
    try:
        raw = json.loads(line)
        answers = tuple(str(a) for a in raw.get("answers") or [raw["answer"]] if str(a).strip())
        day = normalise_date(raw.get("question_date") or "")
        return Question(
            id=str(raw.get("id", where)),
            query=str(raw["query"]),
            answers=answers,
            gold_doc_ids=frozenset(str(d) for d in raw["gold_doc_ids"]),
            as_of=date.fromisoformat(day) if day else None,
        )
    except (AttributeError, KeyError, TypeError, ValueError, NewsdeskError) as exc:
        raise NewsdeskError(f"{where}: not an evaluation question ({exc})") from None


def eval_settings(
    settings: CoreSettingsT, corpus: Path, store: Path | None = None
) -> CoreSettingsT:
    """Settings whose store is the corpus's own (under ``<store>/../eval/``, or ``store``)."""
    corpus = corpus.expanduser().resolve()
    key = hashlib.sha1(f"{corpus}|{settings.embedding.backend}".encode()).hexdigest()[:10]
    name = corpus.name.split(".")[0]
    root = store or settings.store.path.parent / "eval" / f"{name}-{key}"
    paths = {"mode": "local", "path": root / "store", "cache_path": root / "cache"}
    return settings.model_copy(update={"store": settings.store.model_copy(update=paths)})


def evaluate(
    desk: Newsdesk, questions: Sequence[Question], depth: int = 10, use_as_of: bool = True
) -> list[QuestionResult]:
    """Ask every question (warm: one untimed question first) and score it."""
    if questions:
        desk.ask(questions[0].query)
    return [_score(desk, q, depth, use_as_of) for q in questions]


def _score(desk: Newsdesk, question: Question, depth: int, use_as_of: bool) -> QuestionResult:
    as_of = question.as_of if use_as_of else None
    started = time.perf_counter()
    answer = desk.ask(question.query, as_of=as_of)
    latency = (time.perf_counter() - started) * 1000
    recency = Recency.of(as_of, desk.settings.retrieval)
    hits = desk.retriever.retrieve(question.query, depth, None, recency)
    rank = next((h.rank + 1 for h in hits if h.chunk.doc_id in question.gold_doc_ids), None)
    top = desk.store.get_articles([hits[0].chunk.doc_id]) if hits else {}
    return QuestionResult(
        id=question.id,
        rank=rank,
        answer_hit=answer_hit(answer, question.answers),
        answer_in_top5=text_hit([h.chunk.text for h in hits[:5]], question.answers),
        answer_in_top_article=text_hit([a.text for a in top.values()], question.answers),
        refused=not answer.citations,
        citations=len(answer.citations),
        valid_citations=_valid_citations(desk, answer),
        latency_ms=round(latency, 2),
    )


def answer_hit(answer: Answer, golds: Sequence[str]) -> bool:
    """Does a gold string appear in the answer or its quotes (a refusal never hits)?"""
    texts = [answer.answer, *(c.quote for c in answer.citations)] if answer.citations else []
    return text_hit(texts, golds)


def text_hit(texts: Sequence[str], golds: Sequence[str]) -> bool:
    """Does a gold string appear in one of the texts (case- and whitespace-insensitive)?"""
    haystack = "\n".join(" ".join(t.split()) for t in texts).lower()
    return any(" ".join(g.split()).lower() in haystack for g in golds if g.strip())


def _valid_citations(desk: Newsdesk, answer: Answer) -> int:
    if not answer.citations:
        return 0
    articles = desk.store.get_articles([c.doc_id for c in answer.citations])
    return sum(
        1
        for c in answer.citations
        if c.doc_id in articles and articles[c.doc_id].text[c.start : c.end] == c.quote
    )


def summarize(name: str, results: Sequence[QuestionResult]) -> SetReport:
    """Recall@1/5/10, MRR@10, answer hit, refusal, citation validity, latency p50/p95."""
    n = max(len(results), 1)
    metrics: dict[str, float] = {
        f"recall@{k}": sum(1 for r in results if r.rank and r.rank <= k) / n for k in RANKS
    }
    metrics["mrr@10"] = sum(1 / r.rank for r in results if r.rank and r.rank <= 10) / n
    metrics["answer_hit"] = sum(r.answer_hit for r in results) / n
    metrics["answer_in_top5"] = sum(r.answer_in_top5 for r in results) / n
    metrics["answer_in_top_article"] = sum(r.answer_in_top_article for r in results) / n
    metrics["refusal_rate"] = sum(r.refused for r in results) / n
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
    ("citation_validity", "citations valid"),
    ("latency_p50_ms", "p50 ms"),
    ("latency_p95_ms", "p95 ms"),
)


def to_markdown(reports: Sequence[SetReport], corpus: str) -> str:
    """A markdown table, one row per question set."""
    head = "| set | questions | " + " | ".join(label for _, label in COLUMNS) + " |"
    rule = "|---" * (len(COLUMNS) + 2) + "|"
    rows = [
        f"| {r.name} | {r.questions} | "
        + " | ".join(_cell(key, r.metrics[key]) for key, _ in COLUMNS)
        + " |"
        for r in reports
    ]
    return "\n".join([f"Corpus: `{corpus}`", "", head, rule, *rows]) + "\n"


def _cell(key: str, value: float) -> str:
    return f"{value:.1f}" if key.endswith("_ms") else f"{value:.3f}"


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
