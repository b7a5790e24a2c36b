"""API keys: with ``server.api_key`` set, writes (and, with ``protect_reads``, reads) need
``Authorization: Bearer KEY``. Compared in constant time; probes (/healthz, /readyz)
stay open so an orchestrator can check the process without the key.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from rag.config import ServerSettings

_bearer = HTTPBearer(auto_error=False, description="The server's API key (server.api_key).")
Check = Callable[[HTTPAuthorizationCredentials | None], None]
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def key_matches(given: str, expected: str) -> bool:
    """Constant-time comparison; bytes so a non-ASCII key cannot raise."""
    return secrets.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def requirement(server: ServerSettings, *, write: bool) -> Check:
    """A FastAPI dependency: raises 401 unless the request may go on."""
    needed = bool(server.api_key) and (write or server.protect_reads)  # "" means unset

    def check(credentials: Bearer) -> None:
        if not needed or not server.api_key:
            return
        if credentials is None or not key_matches(credentials.credentials, server.api_key):
            raise HTTPException(
                401, "missing or wrong API key", headers={"WWW-Authenticate": "Bearer"}
            )

    return check
