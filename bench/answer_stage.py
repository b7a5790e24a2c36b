"""The extractive answer stage alone, in process: per question, the time from retrieved
passages to the composed answer (what ``timings_ms.answer`` measures in ``ask``), wall and
CPU, on a fresh answerer (nothing cached, as for a question never asked before).

Retrieval runs first for every question (the product's ``Newsdesk.retrieve``), so only
the answerer is timed. As in ``ask``, the question's vector is already there when the
answerer compares it with sentences (the desk's ``QuestionCache``: retrieval embedded it
just before), so it is embedded, untimed, before each answer. On a shared machine wall
time grows with the load; the process's CPU time (all its threads) does much less: both
are reported, with the load average.

    python -m bench.answer_stage --set realtimeqa [--variant words-only]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

from bench.answers import SETS, open_set
from bench.common import machine, write_results
from rag.answering import ExtractiveAnswerer
from rag.contract import Query
from rag.embedding import QuestionCache
from rag.text import SpacyTagger
from services.evaluation import percentile


def measure(name: str, variant: str) -> dict[str, Any]:
    desk, questions = open_set(name)
    retrieved = [desk.retrieve(Query(question=q.query, as_of=q.as_of)) for q in questions]
    tagger = SpacyTagger()
    tagger.warm_up()
    desk.warm_up()
    embedder = None if variant == "words-only" else QuestionCache(desk.embedder)
    answerer = ExtractiveAnswerer(
        desk.settings.answer, embedder, None if variant == "words-only" else tagger
    )
    wall, cpu = [], []
    load = os.getloadavg()
    for r in retrieved:
        if embedder is not None:
            embedder.embed([r.planned.searched])  # as retrieval does in ``ask``
        w, c = time.perf_counter(), time.process_time()
        answerer.answer(r.planned.searched, r.grounds)
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    wall.sort()
    cpu.sort()
    return {
        "questions": len(retrieved),
        "variant": variant,
        "wall_p50_ms": round(statistics.median(wall), 1),
        "wall_p95_ms": round(percentile(wall, 95), 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": round(percentile(cpu, 95), 1),
        "load_avg_before": load,
        "load_avg_after": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", action="append", choices=sorted(SETS), required=True)
    parser.add_argument("--variant", default="full", choices=["full", "words-only"])
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": machine(), "sets": {}}
    for name in args.set:
        results["sets"][name] = measure(name, args.variant)
        print(name, results["sets"][name], flush=True)
    print(f"results: {write_results('answer-stage', results)}")


if __name__ == "__main__":
    main()
