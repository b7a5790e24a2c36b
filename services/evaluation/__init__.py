"""``newsdesk eval``: retrieval and answer quality on question sets.

Each question set is asked of an index built from the corpus in a store of its own, so an
eval never mixes with the user's index, and re-running it re-ingests nothing unchanged.
News repeats itself, so a non-gold article often answers as well as the gold one: "answer
in top article" (a gold answer string is in the first article's text) shows when a
Recall@1 miss is such a same-story article. The modules: ``questions`` (the format),
``scoring`` (asking and judging one question), ``report`` (the metrics and tables).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple, TypeVar

from rag.config import CoreSettings
from rag.corpus import DEFAULT
from rag.errors import NewsdeskError
from services.evaluation.question_sets import Question, load_questions
from services.evaluation.report import (
    COLUMNS,
    SetReport,
    cell,
    percentile,
    summarize,
    to_json,
    to_markdown,
)
from services.evaluation.scoring import (
    QuestionResult,
    answer_hit,
    answer_holders,
    evaluate,
    text_hit,
)

__all__ = [
    "COLUMNS",
    "Outcome",
    "Question",
    "QuestionResult",
    "SetReport",
    "answer_hit",
    "answer_holders",
    "cell",
    "eval_settings",
    "evaluate",
    "load_questions",
    "percentile",
    "run",
    "summarize",
    "text_hit",
    "to_json",
    "to_markdown",
]

CoreSettingsT = TypeVar("CoreSettingsT", bound=CoreSettings)


class Outcome(NamedTuple):
    """What ``newsdesk eval`` prints and its exit status."""

    markdown: str
    index_summary: str
    exit_code: int
    failures: list[str]


def run(
    settings: CoreSettings,
    question_files: Sequence[Path],
    corpus: Path,
    store: Path | None = None,
    limit: int | None = None,
    use_as_of: bool = True,
    json_out: Path | None = None,
    negatives: bool = False,
    collection: str = DEFAULT,
) -> Outcome:
    """Index the corpus (once) into a collection of the eval store, evaluate each set;
    the markdown table and an exit status."""
    from ingest.runner import ingest_paths
    from rag.desk import build
    from services.desk import embedder_for

    if not corpus.exists():
        raise NewsdeskError(f"corpus not found: {corpus}")
    sets = [(path.name, load_questions(path)[:limit]) for path in question_files]
    desk = build(eval_settings(settings, corpus, store), embedder_for(settings))
    ingested = ingest_paths(desk, [corpus], collection=collection)
    reports = [
        summarize(name, evaluate(desk, qs, 10, use_as_of, negatives, collection))
        for name, qs in sets
    ]
    markdown = to_markdown(reports, str(corpus))
    if json_out is not None:
        extra = {"as_of": use_as_of, "index": desk.stats(collection),
                 "failed": len(ingested.failed), "collection": collection}  # fmt: skip
        json_out.parent.mkdir(parents=True, exist_ok=True)
        data = to_json(reports, str(corpus), extra)
        json_out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        json_out.with_suffix(".md").write_text(markdown, encoding="utf-8")
    broken = any(r.metrics["citation_validity"] < 1.0 for r in reports)
    failures = [f"{f.origin}: {f.message}" for f in ingested.failed]
    return Outcome(markdown, ingested.summary(), 2 if broken or failures else 0, failures)


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
