"""Questions while an ingest runs: ``/api/ask`` latency idle, and while the second half of
a corpus is being uploaded through ``POST /api/articles`` (the first half is stored
beforehand with ``newsdesk ingest``). Target (reliability issue): p95 under ingest at
most 3x the idle p95, and no errors.

    python -m bench.concurrency [--corpus corpus-1k] [--uploads 10]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from bench.common import (
    REALTIMEQA,
    WORK,
    corpus_path,
    fresh_store_config,
    machine,
    read_corpus,
    write_results,
)
from bench.latency import stats
from bench.serving import running_server
from services.evaluation import Question, load_questions


def prepare(corpus: Path, folder: Path, uploads: int) -> tuple[Path, list[Path]]:
    """A fresh store config, the first half as one file, the second half in pieces."""
    config = fresh_store_config(folder)
    articles = list(read_corpus(corpus))
    half = len(articles) // 2
    first = folder / "first.jsonl"
    _write(first, articles[:half])
    second = articles[half:]
    size = -(-len(second) // uploads)
    pieces = []
    for n, lo in enumerate(range(0, len(second), size)):
        pieces.append(folder / f"second-{n:02d}.jsonl")
        _write(pieces[-1], second[lo : lo + size])
    return config, [first, *pieces]


def _write(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def ask_all(client: httpx.Client, questions: Sequence[Question]) -> tuple[list[float], int]:
    times, errors = [], 0
    for q in questions:
        body: dict[str, Any] = {"question": q.query}
        if q.as_of:
            body["as_of"] = q.as_of.isoformat()
        began = time.perf_counter()
        if client.post("/api/ask", json=body).status_code != 200:
            errors += 1
        times.append((time.perf_counter() - began) * 1000)
    return times, errors


def upload(base: str, pieces: Sequence[Path], done: dict[str, Any]) -> None:
    began = time.perf_counter()
    added, failures = 0, 0
    with httpx.Client(base_url=base, timeout=600) as client:
        for piece in pieces:
            files = {"file": (piece.name, piece.read_bytes(), "application/x-ndjson")}
            response = client.post("/api/articles", files=files)
            if response.status_code not in (200, 201):
                failures += 1
                continue
            added += len(response.json()["added"])
    done.update(seconds=round(time.perf_counter() - began, 1), added=added, failed=failures)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default="corpus-1k")
    parser.add_argument("--questions", default=str(REALTIMEQA / "dev.jsonl"))
    parser.add_argument("--uploads", type=int, default=10)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args(argv)
    corpus = corpus_path(args.corpus)
    config, (first, *pieces) = prepare(corpus, WORK / "concurrency", args.uploads)
    argv_ingest = [sys.executable, "-m", "newsdesk", "ingest", str(first), "--config", str(config)]
    subprocess.run(argv_ingest, check=True, capture_output=True)
    questions = load_questions(Path(args.questions))
    result: dict[str, Any] = {"corpus": str(corpus), "uploads": len(pieces)}
    with (
        running_server(config, args.port) as server,
        httpx.Client(base_url=server.base, timeout=120) as client,
    ):
        ask_all(client, questions[:5])  # warm caches
        idle, idle_errors = ask_all(client, list(questions) * 2)
        done: dict[str, Any] = {}
        ingest = threading.Thread(target=upload, args=(server.base, pieces, done))
        ingest.start()
        busy: list[float] = []
        busy_errors, rounds = 0, 0
        while ingest.is_alive():
            times, errors = ask_all(client, questions)
            busy, busy_errors, rounds = busy + times, busy_errors + errors, rounds + 1
        ingest.join()
    result["idle"] = {**stats(idle), "errors": idle_errors}
    result["under_ingest"] = {**stats(busy), "errors": busy_errors, "rounds": rounds}
    result["ingest"] = done
    result["p95_ratio"] = round(result["under_ingest"]["p95_ms"] / result["idle"]["p95_ms"], 2)
    result["machine"] = machine()
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=2))
    print(f"results: {write_results('concurrency', result)}")


if __name__ == "__main__":
    main()
