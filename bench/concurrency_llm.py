"""Questions, listings and an ingest while LLM answers are being written by a slow model:
``newsdesk serve`` in LLM mode against :mod:`bench.slow_model` (8 s per answer), with
``--llm-clients`` (4) clients asking LLM questions back to back the whole time.

Measured idle, then under that load: ``GET /api/articles`` and extractive ``/api/ask``
(``mode: extractive``) latency, and the time to upload 200 articles (a different 200
each time). Targets (issue 19): p95 under load at most 1.5x idle, the ingest at most
1.3x its idle time, no errors.

    python -m bench.concurrency_llm [--corpus corpus-1k] [--seconds-per-answer 8]
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
import yaml

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
from bench.slow_model import slow_model
from services.evaluation import Question, load_questions

BASE, BATCH = 400, 200  # articles stored first; articles per timed upload


def timed_requests(client: httpx.Client, questions: Sequence[Question]) -> dict[str, Any]:
    """Each question asked extractively, each followed by a page of the article list."""
    asks, lists, errors = [], [], 0
    for q in questions:
        body: dict[str, Any] = {"question": q.query, "mode": "extractive"}
        if q.as_of:
            body["as_of"] = q.as_of.isoformat()
        began = time.perf_counter()
        errors += client.post("/api/ask", json=body).status_code != 200
        asks.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        errors += client.get("/api/articles", params={"limit": 50}).status_code != 200
        lists.append((time.perf_counter() - began) * 1000)
    return {"ask": stats(asks), "articles": stats(lists), "errors": errors}


def upload(base: str, path: Path) -> dict[str, Any]:
    began = time.perf_counter()
    with httpx.Client(base_url=base, timeout=900) as client:
        files = {"file": (path.name, path.read_bytes(), "application/x-ndjson")}
        reply = client.post("/api/articles", files=files)
    added = len(reply.json().get("added", [])) if reply.status_code in (200, 201) else 0
    return {"seconds": round(time.perf_counter() - began, 1), "status": reply.status_code,
            "added": added}  # fmt: skip


class LLMAskers:
    """``n`` clients asking LLM questions back to back until stopped."""

    def __init__(self, base: str, questions: Sequence[Question], n: int) -> None:
        self.base, self.questions, self.n = base, questions, n
        self.stop = threading.Event()
        self.answers, self.errors, self.busy = 0, [], 0  # type: ignore[var-annotated]
        self.threads = [threading.Thread(target=self._loop, args=(i,)) for i in range(n)]

    def _loop(self, start: int) -> None:
        with httpx.Client(base_url=self.base, timeout=300) as client:
            i = start
            while not self.stop.is_set():
                q = self.questions[i % len(self.questions)]
                i += self.n
                reply = client.post("/api/ask", json={"question": q.query, "mode": "llm"})
                if reply.status_code == 200 and reply.json()["mode"] == "llm":
                    self.answers += 1
                elif reply.status_code == 503:
                    self.busy += 1
                else:
                    self.errors.append(f"{reply.status_code}: {reply.text[:120]}")

    def __enter__(self) -> LLMAskers:
        for t in self.threads:
            t.start()
        time.sleep(2.0)  # every client has a question in flight
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(300)


def prepare(corpus: Path, folder: Path, model_url: str, slots: int) -> tuple[Path, list[Path]]:
    config = fresh_store_config(folder)
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["answer"]["mode"] = "llm"
    settings["llm"].update(base_url=model_url, max_concurrent=slots, timeout_s=120,
                           queue_timeout_s=60)  # fmt: skip
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    articles = list(read_corpus(corpus))[: BASE + 2 * BATCH]
    files = []
    for name, rows in (("base", articles[:BASE]), ("idle", articles[BASE : BASE + BATCH]),
                       ("busy", articles[BASE + BATCH :])):  # fmt: skip
        files.append(folder / f"{name}.jsonl")
        files[-1].write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return config, files


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default="corpus-1k")
    parser.add_argument("--questions", default=str(REALTIMEQA / "dev.jsonl"))
    parser.add_argument("--llm-clients", type=int, default=4)
    parser.add_argument("--seconds-per-answer", type=float, default=8.0)
    parser.add_argument("--port", type=int, default=8768)
    args = parser.parse_args(argv)
    questions = load_questions(Path(args.questions))
    result: dict[str, Any] = {"llm_clients": args.llm_clients}
    with slow_model(args.seconds_per_answer) as model_url:
        config, (base, idle_batch, busy_batch) = prepare(
            corpus_path(args.corpus), WORK / "concurrency-llm", model_url, args.llm_clients
        )
        ingest = [sys.executable, "-m", "newsdesk", "ingest", str(base), "--config", str(config)]
        subprocess.run(ingest, check=True, capture_output=True)
        with (
            running_server(config, args.port) as server,
            httpx.Client(base_url=server.base, timeout=300) as client,
        ):
            timed_requests(client, questions[:5])  # warm caches
            result["idle"] = timed_requests(client, questions)
            result["idle_ingest"] = upload(server.base, idle_batch)
            with LLMAskers(server.base, questions, args.llm_clients) as askers:
                result["under_llm"] = timed_requests(client, questions)
                result["llm_ingest"] = upload(server.base, busy_batch)
            result["llm"] = {
                "answers": askers.answers,
                "busy_503": askers.busy,
                "errors": askers.errors[:5],
                "n_errors": len(askers.errors),
            }
    idle, busy = result["idle"], result["under_llm"]
    result["ratios"] = {
        "ask_p95": round(busy["ask"]["p95_ms"] / idle["ask"]["p95_ms"], 2),
        "articles_p95": round(busy["articles"]["p95_ms"] / idle["articles"]["p95_ms"], 2),
        "ingest": round(result["llm_ingest"]["seconds"] / result["idle_ingest"]["seconds"], 2),
    }
    result["machine"] = machine()
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=2))
    print(f"results: {write_results('concurrency-llm', result)}")


if __name__ == "__main__":
    main()
