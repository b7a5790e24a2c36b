"""Questions in flight, so an ingest can make way for them.

On a couple of cores the encoder of an ingest and a question's own work compete for the
CPU: a question asked mid-batch takes several times longer. The indexer embeds in slices
and, before each, waits (briefly) while questions are being answered; questions come and
go in tens of milliseconds, so the ingest loses little and the question gets the CPU.

A question counts only while it uses this machine's CPU: from retrieval until its
passages are chosen. A language model writing for seconds afterwards (on a model server)
does not hold an ingest back (:meth:`Reading.done`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class Reading:
    """One question counted in flight until :meth:`done` (or the end of its block)."""

    def __init__(self, readers: Readers) -> None:
        self._readers = readers
        self._done = False
        self._lock = threading.Lock()

    def done(self) -> None:
        """Stop counting this question (idempotent)."""
        with self._lock:
            if self._done:
                return
            self._done = True
        self._readers._leave()


class Readers:
    """A count of questions being answered, and a wait for it to reach zero."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = threading.Condition()
        self._last = float("-inf")  # when the last question came (monotonic seconds)

    @contextmanager
    def reading(self) -> Iterator[Reading]:
        with self._idle:
            self._count += 1
            self._last = time.monotonic()
        reading = Reading(self)
        try:
            yield reading
        finally:
            reading.done()

    def _leave(self) -> None:
        with self._idle:
            self._count -= 1
            if self._count == 0:
                self._idle.notify_all()

    def recent(self, within_s: float) -> bool:
        """Was a question asked in the last ``within_s`` seconds (or is one in flight)?"""
        with self._idle:
            return self._count > 0 or time.monotonic() - self._last < within_s

    def busy(self) -> int:
        with self._idle:
            return self._count

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no question is in flight, at most ``timeout`` seconds."""
        with self._idle:
            return self._idle.wait_for(lambda: self._count == 0, timeout)
