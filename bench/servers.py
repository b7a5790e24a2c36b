"""Servers a benchmark starts for itself on 127.0.0.1 (and stops): a ``chroma run``."""

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def chroma_server(folder: Path) -> Iterator[int]:
    """A Chroma server storing into ``folder`` (emptied first); yields its port."""
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    port = free_port()
    with (folder / "server.log").open("w") as log:
        proc = subprocess.Popen(
            [chroma, "run", "--path", str(folder / "db"), "--host", "127.0.0.1",
             "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat").is_success:
                        break
                except httpx.HTTPError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("chroma run did not start") from None
                    time.sleep(0.3)
            yield port
        finally:
            proc.terminate()
            proc.wait(timeout=60)
