"""Calibrate LLM mode's sufficiency check (``llm.min_sufficiency``): the model's
probability that a passage answers the question, for the passages LLM mode would give it,
with and without the question's answer articles (negatives).

For every question: the extractive answerer's passages (widened as in LLM mode), each
judged by the model server (``Generator.judge``), and whether it holds a gold answer.
Then, per threshold: the questions that keep a passage holding the answer (an upper
bound of the answer hit: the model still has to write it), wrongful refusals, and
negative rejection; on each half of the questions (split by a hash of the id).

    python -m newsdesk.llm_server --model qwen --port 8091 --slots 1 &
    python -m bench.sufficiency --set rgb --set realtimeqa-1k --limit 30 --port 8091
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from bench.answers import open_set, retrieve_all
from bench.common import RESULTS, machine, write_results
from bench.ranking import half
from rag.answering import ExtractiveAnswerer
from rag.answering.sufficiency import judge_prompt
from rag.answering.written import shown, widen
from rag.desk import Newsdesk, Retrieval
from services.evaluation import Question, text_hit
from services.model_client import OpenAICompatible

_JUDGED: dict[str, float] = {}
THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def judged_rows(
    desk: Newsdesk, name: str, questions: Sequence[Question], port: int
) -> list[dict[str, Any]]:
    settings = desk.settings.llm.model_copy(
        update={"base_url": f"http://127.0.0.1:{port}/v1", "timeout_s": 600}
    )
    model = OpenAICompatible(settings)
    answerer = desk.answerers["extractive"]
    assert isinstance(answerer, ExtractiveAnswerer)
    rows = []
    for r in retrieve_all(desk, questions):
        for negative, found in ((False, r.found), (True, r.negative)):
            if found is None or r.question.unanswerable:
                continue
            row = _row(name, r.question, negative, found, answerer, model, settings.passages)
            rows.append(row)
            print(name, r.question.id, negative, [p["p_yes"] for p in row["passages"]], flush=True)
    return rows


def _row(
    name: str,
    question: Question,
    negative: bool,
    found: Retrieval,
    answerer: ExtractiveAnswerer,
    model: OpenAICompatible,
    limit: int,
) -> dict[str, Any]:
    asked = found.planned.searched
    extracted = answerer.answer(asked, found.grounds)
    passages = widen(extracted.citations[:limit], found.grounds.articles)
    judged = []
    for c in passages:
        prompt = judge_prompt(asked, shown(c))
        if prompt not in _JUDGED:  # a negative often keeps some of the same passages
            _JUDGED[prompt] = round(model.judge(prompt), 4)
        judged.append({"p_yes": _JUDGED[prompt], "hit": text_hit([c.quote], question.answers)})
    return {"set": name, "id": question.id, "half": half(question.id), "negative": negative,
            "passages": judged}  # fmt: skip


def sweep(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in sorted({r["set"] for r in rows}):
        for part in ("A", "B", "AB"):
            chosen = [r for r in rows if r["set"] == name and r["half"] in part]
            pos = [r for r in chosen if not r["negative"]]
            neg = [r for r in chosen if r["negative"]]
            for t in THRESHOLDS:
                kept = [[p for p in r["passages"] if p["p_yes"] >= t] for r in pos]
                rejected = [not any(p["p_yes"] >= t for p in r["passages"]) for r in neg]
                out.setdefault(name, {}).setdefault(part, {})[str(t)] = {
                    "kept_answer": _share(sum(any(p["hit"] for p in k) for k in kept), len(pos)),
                    "refusals": _share(sum(not k for k in kept), len(pos)),
                    "negative_rejection": _share(sum(rejected), len(neg)),
                }
    return out


def _share(n: int, d: int) -> float:
    return round(n / d, 3) if d else -1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", action="append", default=[])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument("--sweep-only", action="store_true", help="on the saved rows")
    args = parser.parse_args()
    saved = RESULTS / "sufficiency-rows.json"
    rows: list[dict[str, Any]] = json.loads(saved.read_text()) if saved.exists() else []
    if not args.sweep_only:
        for name in args.set:
            desk, questions = open_set(name)
            fresh = judged_rows(desk, name, questions[: args.limit], args.port)
            rows = [r for r in rows if r["set"] != name] + fresh
            RESULTS.mkdir(parents=True, exist_ok=True)
            saved.write_text(json.dumps(rows), encoding="utf-8")
    result = {"machine": machine(), "sweep": sweep(rows)}
    print(json.dumps(result["sweep"], indent=1))
    print(f"results: {write_results('sufficiency', result)}")


if __name__ == "__main__":
    main()
