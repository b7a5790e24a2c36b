"""A readers-writer lock: many questions read the corpus at once, a write has it alone.

Writers are preferred: once a write waits, new readers queue behind it, so a steady
stream of questions cannot starve an ingest (a write of a few articles takes
milliseconds). A thread may nest reads, and a writer may read or write again inside its
own write; a reader asking to write would wait for itself, so that is refused.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ReadWriteLock:
    """``with lock.read(): ...`` (shared) and ``with lock.write(): ...`` (exclusive)."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0  # threads inside read() (outermost entries only)
        self._writer: int | None = None  # the thread inside write()
        self._waiting = 0  # writers waiting their turn
        self._local = threading.local()

    def _depth(self) -> int:
        return int(getattr(self._local, "reads", 0))

    @contextmanager
    def read(self) -> Iterator[None]:
        me = threading.get_ident()
        if self._writer == me or self._depth():  # nested: already safe to read
            self._local.reads = self._depth() + 1
            try:
                yield
            finally:
                self._local.reads -= 1
            return
        with self._cond:
            self._cond.wait_for(lambda: self._writer is None and not self._waiting)
            self._readers += 1
        self._local.reads = 1
        try:
            yield
        finally:
            self._local.reads = 0
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        me = threading.get_ident()
        if self._writer == me:  # a writer's own nested write (a repair re-indexing)
            yield
            return
        if self._depth():
            raise RuntimeError("a reader cannot take the write lock (it would wait for itself)")
        with self._cond:
            self._waiting += 1
            try:
                self._cond.wait_for(lambda: self._writer is None and not self._readers)
            finally:
                self._waiting -= 1
            self._writer = me
        try:
            yield
        finally:
            with self._cond:
                self._writer = None
                self._cond.notify_all()

    def reading(self) -> bool:
        """Is this thread inside a read (or a write) already?"""
        return bool(self._depth()) or self._writer == threading.get_ident()

    def readers(self) -> int:
        """How many threads are reading now (for tests and diagnostics)."""
        with self._cond:
            return self._readers
