"""API keys over HTTP: ``Authorization: Bearer KEY``, resolved once per request into the
caller (:class:`services.keys.Principal`) by a FastAPI dependency, then checked against the
collection the request names. One dependency per kind of access:

- ``caller(shared)``: the Principal (routes whose collections come in the body: ask,
  chat, /v1), ``caller(shared, write=True)`` for writes;
- ``reader(shared)`` / ``writer(shared)``: an :class:`Access`, the Principal and the
  ``?collection=`` it may read / write (default: the key's first collection).

401 without a key (or with one the server does not know: never made, or revoked), 403
beyond its rights (``rag.errors.AuthError`` / ``AccessError``, translated by
``api.http_errors``). Where no key is needed the operation declares no security in the
OpenAPI schema, so the documentation says what is true. Probes (/healthz, /readyz) stay
open so an orchestrator can check the process. Keys are never logged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.gate import SharedDesk
from services.keys import Keys, Principal
from services.settings import ServerSettings

_bearer = HTTPBearer(
    auto_error=False,
    description="An API key: a named key of server.keys_file, or server.api_key.",
)
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
CollectionParam = Annotated[
    str | None,
    Query(max_length=100, description="The collection (default: the key's first collection, "
          "else 'default').", examples=["default"]),
]  # fmt: skip


@dataclass(frozen=True)
class Access:
    """A caller and the one collection it was allowed to use for this request."""

    principal: Principal
    collection: str


def caller(shared: SharedDesk, *, write: bool = False) -> Callable[..., Principal]:
    """A dependency giving the request's Principal (AuthError / AccessError for none)."""
    return _resolver(shared.keys, write)


def reader(shared: SharedDesk) -> Callable[..., Access]:
    """A dependency: the caller and the ``?collection=`` it may read."""
    who = caller(shared)

    def access(principal: Principal = Depends(who), collection: CollectionParam = None) -> Access:
        return Access(principal, principal.reading([collection] if collection else ())[0])

    return access


def writer(shared: SharedDesk) -> Callable[..., Access]:
    """A dependency: the caller and the ``?collection=`` it may write."""
    who = caller(shared, write=True)

    def access(principal: Principal = Depends(who), collection: CollectionParam = None) -> Access:
        return Access(principal, principal.writing(collection))

    return access


def requirement(server: ServerSettings, *, write: bool) -> Callable[..., Any]:
    """A dependency for routes that name no collection: a key with the role needed (401
    without one, 403 with one that may only read). Collection checks need ``reader`` or
    ``writer``."""
    return _resolver(Keys(server), write)


def _resolver(keys: Keys, write: bool) -> Callable[..., Principal]:
    if not keys.needed(write=write):

        def open_access() -> Principal:
            return keys.principal(None, write=write)

        return open_access

    def keyed(credentials: Bearer) -> Principal:
        return keys.principal(credentials.credentials if credentials else None, write=write)

    return keyed
