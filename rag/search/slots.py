"""One cache folder per process when several share a store (a Chroma server).

The derived data of a store (BM25 counts and catalogue, article vectors, wire copies,
speakers, the write journal) lives in a cache folder on this machine. Several processes
on one store (``newsdesk serve --workers N``, an ingest beside a server) must not share
one: two saves of the BM25 pair of files could interleave, and one process would take
another's write journal, left while that process is writing, for a write cut short, and
repair it under its feet. So each process claims a slot, ``slot-0``, ``slot-1``, ...: a
folder whose ``.lock`` it holds (``flock``) until it exits. A process that starts again
takes a free slot, with the warm cache (and any journal) its predecessor left; an empty
slot is first seeded with a copy of the freshest other slot (a copy taken under that
slot's save lock, so the copied files belong together), so a new worker does not rebuild
the index from the store.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)
SLOTS = 256
LOCK = ".lock"  # held by the slot's process for its life
SAVING = ".saving"  # held while the slot's files are written or copied
MARK = "bm25.json"  # the file whose age says how fresh a slot's cache is


class Slot:
    """A claimed cache folder; the claim lasts as long as this object (or the process)."""

    def __init__(self, folder: Path, lock: IO[bytes]) -> None:
        self.folder, self._lock = folder, lock

    def release(self) -> None:
        self._lock.close()


def claim_slot(base: Path) -> Slot:
    """The first slot under ``base`` no live process holds, seeded if it is empty."""
    base.mkdir(parents=True, exist_ok=True)
    for k in range(SLOTS):
        folder = base / f"slot-{k}"
        folder.mkdir(exist_ok=True)
        lock = (folder / LOCK).open("ab")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            continue
        if not (folder / MARK).exists():
            _seed(folder, base)
        return Slot(folder, lock)
    raise RuntimeError(f"all {SLOTS} cache slots under {base} are held by live processes")


@contextmanager
def saving(folder: Path) -> Iterator[None]:
    """Hold while writing a slot's files: a copy of the slot never mixes two saves."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / SAVING).open("ab") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _seed(folder: Path, base: Path) -> None:
    """Copy the freshest cache beside ``folder`` into it (the base folder itself holds the
    cache of the version before slots). The write journal is never copied: it belongs to
    the process that wrote it."""
    sources = [p for p in base.glob("slot-*") if p != folder and (p / MARK).exists()]
    sources += [base] if (base / MARK).exists() else []
    if not sources:
        return
    source = max(sources, key=lambda p: (p / MARK).stat().st_mtime)
    with (source / SAVING).open("ab") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        for item in source.iterdir():
            if item.is_file() and not item.name.startswith(".") and "journal" not in item.name:
                shutil.copy2(item, folder / f".{item.name}.seed")
    for item in folder.glob(".*.seed"):  # into place only once all are copied
        os.replace(item, folder / item.name[1 : -len(".seed")])
    log.info("cache slot %s seeded from %s", folder, source)
