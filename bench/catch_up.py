"""Catching up with another process's write, on a large store: what a ``serve --workers N``
worker does when another worker (or an ingest) stored an article.

This process opens the store (``--config``, e.g. ``bench.scale``'s), catches up, and
builds its wire-copy index (as a process that has written once has); a second process
(``newsdesk ingest``) then stores one new article; this process catches up again in a
thread while the main thread opens read views (what each question does) every 50 ms. It
reports the catch-up's time and how long each read waited: before the catch-up was planned
outside the write lock, every question waited for all of it.

    python -m bench.catch_up --config .newsdesk/bench/scale/config.yaml
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from bench.common import machine, write_results
from rag.corpus import Corpus
from rag.desk import build
from services.settings import load_settings


def article(folder: Path) -> Path:
    """A new article, never stored before (its words carry a fresh token)."""
    token = uuid.uuid4().hex[:8]
    path = folder / f"harbour-{token}.txt"
    path.write_text(
        f"Title: Harbour {token} opens\nSource: Bench Wire\nPublished: 2026-12-01\n\n"
        f"The harbour {token} opened on Monday, the port authority said. It cost 40 "
        "million euros and took three years to build.\n",
        encoding="utf-8",
    )
    return path


def probe(corpus: Corpus, busy: threading.Thread, every_s: float = 0.05) -> list[float]:
    """Milliseconds each read view waited to open while ``busy`` runs."""
    waits = []
    while busy.is_alive():
        started = time.perf_counter()
        with corpus.read():
            pass
        waits.append((time.perf_counter() - started) * 1000)
        time.sleep(every_s)
    return waits


def measure(config: Path) -> dict[str, Any]:
    corpus = build(load_settings(config)).corpus
    started = time.perf_counter()
    corpus.catch_up()
    corpus.copies.lsh  # noqa: B018 (built, as in a process that has written once)
    opened = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "newsdesk", "--config", str(config), "ingest",
                   str(article(Path(folder)))]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True)
    took: dict[str, float] = {}

    def catch_up() -> None:
        began = time.perf_counter()
        corpus.catch_up()
        took["s"] = time.perf_counter() - began

    worker = threading.Thread(target=catch_up)
    worker.start()
    waits = probe(corpus, worker)
    worker.join()
    return {
        "chunks": len(corpus.index.catalogue),
        "open_and_catch_up_s": round(opened, 2),
        "catch_up_after_one_article_s": round(took["s"], 2),
        "reads_meanwhile": len(waits),
        "read_wait_p50_ms": round(statistics.median(waits), 1) if waits else None,
        "read_wait_max_ms": round(max(waits), 1) if waits else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", type=Path, required=True, help="the store's config.yaml")
    args = parser.parse_args()
    results = {"machine": machine(), **measure(args.config)}
    print(results)
    print(f"results: {write_results('catch-up', results)}")


if __name__ == "__main__":
    main()
