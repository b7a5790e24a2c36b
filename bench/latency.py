"""Ask latency on an eval index: in process (the CLI path, warm), cold CLI, and over HTTP.

Uses the index ``newsdesk eval`` built for the corpus (run it, or ``bench.quality``, first).
HTTP: starts ``newsdesk serve`` on that index, times start to ``/readyz`` = 200, then posts
every question to ``/api/ask`` (with ``as_of`` = question_date), and reads the server's
peak RSS (VmHWM) at the end.

    python -m bench.latency --corpus corpus [--cold 3] [--no-http]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import yaml

from bench.common import REALTIMEQA, WORK, machine, peak_rss_mb, write_results
from rag.contract import Query
from services.evaluation import Question, eval_settings, load_questions, percentile
from services.settings import Settings, load_settings


def stats(latencies_ms: Sequence[float]) -> dict[str, float]:
    ordered = sorted(latencies_ms)
    return {
        "n": len(ordered),
        "p50_ms": round(percentile(ordered, 50), 1),
        "p95_ms": round(percentile(ordered, 95), 1),
        "max_ms": round(ordered[-1], 1) if ordered else 0.0,
    }


def in_process(settings: Settings, questions: Sequence[Question]) -> dict[str, Any]:
    from rag.desk import build

    started = time.perf_counter()
    desk = build(settings)
    desk.ask(questions[0].query)
    ready = time.perf_counter() - started
    totals, stages = [], {"retrieve": [], "answer": []}  # type: ignore[var-annotated]
    for q in questions:
        began = time.perf_counter()
        answer = desk.ask(Query(question=q.query, as_of=q.as_of))
        totals.append((time.perf_counter() - began) * 1000)
        for stage, values in stages.items():
            values.append(answer.timings_ms[stage])
    return {
        "build_and_first_ask_s": round(ready, 2),
        "ask": stats(totals),
        **{stage: stats(values) for stage, values in stages.items()},
        "peak_rss_mb": peak_rss_mb(),
    }


def cold_cli(config: Path, questions: Sequence[Question], runs: int) -> dict[str, Any]:
    times = []
    for q in questions[:runs]:
        argv = [sys.executable, "-m", "newsdesk", "ask", q.query, "--json", "--config", str(config)]
        if q.as_of:
            argv += ["--as-of", q.as_of.isoformat()]
        began = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append((time.perf_counter() - began) * 1000)
    return stats(times)


def http(config: Path, questions: Sequence[Question], port: int) -> dict[str, Any]:
    argv = [sys.executable, "-m", "newsdesk", "serve", "--config", str(config), "--port", str(port)]
    began = time.perf_counter()
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        ready_s = _wait_ready(base, server, began)
        with httpx.Client(base_url=base, timeout=60) as client:
            as_of_ok = _post(client, questions[0], True).status_code == 200
            times = []
            for q in questions:
                t0 = time.perf_counter()
                response = _post(client, q, as_of_ok)
                response.raise_for_status()
                times.append((time.perf_counter() - t0) * 1000)
        rss = _peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(30)
    return {"ready_s": round(ready_s, 2), "as_of_sent": as_of_ok, "ask": stats(times),
            "server_peak_rss_mb": rss}  # fmt: skip


def _wait_ready(base: str, server: subprocess.Popen[bytes], began: float) -> float:
    while time.perf_counter() - began < 300:
        if server.poll() is not None:
            err = server.stderr.read().decode() if server.stderr else ""
            raise RuntimeError(f"newsdesk serve exited: {err[-2000:]}")
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return time.perf_counter() - began
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError("newsdesk serve was not ready within 300 s")


def _post(client: httpx.Client, q: Question, as_of: bool) -> httpx.Response:
    body: dict[str, Any] = {"question": q.query}
    if as_of and q.as_of:
        body["as_of"] = q.as_of.isoformat()
    return client.post("/api/ask", json=body)


def _peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default="corpus", help="corpus-1k, corpus, or a path")
    parser.add_argument("--questions", default=str(REALTIMEQA / "dev.jsonl"))
    parser.add_argument("--cold", type=int, default=3, help="cold `newsdesk ask` processes")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    corpus = Path(args.corpus)
    if not corpus.exists():
        corpus = REALTIMEQA / f"{args.corpus}.jsonl.gz"
    settings = eval_settings(load_settings(), corpus)
    if not settings.store.path.is_dir():
        sys.exit(f"no eval index for {corpus}: run `newsdesk eval ... --corpus {corpus}` first")
    config = WORK / f"latency-{corpus.name.split('.')[0]}.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(yaml.safe_dump(settings.model_dump(mode="json")), encoding="utf-8")
    os.environ["NEWSDESK_CONFIG"] = str(config)
    questions = load_questions(Path(args.questions))
    result: dict[str, Any] = {"corpus": str(corpus), "in_process": in_process(settings, questions)}
    print("in process (CLI path, warm):", result["in_process"])
    result["cold_cli"] = cold_cli(config, questions, args.cold)
    print("cold `newsdesk ask` process:", result["cold_cli"])
    if not args.no_http:
        result["http"] = http(config, questions, args.port)
        print("HTTP /api/ask:", result["http"])
    result["machine"] = machine()
    name = "latency-" + corpus.name.split(".")[0]
    print(f"results: {write_results(name, result)}")


if __name__ == "__main__":
    main()
