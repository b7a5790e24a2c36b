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
from rag.corpus import DEFAULT
from rag.desk import Newsdesk


def ingest_paths(
    desk: Newsdesk, paths: Sequence[Path], show_progress: bool = True, collection: str = DEFAULT
) -> IngestReport:
    """Ingest files and folders (recursively); paths are resolved so ids do not depend on cwd."""
    limits = desk.settings.ingest
    resolved = [p.expanduser().resolve() for p in paths]
    items = load_paths(resolved, limits.max_file_bytes, limits.max_unpacked_bytes)
    with tqdm(
        unit=" inputs", disable=not show_progress or not sys.stderr.isatty(), file=sys.stderr
    ) as bar:

        def advance(n: int) -> None:
            bar.update(n)

        return desk.ingest(items, progress=advance, collection=collection)


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def ingest_sources(
    desk: Newsdesk, sources: Sequence[str], show_progress: bool = True, collection: str = DEFAULT
) -> IngestReport:
    """Files, folders and web pages (``http(s)://`` arguments) in one batch; the pages
    go through the SSRF guard (``ingest.allow_hosts``)."""
    urls = [s for s in sources if is_url(s)]
    paths = [Path(s) for s in sources if not is_url(s)]
    report = ingest_paths(desk, paths, show_progress, collection) if paths else IngestReport()
    if urls:
        report = report.merged(ingest_urls(desk, urls, collection))
    return report


def ingest_urls(desk: Newsdesk, urls: Sequence[str], collection: str = DEFAULT) -> IngestReport:
    """Web pages by URL: each fetched, extracted and stored; a failure names its URL."""
    from ingest.web import Fetcher, load_url

    fetcher = Fetcher(desk.settings.ingest)
    try:
        items = (item for url in urls for item in load_url(url, fetcher))
        return desk.ingest(items, collection=collection)
    finally:
        fetcher.close()
