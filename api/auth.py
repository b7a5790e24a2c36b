"""API keys over HTTP: ``Authorization: Bearer KEY`` where ``services.auth`` says a key is
needed. Probes (/healthz, /readyz) stay open so an orchestrator can check the process
without the key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.auth import allowed
from services.settings import ServerSettings

_bearer = HTTPBearer(auto_error=False, description="The server's API key (server.api_key).")
Check = Callable[[HTTPAuthorizationCredentials | None], None]
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def requirement(server: ServerSettings, *, write: bool) -> Check:
    """A FastAPI dependency: raises 401 unless the request may go on."""

    def check(credentials: Bearer) -> None:
        given = credentials.credentials if credentials is not None else None
        if not allowed(server, given, write=write):
            raise HTTPException(
                401, "missing or wrong API key", headers={"WWW-Authenticate": "Bearer"}
            )

    return check
