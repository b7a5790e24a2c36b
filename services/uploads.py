"""Ingest what arrives over HTTP or through the UI exactly as the CLI ingests files.

A JSON article goes through ``ingest.formats.record_to_article`` and an uploaded file is
written to a temporary file with its original name and read by ``ingest.loaders.load_file``,
so every format and every message about bad input are the CLI's. Origins are rewritten
from the temporary path to ``upload/NAME`` so messages and stored metadata name the file
the user sent.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from functools import reduce
from pathlib import Path
from typing import BinaryIO

from ingest.formats import BODY_KEYS, Loaded, record_to_article
from ingest.loaders import load_file
from rag.contract import ArticleInput, IngestReport
from rag.corpus import DEFAULT
from rag.desk import Newsdesk
from rag.errors import IngestError

_UNSAFE = re.compile(r"[^\w.\-]+")


def ingest_record(
    desk: Newsdesk, record: Mapping[str, object], origin: str, collection: str = DEFAULT
) -> IngestReport:
    """One article given as JSON fields (title, body|text|content, source, date, url ...);
    a URL without any text field is fetched (through the SSRF guard) and extracted.

    ``origin`` ("api", "ui") is shared by every posted article, so without an id or URL an
    article is identified by its text.
    """
    if isinstance(record.get("url"), str) and not any(record.get(k) for k in BODY_KEYS):
        from ingest.runner import ingest_urls

        return require_stored(ingest_urls(desk, [str(record["url"])], collection))
    report = desk.ingest([record_to_article(record, origin)], collection=collection)
    return require_stored(report)


def ingest_upload(
    desk: Newsdesk, filename: str, stream: BinaryIO, collection: str = DEFAULT
) -> IngestReport:
    """An uploaded file: saved under its own (sanitized) name, then loaded like the CLI's.

    The report may list failures only; ``require_stored`` turns that into an error.
    """
    name = safe_name(filename)
    with tempfile.TemporaryDirectory(prefix="newsdesk-upload-") as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            shutil.copyfileobj(stream, out)
        return ingest_file(desk, path, name, collection)


def ingest_file(desk: Newsdesk, path: Path, name: str, collection: str = DEFAULT) -> IngestReport:
    """A file already on disk (e.g. a gradio upload), reported as ``upload/NAME``."""
    limits = desk.settings.ingest
    loaded = load_file(path, limits.max_file_bytes, limits.max_unpacked_bytes)
    items = _renamed(loaded, str(path), f"upload/{name}")
    return desk.ingest(items, collection=collection)


def safe_name(filename: str) -> str:
    """The base name of an upload with odd characters replaced; the suffix is kept."""
    base = _UNSAFE.sub("_", Path(filename.replace("\\", "/")).name).strip("._")
    return base[-120:] or "upload"


def merge(reports: Iterable[IngestReport]) -> IngestReport:
    """One report for several files ingested one after the other."""
    return reduce(IngestReport.merged, reports, IngestReport())


def require_stored(report: IngestReport) -> IngestReport:
    """A report where every input failed is the client's error: IngestError naming them."""
    if report.failed and not (report.added or report.updated or report.unchanged):
        raise IngestError("; ".join(f"{f.origin}: {f.message}" for f in report.failed))
    return report


def _renamed(items: Iterator[Loaded], old: str, new: str) -> Iterator[Loaded]:
    for item in items:
        origin = new + item.origin[len(old) :] if item.origin.startswith(old) else item.origin
        if isinstance(item, ArticleInput):
            yield replace(item, origin=origin)
        else:
            yield item.model_copy(update={"origin": origin})
