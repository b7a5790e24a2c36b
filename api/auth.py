"""API keys over HTTP: ``Authorization: Bearer KEY`` where ``services.keys`` says a key is
needed: 401 without a key, 403 with a wrong one. Where no key is needed the operation
declares no security in the OpenAPI schema, so the documentation says what is true.
Probes (/healthz, /readyz) stay open so an orchestrator can check the process.
Keys are never logged: only whether one was sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.keys import allowed, key_needed
from services.settings import ServerSettings

_bearer = HTTPBearer(auto_error=False, description="The server's API key (server.api_key).")
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def requirement(server: ServerSettings, *, write: bool) -> Callable[..., Any]:
    """A FastAPI dependency: 401 without the key, 403 with a wrong one (where needed)."""
    if not key_needed(server, write=write):

        def open_access() -> None:
            return None

        return open_access

    def check(credentials: Bearer) -> None:
        if credentials is None:
            raise HTTPException(401, "an API key is needed", headers={"WWW-Authenticate": "Bearer"})
        if not allowed(server, credentials.credentials, write=write):
            raise HTTPException(403, "wrong API key")

    return check
