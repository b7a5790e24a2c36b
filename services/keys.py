"""API keys, for REST and the UI alike: with ``server.api_key`` set, writes (and, with
``protect_reads``, reads) need the key. Compared in constant time."""

from __future__ import annotations

import secrets

from services.settings import ServerSettings


def key_matches(given: str, expected: str) -> bool:
    """Constant-time comparison; bytes so a non-ASCII key cannot raise."""
    return secrets.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def key_needed(server: ServerSettings, *, write: bool) -> bool:
    """Does this kind of request need the key? ("" counts as no key configured.)"""
    return bool(server.api_key) and (write or server.protect_reads)


def allowed(server: ServerSettings, given: str | None, *, write: bool) -> bool:
    """May a request with this key (None: none sent) go on?"""
    if not key_needed(server, write=write):
        return True
    return given is not None and key_matches(given, server.api_key or "")
