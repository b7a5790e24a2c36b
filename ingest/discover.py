"""Turn the paths a user typed into the list of article files to load.

Folders are walked recursively in sorted order so that two runs over the same tree
ingest the same files in the same order (stable ids, reproducible logs). Hidden
entries (editor swap files, ``.git``) and metadata sidecars are skipped: a sidecar
is read together with its ``.txt`` (or ``.srt``, ``.vtt``) file, never as an article of
its own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

from rag.contract import IngestFailure

logger = logging.getLogger(__name__)

SIDECAR_SUFFIXES = (".meta.json", ".meta.yaml", ".meta.yml")
SIDECAR_OWNERS = (".txt", ".srt", ".vtt")  # the formats whose metadata a sidecar gives


def is_sidecar(path: Path) -> bool:
    """True for ``NAME.meta.json`` / ``NAME.meta.yaml`` / ``NAME.meta.yml``."""
    return path.name.lower().endswith(SIDECAR_SUFFIXES)


def sidecar_candidates(text_file: Path) -> list[Path]:
    """Where the sidecar of ``x.txt`` may live, in the order they are looked for."""
    stem = text_file.name[: -len(text_file.suffix)] if text_file.suffix else text_file.name
    return [text_file.with_name(stem + suffix) for suffix in SIDECAR_SUFFIXES]


def discover(paths: Sequence[Path]) -> Iterator[Path | IngestFailure]:
    """Yield every article file under ``paths``, or a failure for a path that is unusable.

    Files named explicitly are yielded as given (even hidden ones: the user asked for
    them), except sidecars. The same file reached twice is yielded once.
    """
    seen: set[Path] = set()
    for path in paths:
        for found in _expand(path):
            if isinstance(found, IngestFailure):
                yield found
                continue
            key = found.resolve()
            if key not in seen:
                seen.add(key)
                yield found


def _expand(path: Path) -> Iterator[Path | IngestFailure]:
    if path.is_dir():
        yield from _walk(path, visited=set())
    elif path.is_file():
        if is_sidecar(path):
            _note_sidecar(path)
        else:
            yield path
    elif path.exists() or path.is_symlink():
        yield IngestFailure(
            origin=str(path), message="not a regular file or folder (or a broken link)"
        )
    else:
        yield IngestFailure(origin=str(path), message="no such file or folder")


def _walk(folder: Path, visited: set[Path]) -> Iterator[Path | IngestFailure]:
    real = folder.resolve()
    if real in visited:  # a symlink loop would otherwise recurse forever
        logger.warning("skipping %s: link back to a folder already being read", folder)
        return
    visited.add(real)
    try:
        entries = sorted(folder.iterdir())
    except OSError as err:
        yield IngestFailure(
            origin=str(folder), message=f"cannot list folder ({err.strerror or err})"
        )
        return
    for entry in entries:
        if entry.name.startswith("."):
            logger.debug("skipping hidden %s", entry)
        elif entry.is_dir():
            yield from _walk(entry, visited)
        elif is_sidecar(entry):
            _note_sidecar(entry)
        elif entry.is_file():
            yield entry
        elif entry.is_symlink() and not entry.exists():
            yield IngestFailure(origin=str(entry), message="broken link: its target does not exist")
        else:
            yield IngestFailure(origin=str(entry), message="not a regular file (a pipe or device)")


def _note_sidecar(path: Path) -> None:
    """Warn about a sidecar with no ``.txt`` (or transcript) beside it: its metadata would
    be lost."""
    lower = path.name.lower()
    suffix = next(s for s in SIDECAR_SUFFIXES if lower.endswith(s))
    stem = path.name[: -len(suffix)]
    companion = next(
        (c for c in (path.with_name(stem + e) for e in SIDECAR_OWNERS) if c.is_file()), None
    )
    if companion is not None:
        logger.debug("skipping sidecar %s (read with %s)", path, companion.name)
    else:
        logger.warning("ignoring sidecar %s: no %s.txt (or .srt, .vtt) beside it", path, stem)
