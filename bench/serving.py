"""A ``newsdesk serve`` process on 127.0.0.1 for the HTTP benchmarks (load, concurrency).

with running_server(config, port) as server: httpx.post(server.base + "/api/ask", ...)
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


@dataclass
class Server:
    base: str
    ready_s: float
    process: subprocess.Popen[bytes]

    def peak_rss_mb(self) -> float:
        with open(f"/proc/{self.process.pid}/status", encoding="utf-8") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
        return 0.0


@contextmanager
def running_server(config: Path, port: int) -> Iterator[Server]:
    """Start, wait for ``/readyz``, yield, and stop the server."""
    argv = [sys.executable, "-m", "newsdesk", "serve", "--config", str(config), "--port", str(port)]
    began = time.perf_counter()
    log = open(config.with_suffix(".server.log"), "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        yield Server(base, _wait_ready(base, process, began), process)
    finally:
        process.terminate()
        process.wait(30)
        log.close()


def _wait_ready(base: str, process: subprocess.Popen[bytes], began: float) -> float:
    while time.perf_counter() - began < 300:
        if process.poll() is not None:
            raise RuntimeError(f"newsdesk serve exited with {process.returncode}")
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return round(time.perf_counter() - began, 2)
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError("newsdesk serve was not ready within 300 s")
