"""Cold-process start-up: ``newsdesk articles``, ``newsdesk ask`` and ``serve`` to ready.

Each run is a new process (imports, model and store load included), on a store that
already holds the sample; the figures are wall-clock seconds. ``--cmd`` names the command
to time, so the same script times an older checkout (``--cmd "python -m rag.cli"`` run
from that checkout). Writes ``bench/results/startup-*.json``.

    python -m bench.startup --config /tmp/sample/config.yaml [--runs 3] [--cmd "newsdesk"]
"""

from __future__ import annotations

import argparse
import shlex
import socket
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import machine, write_results

QUESTION = "What did Peskov say?"
MODEL_OUTPUT = ("Loading weights", "sentence_transformers", "SentenceTransformer")


def timed(cmd: list[str]) -> tuple[float, str]:
    """Wall seconds of one run, and what it printed on stderr."""
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_ready(cmd: list[str], timeout: float = 120.0) -> float:
    """Seconds from starting ``serve`` to ``/readyz`` answering 200."""
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [*cmd, "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.perf_counter() - started < timeout:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"serve was not ready within {timeout} s")
    finally:
        server.terminate()
        server.wait(10)


def summary(values: list[float]) -> dict[str, Any]:
    return {
        "runs_s": [round(v, 2) for v in values],
        "median_s": round(statistics.median(values), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="config of a store holding the sample")
    parser.add_argument("--cmd", default="newsdesk", help="the command to time")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--label", default="", help="name for the results file")
    args = parser.parse_args()
    cmd = [*shlex.split(args.cmd), "--config", str(Path(args.config).resolve())]
    articles = [timed([*cmd, "articles"]) for _ in range(args.runs)]
    asks = [timed([*cmd, "ask", QUESTION])[0] for _ in range(args.runs)]
    ready = [serve_ready(cmd) for _ in range(args.runs)]
    loaded_model = any(m in err for _, err in articles for m in MODEL_OUTPUT)
    results = {
        "command": args.cmd,
        "machine": machine(),
        "articles": {**summary([t for t, _ in articles]), "model_output": loaded_model},
        "ask": summary(asks),
        "serve_ready": summary(ready),
    }
    path = write_results(f"startup{'-' + args.label if args.label else ''}", results)
    print(f"articles {results['articles']}\nask {results['ask']}\nserve {results['serve_ready']}")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
