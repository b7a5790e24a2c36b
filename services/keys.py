"""Who is asking, and what they may do: one :class:`Principal` per request, resolved once
from the key it sent, and checked by every edge (REST, SSE, /v1, MCP, the UI) before it
reads or writes a collection.

Three setups, from the server's settings:

- ``server.keys_file``: named keys with a role and collections (:mod:`services.keyfile`).
  Every request but the probes needs one: 401 without a key or with one the file does not
  hold (never made, or revoked), 403 beyond its rights. ``server.api_key``, if also set,
  is an admin key named ``api-key``.
- ``server.api_key`` alone (as before collections): writes (and with ``protect_reads``,
  reads) need it; the key is an admin of every collection; without it a caller reads
  every collection. A wrong key is a 403, as it always was.
- neither: everyone is an admin of every collection (a server on 127.0.0.1 for one person).

Roles: ``read`` asks, searches, lists, reads, exports, sees speakers and feeds of its
collections; ``write`` also ingests, deletes, imports and follows there; ``admin`` does
all of that in every collection (and reads the audit log over HTTP). Keys are made and
revoked on the server's machine only (``newsdesk keys``), never over HTTP.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rag.corpus import DEFAULT
from rag.errors import AccessError, AuthError
from services.keyfile import KeyEntry, KeyFile, Role
from services.settings import ServerSettings

__all__ = [
    "API_KEY", "LOCAL", "OPEN", "READER", "Keys", "Principal", "allowed", "key_matches",
    "key_needed",
]  # fmt: skip


@dataclass(frozen=True)
class Principal:
    """A caller: its name (the audit log's), its role and the collections it may use
    (``everywhere``: all of them, those made later too)."""

    name: str
    role: Role
    collections: tuple[str, ...] = ()
    everywhere: bool = False

    @property
    def default(self) -> str:
        """The collection used when a request names none: the key's first."""
        return self.collections[0] if self.collections else DEFAULT

    def can_read(self, collection: str) -> bool:
        return self.everywhere or collection in self.collections

    def can_write(self, collection: str) -> bool:
        return self.role != "read" and self.can_read(collection)

    def reading(self, asked: Iterable[str] = ()) -> tuple[str, ...]:
        """The collections a request reads (none named: the default), each allowed, or
        AccessError naming the first that is not. A name that is not allowed is refused
        the same whether it exists or not, so a key learns nothing of others' names."""
        names = tuple(dict.fromkeys(asked)) or (self.default,)
        for name in names:
            if not self.can_read(name):
                raise AccessError(f"the key '{self.name}' cannot read collection '{name}'")
        return names

    def writing(self, collection: str | None = None) -> str:
        """The collection a write goes to (None: the default), if this caller may write it."""
        name = collection or self.default
        if self.role == "read":
            raise AccessError(f"the key '{self.name}' can only read: writing needs a write key")
        if not self.can_write(name):
            raise AccessError(f"the key '{self.name}' cannot write collection '{name}'")
        return name

    def visible(self, existing: Sequence[str]) -> list[str]:
        """The collections to show this caller: every existing one for ``everywhere``,
        else its own (those not made yet too: a writer's first ingest makes one)."""
        return sorted(existing) if self.everywhere else list(self.collections)


LOCAL = Principal("local", "admin", everywhere=True)  # the command line, on the machine
API_KEY = Principal("api-key", "admin", everywhere=True)  # server.api_key
OPEN = Principal("anonymous", "admin", everywhere=True)  # no key configured at all
READER = Principal("anonymous", "read", everywhere=True)  # api_key set; reads are open


class Keys:
    """The server's keys: resolves the key a request sent into its Principal."""

    def __init__(self, server: ServerSettings) -> None:
        self.server = server
        self.file = KeyFile(server.keys_file) if server.keys_file else None

    @property
    def named(self) -> bool:
        """Are named keys configured (``server.keys_file``)?"""
        return self.file is not None

    def needed(self, *, write: bool) -> bool:
        """Must a request of this kind send a key?"""
        return self.named or key_needed(self.server, write=write)

    def principal(self, given: str | None, *, write: bool = False) -> Principal:
        """The caller behind ``given`` (None: no key sent); AuthError (401) or AccessError
        (403) when it may not go on. ``write``: the request changes something."""
        if self.file is None:
            return self._single(given, write)
        if given is None:
            raise AuthError("an API key is needed")
        found = self._legacy(given) or _of(self.file.find(given))
        if found is None:
            raise AuthError("this API key is not valid here (unknown or revoked)")
        if write and found.role == "read":
            raise AccessError(f"the key '{found.name}' can only read: writing needs a write key")
        return found

    def by_name(self, name: str) -> Principal | None:
        """A logged-in UI session's caller, by its key's name; None once revoked."""
        if name == API_KEY.name and self.server.api_key:
            return API_KEY
        return _of(self.file.named(name)) if self.file is not None else None

    def login(self, name: str, key: str) -> bool:
        """The UI's login: the key's name and the key (``api-key`` and server.api_key)."""
        if self.file is None:
            return self._legacy(key) is not None
        if name == API_KEY.name:
            return self._legacy(key) is not None
        entry = self.file.find(key)
        return entry is not None and entry.name == name

    def _single(self, given: str | None, write: bool) -> Principal:
        """server.api_key alone (or nothing): the rules from before named keys."""
        if not self.server.api_key:
            return OPEN
        known = self._legacy(given) if given is not None else None
        if known is not None:
            return known
        if not key_needed(self.server, write=write):
            return READER
        if given is None:
            raise AuthError("an API key is needed")
        raise AccessError("wrong API key")

    def _legacy(self, given: str) -> Principal | None:
        expected = self.server.api_key
        return API_KEY if expected and key_matches(given, expected) else None


def _of(entry: KeyEntry | None) -> Principal | None:
    if entry is None:
        return None
    return Principal(entry.name, entry.role, entry.collections, entry.role == "admin")


def key_matches(given: str, expected: str) -> bool:
    """Constant-time comparison; bytes so a non-ASCII key cannot raise."""
    return secrets.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def key_needed(server: ServerSettings, *, write: bool) -> bool:
    """Does this kind of request need server.api_key? ("" counts as no key configured.)"""
    return bool(server.api_key) and (write or server.protect_reads)


def allowed(server: ServerSettings, given: str | None, *, write: bool) -> bool:
    """May a request with this key (None: none sent) go on? (Roles, not collections.)"""
    try:
        Keys(server).principal(given, write=write)
    except (AuthError, AccessError):
        return False
    return True
