"""Claim and quote checks on RealTime QA: claims made from the dev questions' choices over
corpus-1k, altered quotes made from the corpus's own attributed quotes, and the cost of a
check against the cost of a question (p50, same desk, same run).

    python -m bench.claims                       # dev questions, corpus-1k, 150 quotes
    python -m bench.claims --questions PATH --corpus PATH --store DIR --quotes 300

The index is the one ``newsdesk eval`` builds for the corpus (built here when missing).
Figures go to bench/results/claims-*.json; BENCHMARKS.md records them.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bench.common import REALTIMEQA, machine, write_results
from services.evaluation.claim_runs import run_claim_eval
from services.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=Path, default=REALTIMEQA / "dev.jsonl")
    parser.add_argument("--corpus", type=Path, default=REALTIMEQA / "corpus-1k.jsonl.gz")
    parser.add_argument("--store", type=Path, help="index folder (default: the eval one)")
    parser.add_argument("--quotes", type=int, default=150, help="quotations to alter")
    parser.add_argument("--limit", type=int, help="only the first N questions")
    args = parser.parse_args()
    outcome = run_claim_eval(load_settings(), args.questions, args.corpus, args.store,
                             args.quotes, args.limit)  # fmt: skip
    print(outcome.markdown)
    results: dict[str, Any] = {"machine": machine(), **outcome.data}
    print(f"results: {write_results('claims', results)}")


if __name__ == "__main__":
    main()
