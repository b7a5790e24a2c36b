"""A write-ahead marker for the store: which articles a write was touching.

Chroma has no transaction spanning its two collections, so an ingest killed between
writing an article's chunks and its record leaves chunks without their article (or two
versions side by side). Before each write the indexer names the articles in this file and
removes it after; a file found at start-up means a write was cut short, and the desk
repairs the store (``rag.corpus.checking.repair``) before anyone reads it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from rag.search import atomic_file

log = logging.getLogger(__name__)
NAME = "write-journal.json"


class WriteJournal:
    """``with journal.writing(doc_ids): store.write_articles(...)``."""

    def __init__(self, folder: Path) -> None:
        self.file = folder / NAME

    @contextmanager
    def writing(self, doc_ids: Sequence[str]) -> Iterator[None]:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(self.file) as out:
            out.write(json.dumps({"doc_ids": list(doc_ids)}).encode("utf-8"))
        yield
        self.file.unlink(missing_ok=True)

    def interrupted(self) -> list[str] | None:
        """The articles of a write that never finished, or None when all did."""
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            return [str(d) for d in data.get("doc_ids", [])]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, AttributeError) as exc:
            log.warning("write journal %s unreadable (%s): treated as interrupted", self.file, exc)
            return []

    def clear(self) -> None:
        self.file.unlink(missing_ok=True)
