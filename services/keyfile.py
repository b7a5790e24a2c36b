"""Named API keys with roles, in a YAML file (``server.keys_file``) that holds only their
sha256 hashes: whoever reads the file cannot use a key. ``newsdesk keys add`` makes a key
(printed once, never stored), ``list`` shows names, roles and collections, ``revoke``
removes one.

A running server re-reads the file when it changes (its size, time or inode), so a key
added or revoked takes effect at the next request. Writes are whole-file replacements
under a lock file, so a reader never sees half a file and two ``keys add`` cannot lose
each other's key. A keys file that cannot be read refuses every key (fail closed).

The keys are random (32 bytes, URL-safe base64), so a plain sha256 is enough: there is
no password to guess from its hash.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import secrets
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from rag.corpus import collection_name
from rag.errors import ConfigError, NotFoundError, QueryError
from rag.search import atomic_file

Role = Literal["read", "write", "admin"]
ROLES: tuple[Role, ...] = ("read", "write", "admin")
KEY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
# Names the server gives callers without a named key (the audit log shows them).
RESERVED = frozenset({"local", "anonymous", "api-key", "feeds"})
HEADER = "# Newsdesk API keys: sha256 hashes only. Edit with `newsdesk keys add|list|revoke`.\n"


class KeyEntry(BaseModel):
    """One named key: its hash, its role and the collections it may use."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(description="Who holds it; the audit log names writes by it.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="sha256 of the key, hex.")
    role: Role = Field(description="read, write (read + change) or admin (every collection).")
    collections: tuple[str, ...] = Field(
        (), description="The collections it may use; the first is its default."
    )
    created: str = Field("", description="When it was made (UTC, ISO 8601).")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return key_name(value, ValueError)

    @field_validator("collections")
    @classmethod
    def _collections(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        try:
            return tuple(collection_name(c) for c in value)
        except QueryError as exc:
            raise ValueError(str(exc)) from None


def key_name(name: str, error: type[Exception] = QueryError) -> str:
    """The name if a key may have it; else ``error`` saying what names are valid."""
    if not KEY_NAME.fullmatch(name):
        raise error(
            f"'{name}' is not a key name: 1 to 64 letters, digits, '_', '.', '@' or '-', "
            "starting with a letter or digit"
        )
    if name in RESERVED:
        raise error(f"'{name}' is reserved (it names callers without a key): choose another")
    return name


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyFile:
    """The keys of ``path``, re-read whenever the file changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int, int] | None = None
        self._entries: tuple[KeyEntry, ...] = ()
        self._lock = threading.Lock()

    def entries(self) -> tuple[KeyEntry, ...]:
        """The keys as the file holds them now (none while it does not exist)."""
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return ()
        stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
        with self._lock:
            if stamp != self._stamp:
                self._entries, self._stamp = _read(self.path), stamp
            return self._entries

    def find(self, key: str) -> KeyEntry | None:
        """The entry of this key, compared in constant time with every stored hash."""
        wanted = digest(key).encode("ascii")
        found = None
        for entry in self.entries():  # no early exit: the time says nothing of the match
            if secrets.compare_digest(wanted, entry.sha256.encode("ascii")):
                found = entry
        return found

    def named(self, name: str) -> KeyEntry | None:
        return next((e for e in self.entries() if e.name == name), None)

    def add(self, name: str, role: Role, collections: Sequence[str]) -> str:
        """Make a key; the key itself is returned (to print once), only its hash is kept."""
        if role not in ROLES:
            raise QueryError(f"'{role}' is not a role: read, write or admin")
        if role != "admin" and not collections:
            raise QueryError(f"a {role} key needs at least one --collection")
        key = secrets.token_urlsafe(32)
        entry = KeyEntry(
            name=key_name(name), sha256=digest(key), role=role,
            collections=tuple(dict.fromkeys(collection_name(c) for c in collections)),
            created=datetime.now(UTC).isoformat(timespec="seconds"),
        )  # fmt: skip
        with self._editing() as entries:
            if any(e.name == name for e in entries):
                raise QueryError(f"a key named '{name}' exists: revoke it first")
            entries.append(entry)
        return key

    def revoke(self, name: str) -> None:
        """Remove a key (NotFoundError when none has that name)."""
        with self._editing() as entries:
            kept = [e for e in entries if e.name != name]
            if len(kept) == len(entries):
                raise NotFoundError(f"no key named '{name}' in {self.path}")
            entries[:] = kept

    @contextlib.contextmanager
    def _editing(self) -> Iterator[list[KeyEntry]]:
        """The entries to change, read and written back under a lock file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = self.path.with_name(self.path.name + ".lock")
        with lock.open("a") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            entries = list(_read(self.path)) if self.path.exists() else []
            yield entries
            data = {"keys": [e.model_dump(mode="json") for e in entries]}
            text = HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
            with atomic_file(self.path) as out:
                out.write(text.encode("utf-8"))
            os.chmod(self.path, 0o600)


def _read(path: Path) -> tuple[KeyEntry, ...]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: the keys file cannot be read: {exc}") from None
    rows = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise ConfigError(f"{path}: expected `keys:`, a list of keys")
    entries = tuple(_entry(path, number, row) for number, row in enumerate(rows, 1))
    names = [e.name for e in entries]
    if len(set(names)) != len(names):
        raise ConfigError(f"{path}: two keys have the same name")
    return entries


def _entry(path: Path, number: int, row: object) -> KeyEntry:
    try:
        return KeyEntry.model_validate(row)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "entry"
        raise ConfigError(f"{path}: key {number}: bad {where}: {first['msg']}") from None
