"""``kill -9`` of a real ``newsdesk ingest`` in the middle of a store write: its worker
processes end with it, the next start repairs what the write left half done, and the same
ingest then completes with exact counts, the store consistent (``newsdesk check``).

The kill lands during a write by watching for the write journal (it exists exactly while
the indexer writes to Chroma) and sending SIGKILL the moment the k-th write appears. The
ten-run figure with random delays is ``python -m bench.crash`` (BENCHMARKS.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from rag.desk.indexer import WRITE_ARTICLES

pytestmark = pytest.mark.slow
ARTICLES = 5 * WRITE_ARTICLES  # five store writes: the kill can land inside the fourth
WAIT = 240  # seconds: a bound on a hang, not a measurement


def _corpus(path: Path) -> Path:
    places = ["harbour", "airport", "bridge", "station", "market", "library"]
    rows = []
    for i in range(ARTICLES):
        place = places[i % len(places)]
        text = " ".join(
            f"The {place} of town {i} reopened after repairs number {i * 7 + k}, officials said."
            for k in range(12)
        )
        rows.append({"doc_id": f"town-{i}", "title": f"Town {i}", "body": text, "source": "Wire"})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _newsdesk(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "newsdesk", *args, "--config", str(config)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=WAIT, check=False)


def _kill_during_write(config: Path, corpus: Path, write: int) -> set[int] | None:
    """Start the ingest and SIGKILL it inside its ``write``-th store write: the processes it
    had started (its preparing workers), or None when it finished first."""
    argv = [sys.executable, "-m", "newsdesk", "ingest", str(corpus), "--config", str(config)]
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen, inside, deadline = 0, False, time.monotonic() + WAIT
    while process.poll() is None and time.monotonic() < deadline:
        now_inside = any(config.parent.glob(".newsdesk/cache/*/write-journal.json"))
        if now_inside and not inside:
            seen += 1
            if seen == write:
                children = _children(process.pid)
                process.kill()
                process.wait()
                return children
        inside = now_inside
        time.sleep(0.001)
    process.kill()
    process.wait()
    return None


def _children(pid: int) -> set[int]:
    """A process's child processes, from Linux's /proc."""
    tasks = Path(f"/proc/{pid}/task").glob("*/children")
    return {int(child) for task in tasks for child in task.read_text().split()}


def _running(pid: int) -> bool:
    """Is the process there and not a zombie (exited, waiting to be reaped)?"""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _outlived(pids: set[int]) -> set[int]:
    """The processes still running after a few seconds (a bound on a hang)."""
    deadline = time.monotonic() + 30
    while any(_running(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return {p for p in pids if _running(p)}


@pytest.mark.parametrize("write", [1, 4])
def test_a_kill_inside_a_write_loses_nothing(
    write_config: Callable[..., Path], tmp_path: Path, write: int
) -> None:
    config = write_config()
    corpus = _corpus(tmp_path / "articles.jsonl")
    workers = _kill_during_write(config, corpus, write)
    assert workers is not None, "the ingest ended before that write"
    assert workers or write == 1, "a large ingest prepares in a worker process by then"
    assert not _outlived(workers), "the killed ingest's workers should end with it"
    journal = list(config.parent.glob(".newsdesk/cache/*/write-journal.json"))
    assert journal, "the write journal should outlive a killed write"
    again = _newsdesk(config, "ingest", str(corpus))
    assert again.returncode == 0, again.stderr[-2000:]
    summary = again.stdout
    assert "0 failed" in summary, summary
    check = _newsdesk(config, "check")
    assert check.returncode == 0 and check.stdout.strip() == "consistent", check.stdout
    listed = json.loads(_newsdesk(config, "articles", "--json", "--limit", "500").stdout)
    assert listed["total"] == ARTICLES
    assert not any(config.parent.glob(".newsdesk/cache/*/write-journal.json"))
    third = _newsdesk(config, "ingest", str(corpus))  # nothing left to do
    assert f"{ARTICLES} unchanged" in third.stdout, third.stdout
