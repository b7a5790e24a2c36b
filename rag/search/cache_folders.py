"""Which cache folder holds a store's derived data (BM25, article vectors, wire copies,
speakers, the write journal).

The folder is named by the store's identity (Chroma's id of the chunks collection), not by
where the store is reached: a project folder moved or copied elsewhere, a store opened
through another path (a symlink, a second checkout) or a Chroma server behind a new
address finds its caches again instead of rebuilding them from the store (522 s and a
10.7 GB peak at a million chunks). A store deleted and made again at the same place gets
a new identity, so it never inherits the caches of the one it replaced.

Versions before this one named the folder by the store's location. ``cache_folder``
moves such a folder to its new name once, and leaves a link at the old name so that a
process of the older version still running on the same store keeps finding its files
(the files, and the locks held on them, are the same inodes after a rename).
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

__all__ = ["cache_dir_for", "cache_folder"]

log = logging.getLogger(__name__)


def cache_dir_for(cache_root: Path, key: str, collection: str) -> Path:
    """The cache folder for ``key`` (a store's identity; a location in older versions) and
    a collection, so indexes of two stores never mix."""
    digest = hashlib.sha1(f"{key}|{collection}".encode()).hexdigest()[:12]
    return cache_root / f"{collection}-{digest}"


def cache_folder(cache_root: Path, identity: str, where: str, collection: str) -> Path:
    """The store's cache folder (by ``identity``), taking over the folder an older version
    kept for the same store by its location ``where`` when there is one."""
    folder = cache_dir_for(cache_root, identity, collection)
    old = cache_dir_for(cache_root, where, collection)
    if not folder.exists() and old.is_dir() and not old.is_symlink():
        _move(old, folder)
    return folder


def _move(old: Path, folder: Path) -> None:
    """Rename ``old`` to ``folder`` and link ``old`` to it; a process that renamed it first
    (two starting at once) leaves nothing to do."""
    try:
        os.rename(old, folder)
    except FileNotFoundError:
        return
    except OSError as exc:  # e.g. a folder made at the new name meanwhile
        log.warning("cache folder %s not moved to %s (%s): it is rebuilt", old, folder, exc)
        return
    try:
        old.symlink_to(folder.name, target_is_directory=True)
    except OSError as exc:
        log.warning("no link left at the old cache folder %s (%s)", old, exc)
    log.info("cache folder %s is now %s (named by the store's identity)", old, folder)
