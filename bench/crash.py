"""``kill -9`` of ``newsdesk ingest`` at random moments, then: is the store consistent,
and does the same ingest, run again, complete with exact counts?

Each run starts from an empty store, ingests a few hundred corpus articles, and is killed
after a delay drawn uniformly from [0, T], T being a full run's wall time (model loading
included, so some kills land before the first write, most during the writes). After each
kill: ``newsdesk check`` as the crash left the store (before any recovery), then the same
``newsdesk ingest`` again (it repairs a write cut short first), then ``newsdesk check``;
the counts must equal those of an uninterrupted run.

    python -m bench.crash [--runs 10] [--articles 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections.abc import Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from bench.common import REALTIMEQA, WORK, fresh_store_config, machine, read_corpus, write_results


def newsdesk(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "newsdesk", *args, "--config", str(config)]
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def run_once(articles: Path, folder: Path, delay: float | None) -> dict[str, Any]:
    config = fresh_store_config(folder)
    argv = [sys.executable, "-m", "newsdesk", "ingest", str(articles), "--config", str(config)]
    began = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if delay is None:
        out, _ = process.communicate()
        return {"seconds": round(time.perf_counter() - began, 1), "summary": out.strip(),
                "stats": stats(config)}  # fmt: skip
    try:
        process.wait(delay)
        killed = False
    except subprocess.TimeoutExpired:
        process.kill()  # SIGKILL: no handler, no cleanup
        process.wait()
        killed = True
    found = newsdesk(config, "check")
    again = newsdesk(config, "ingest", str(articles))
    after = newsdesk(config, "check")
    return {
        "delay_s": round(delay, 2),
        "killed": killed,
        "as_found": found.stdout.strip(),
        "rerun": again.stdout.strip(),
        "rerun_exit": again.returncode,
        "check_after": after.stdout.strip(),
        "consistent_after": after.returncode == 0 and after.stdout.strip() == "consistent",
        "stats": stats(config),
    }


def stats(config: Path) -> dict[str, int]:
    """Articles and chunks stored (in a process of its own: Chroma caches clients by path)."""
    code = (
        "import json, sys; from rag.desk import build; from services.settings import "
        "load_settings; print(json.dumps(build(load_settings(sys.argv[1], env={})).stats()))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(config)], capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    folder = WORK / "crash"
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "articles.jsonl"
    rows = list(islice(read_corpus(REALTIMEQA / "corpus-1k.jsonl.gz"), args.articles))
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    reference = run_once(source, folder / "store-ref", None)
    print("uninterrupted:", reference)
    rng = random.Random(args.seed)
    runs = []
    for n in range(args.runs):
        delay = rng.uniform(0, reference["seconds"])
        runs.append(run_once(source, folder / "store-run", delay))
        runs[-1]["exact_counts"] = runs[-1]["stats"] == reference["stats"]
        print(n + 1, json.dumps(runs[-1]))
    result = {
        "articles": args.articles,
        "reference": reference,
        "runs": runs,
        "killed_mid_run": sum(r["killed"] for r in runs),
        "found_inconsistent": sum(r["as_found"] != "consistent" for r in runs),
        "consistent_after_rerun": sum(r["consistent_after"] for r in runs),
        "exact_counts": sum(r["exact_counts"] for r in runs),
        "machine": machine(),
    }
    print({k: v for k, v in result.items() if k not in ("runs", "machine")})
    print(f"results: {write_results('crash', result)}")


if __name__ == "__main__":
    main()
