"""The audit log: one JSON line per write (ingest, delete, import, follow), saying who
(the key's name; ``local`` for the command line, ``api-key`` for server.api_key,
``anonymous`` on a server without keys, ``feeds`` for the server's feed poller), when
(UTC), what, in which collection and to which articles.

Append-only: each line is one ``write`` to a file opened with ``O_APPEND``, so lines of
several processes (a server, a CLI ingest, a watcher) never interleave, and nothing here
rewrites or truncates the file. ``newsdesk audit`` (and ``GET /api/audit`` for admins)
print it.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from rag.contract import IngestReport

log = logging.getLogger(__name__)


class AuditEntry(BaseModel):
    """One write, as the audit log keeps it."""

    time: str = Field(description="When (UTC, ISO 8601).")
    key: str = Field(description="Who: the key's name, or local, api-key, anonymous, feeds.")
    action: str = Field(description="ingest, import, delete, feed (a feed poll), follow, ...")
    collection: str
    added: list[str] = Field(default_factory=list, description="Article ids stored anew.")
    updated: list[str] = Field(default_factory=list, description="Article ids changed.")
    deleted: list[str] = Field(default_factory=list, description="Article ids removed.")
    failed: int = Field(0, description="Inputs that could not be stored.")
    detail: str = Field("", description="What else identifies the write (a URL, a file).")


class AuditLog:
    """The append-only log at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def ingested(
        self, key: str, collection: str, report: IngestReport, action: str = "ingest",
        detail: str = "",
    ) -> None:  # fmt: skip
        """An ingest's report (an import, a feed poll, a follow): what it changed."""
        if not (report.added or report.updated or report.failed):
            return  # nothing written: nothing to audit
        self.append(AuditEntry(
            time=_now(), key=key, action=action, collection=collection,
            added=report.added, updated=report.updated, failed=len(report.failed),
            detail=detail,
        ))  # fmt: skip

    def deleted(self, key: str, collection: str, doc_ids: Sequence[str]) -> None:
        self.append(AuditEntry(time=_now(), key=key, action="delete", collection=collection,
                               deleted=list(doc_ids)))  # fmt: skip

    def append(self, entry: AuditEntry) -> None:
        """One line, in one write to the end of the file (created 0600 if new)."""
        line = (entry.model_dump_json() + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            written = os.write(fd, line)
            if written != len(line):  # a full disk: say so rather than leave half a line
                raise OSError(f"audit log {self.path}: wrote {written} of {len(line)} bytes")
        finally:
            os.close(fd)

    def entries(self, since: str = "", collection: str | None = None) -> Iterator[AuditEntry]:
        """The logged writes, oldest first, at or after ``since`` (an ISO date or time),
        of one collection or all; an unreadable line is skipped with a warning."""
        try:
            lines = self.path.open(encoding="utf-8")
        except FileNotFoundError:
            return
        with lines:
            for number, line in enumerate(lines, 1):
                try:
                    entry = AuditEntry.model_validate(json.loads(line))
                except ValueError:
                    log.warning("%s:%d: not an audit entry; skipped", self.path, number)
                    continue
                if entry.time >= since and collection in (None, entry.collection):
                    yield entry


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
