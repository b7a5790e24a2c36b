"""Load on ``newsdesk serve`` (127.0.0.1 only): N concurrent clients asking for a fixed
time, each posting realistic questions (realtimeqa dev) one after another over its own
keep-alive connection; then the same on ``/api/ask/stream`` reading every event. Errors,
throughput and latency percentiles per phase.

    python -m bench.load [--corpus corpus-1k] [--clients 32] [--stream-clients 8] [--seconds 60]

Uses the index ``newsdesk eval`` built for the corpus (``bench.quality`` builds it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import yaml

from bench.common import REALTIMEQA, WORK, corpus_path, machine, write_results
from bench.serving import running_server
from services.evaluation import Question, eval_settings, load_questions, percentile
from services.settings import load_settings


async def client_loop(
    base: str, path: str, questions: Sequence[Question], start: int, until: float
) -> tuple[list[float], list[str]]:
    times: list[float] = []
    errors: list[str] = []
    n = start
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        while time.perf_counter() < until:
            q = questions[n % len(questions)]
            n += 1
            body: dict[str, Any] = {"question": q.query}
            if q.as_of:
                body["as_of"] = q.as_of.isoformat()
            began = time.perf_counter()
            try:
                ok = await (_stream(client, path, body) if "stream" in path else _ask(client, body))
            except httpx.HTTPError as exc:
                ok = f"{type(exc).__name__}: {exc}"
            times.append((time.perf_counter() - began) * 1000)
            if ok is not True:
                errors.append(str(ok))
    return times, errors


async def _ask(client: httpx.AsyncClient, body: dict[str, Any]) -> bool | str:
    response = await client.post("/api/ask", json=body)
    return True if response.status_code == 200 else f"HTTP {response.status_code}"


async def _stream(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> bool | str:
    async with client.stream("POST", path, json=body) as response:
        if response.status_code != 200:
            return f"HTTP {response.status_code}"
        text = "".join([chunk async for chunk in response.aiter_text()])
    return True if "event: citations" in text else "stream ended without its citations"


async def phase(
    base: str, path: str, clients: int, seconds: float, questions: Sequence[Question]
) -> dict[str, Any]:
    began = time.perf_counter()
    until = began + seconds
    spread = max(1, len(questions) // clients)
    loops = [client_loop(base, path, questions, i * spread, until) for i in range(clients)]
    results = await asyncio.gather(*loops)
    wall = time.perf_counter() - began
    times = sorted(t for ts, _ in results for t in ts)
    errors = [e for _, es in results for e in es]
    return {
        "path": path,
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": len(times),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "throughput_rps": round(len(times) / wall, 2),
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "p99_ms": round(percentile(times, 99), 1),
        "max_ms": round(times[-1], 1) if times else 0.0,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default="corpus-1k")
    parser.add_argument("--questions", default=str(REALTIMEQA / "dev.jsonl"))
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--stream-clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args(argv)
    corpus = corpus_path(args.corpus)
    settings = eval_settings(load_settings(), corpus)
    config = WORK / "load" / "config.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(yaml.safe_dump(settings.model_dump(mode="json")), encoding="utf-8")
    questions = load_questions(Path(args.questions))
    result: dict[str, Any] = {"corpus": str(corpus)}
    with running_server(config, args.port) as server:
        httpx.post(server.base + "/api/ask", json={"question": questions[0].query}, timeout=60)
        result["ask"] = asyncio.run(
            phase(server.base, "/api/ask", args.clients, args.seconds, questions)
        )
        print(json.dumps(result["ask"]))
        result["stream"] = asyncio.run(
            phase(server.base, "/api/ask/stream", args.stream_clients, args.seconds, questions)
        )
        print(json.dumps(result["stream"]))
        result["server_peak_rss_mb"] = server.peak_rss_mb()
    result["machine"] = machine()
    print(f"results: {write_results('load', result)}")


if __name__ == "__main__":
    main()
