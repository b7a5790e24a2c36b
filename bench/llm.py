"""LLM mode against extractive mode on the dev sets: answers, refusals, negative rejection,
supported sentences, citation validity, time to first token, total time and tokens/s.

Needs a model server (``python -m newsdesk.llm_server --model qwen --port 8081``); the
indexes are those ``newsdesk eval`` builds. ``--limit`` takes the first N questions of a
set (realtimeqa is slow on 2 cores: say so when you report it).

    python -m bench.llm --set sample --set rgb --set realtimeqa-1k --limit 20 --port 8081

Every written sentence is also kept, with what it cites and its meaning score (its MiniLM
similarity to the cited text, whatever ``llm.min_meaning`` decided), in
``bench/results/llm-sentences-<set>.jsonl``: the rows to label by reading
(``bench/labels/llm-sentences.jsonl``) and to calibrate ``llm.min_meaning`` on.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections.abc import Sequence
from typing import Any

from bench.answers import open_set
from bench.common import RESULTS, machine, write_results
from rag.answering import LLMAnswerer
from rag.contract import Answer, Filters, Query
from rag.desk import Newsdesk, build
from services.evaluation import Question, answer_hit, answer_holders
from services.model_client import OpenAICompatible


class Timed:
    """Counts a written answer's tokens and when the first came."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.first: float | None = None
        self.tokens = 0

    def __call__(self, token: str) -> None:
        self.tokens += 1
        if self.first is None:
            self.first = time.perf_counter() - self.started


def llm_desk(desk: Newsdesk, port: int, **llm: float) -> Newsdesk:
    """The desk in LLM mode against the model server on ``port`` (``llm``: other
    ``llm.*`` settings, e.g. ``min_meaning=0`` to keep every sentence's rule check only)."""
    settings = desk.settings.model_copy(
        update={
            "answer": desk.settings.answer.model_copy(update={"mode": "llm"}),
            "llm": desk.settings.llm.model_copy(
                update={"base_url": f"http://127.0.0.1:{port}/v1", "timeout_s": 300, **llm}
            ),
        }
    )
    return build(
        settings, desk.embedder, desk.corpus.store, generator=OpenAICompatible(settings.llm)
    )


def run_set(
    desk: Newsdesk, questions: Sequence[Question], negatives: bool, name: str = ""
) -> dict[str, Any]:
    holders = answer_holders(desk, questions) if negatives else {}
    rows: list[dict[str, Any]] = []
    sentences: list[dict[str, Any]] = []
    for q in questions:
        timer = Timed()
        answer = desk.ask(Query(question=q.query, as_of=q.as_of), on_token=timer)
        total = time.perf_counter() - timer.started
        row = _row(desk, q, answer, timer, total)
        sentences += _sentences(desk, name, q, answer, negative=False)
        if q.id in holders:
            without = Filters(exclude=tuple(sorted(holders[q.id])))
            asked = Query(question=q.query, filters=without, as_of=q.as_of)
            refusal = desk.ask(asked)
            row["negative_refused"] = not refusal.found
            sentences += _sentences(desk, name, q, refusal, negative=True)
        rows.append(row)
        print(name, q.id, row["hit"], row.get("negative_refused"), flush=True)
    if name:
        RESULTS.mkdir(parents=True, exist_ok=True)
        lines = "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in sentences)
        (RESULTS / f"llm-sentences-{name}.jsonl").write_text(lines, encoding="utf-8")
    return _summary(rows)


def _sentences(
    desk: Newsdesk, name: str, q: Question, answer: Answer, negative: bool
) -> list[dict[str, Any]]:
    """Each written sentence with what it cites and its meaning score."""
    from rag.answering.written import byline

    written = desk.answerers["llm"]
    assert isinstance(written, LLMAnswerer)
    cited = {c.n: f"{byline(c)}\n{c.quote}" for c in answer.citations}
    out = []
    for s in answer.statements:
        body = re.sub(r"\s*\[\d+\]", "", s.text).strip()
        text = " ".join(cited[n] for n in s.cites if n in cited)
        out.append(
            {"set": name, "id": q.id, "negative": negative, "question": q.query,
             "sentence": s.text, "cited": text, "supported": s.supported,
             "meaning": round(written.meaning(body, text), 4) if text else None}
        )  # fmt: skip
    return out


def _row(desk: Newsdesk, q: Question, answer: Answer, timer: Timed, total: float) -> dict[str, Any]:
    texts = {c.doc_id: desk.get_article(c.doc_id).text for c in answer.citations}
    valid = sum(texts[c.doc_id][c.start : c.end] == c.quote for c in answer.citations)
    return {
        "id": q.id,
        "unanswerable": q.unanswerable,
        "hit": answer_hit(answer, q.answers),
        "refused": not answer.found,
        "notice": answer.notice,
        "statements": len(answer.statements),
        "supported": sum(s.supported for s in answer.statements),
        "citations": len(answer.citations),
        "valid": valid,
        "ttft_s": timer.first,
        "total_s": total,
        "tokens": timer.tokens,
    }


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if not r["unanswerable"]]
    unanswerable = [r for r in rows if r["unanswerable"]]
    negatives = [r["negative_refused"] for r in rows if "negative_refused" in r]
    written = [r for r in rows if r["tokens"]]
    statements = sum(r["statements"] for r in rows)
    cited = sum(r["citations"] for r in rows)

    def share(n: float, d: int) -> float | None:
        return round(n / d, 3) if d else None

    return {
        "questions": len(rows),
        "answer_hit": share(sum(r["hit"] for r in answerable), len(answerable)),
        "wrongful_refusals": share(sum(r["refused"] for r in answerable), len(answerable)),
        "correct_refusals": share(sum(r["refused"] for r in unanswerable), len(unanswerable)),
        "negative_rejection": share(sum(negatives), len(negatives)),
        "supported_sentences": share(sum(r["supported"] for r in rows), statements),
        "citation_validity": share(sum(r["valid"] for r in rows), cited),
        "fallbacks": sum(1 for r in rows if r["notice"]),
        "written_answers": len(written),
        "ttft_s_p50": round(statistics.median(r["ttft_s"] for r in written), 2)
        if written
        else None,
        "total_s_p50": round(statistics.median(r["total_s"] for r in written), 2)
        if written
        else None,
        "tokens_per_s": round(
            sum(r["tokens"] for r in written)
            / max(sum(r["total_s"] - r["ttft_s"] for r in written), 1e-9),
            1,
        )
        if written
        else None,
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", action="append", required=True)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--no-negatives", action="store_true")
    parser.add_argument("--threads-note", default="", help="how the model server was started")
    parser.add_argument("--min-meaning", type=float, default=None, help="llm.min_meaning")
    parser.add_argument("--min-sufficiency", type=float, default=None, help="llm.min_sufficiency")
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": machine(), "server": args.threads_note, "sets": {}}
    results["overrides"] = {
        "min_meaning": args.min_meaning,
        "min_sufficiency": args.min_sufficiency,
    }
    for name in args.set:
        desk, questions = open_set(name)
        questions = questions[: args.limit]
        overrides = {
            k: v
            for k, v in (
                ("min_meaning", args.min_meaning),
                ("min_sufficiency", args.min_sufficiency),
            )
            if v is not None
        }
        written = llm_desk(desk, args.port, **overrides)
        summary = run_set(written, questions, negatives=not args.no_negatives, name=name)
        results["sets"][name] = summary
        print(name, {k: v for k, v in summary.items() if k != "rows"}, flush=True)
    print(f"results: {write_results('llm', results)}")


if __name__ == "__main__":
    main()
