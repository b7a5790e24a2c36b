"""Batch ingestion from paths: discover, load, store, with a progress bar and a summary.

A thin layer over ``rag.desk.Newsdesk.ingest``: one bad input becomes a reported
failure and the batch goes on; what was stored before is never touched by a failure.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from ingest.loaders import load_paths
from rag.contract import IngestReport
from rag.desk import Newsdesk


def ingest_paths(desk: Newsdesk, paths: Sequence[Path], show_progress: bool = True) -> IngestReport:
    """Ingest files and folders (recursively); paths are resolved so ids do not depend on cwd."""
    limits = desk.settings.ingest
    resolved = [p.expanduser().resolve() for p in paths]
    items = load_paths(resolved, limits.max_file_bytes, limits.max_unpacked_bytes)
    with tqdm(
        unit=" inputs", disable=not show_progress or not sys.stderr.isatty(), file=sys.stderr
    ) as bar:

        def advance(n: int) -> None:
            bar.update(n)

        return desk.ingest(items, progress=advance)
