"""A real ``chroma run`` server on 127.0.0.1 for the tests that need one (started and
stopped by the test; nothing else is touched)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

START_S = 60  # a bound on waiting for the server, not a measurement


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def chroma_server(folder: Path) -> Iterator[int]:
    """A Chroma server storing into ``folder``; yields its port."""
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen(
        [chroma, "run", "--path", str(folder / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).is_success:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            log_text = (folder / "server.log").read_text()
            raise RuntimeError(f"chroma server did not start: {log_text}")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)
