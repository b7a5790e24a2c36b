"""One Newsdesk shared by the REST handlers and the UI, which run in worker threads.

The core is not written for concurrent use (the BM25 index syncs itself on every
question, the answerer keeps caches), so calls are serialized with one lock. With a
CPU-bound encoder on a couple of cores, running two questions at once would not be
faster anyway. (Letting questions run while an ingest writes is the next step: the
reliability issue.)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from rag.desk import Newsdesk
from services.settings import Settings


class SharedDesk:
    """A Newsdesk behind a lock: ``with shared.use() as desk: desk.ask(...)``."""

    def __init__(self, desk: Newsdesk, settings: Settings) -> None:
        self._desk = desk
        self._settings = settings
        self._lock = threading.Lock()

    @property
    def settings(self) -> Settings:
        """Read-only after start-up, so no lock is needed."""
        return self._settings

    @contextmanager
    def use(self) -> Iterator[Newsdesk]:
        with self._lock:
            yield self._desk
