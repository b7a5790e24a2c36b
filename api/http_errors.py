"""Errors at the HTTP edge: every failure is ``{"detail": "..."}`` with a fitting status.

Core errors (``rag.errors``) are translated here and nowhere else: a client's mistake is
a 4xx naming the problem, never a 500. Validation errors become one readable sentence
instead of pydantic's list, so clients parse one shape.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from rag.errors import (
    AccessError,
    AuthError,
    BusyError,
    ConfigError,
    EmbeddingError,
    IngestError,
    NewsdeskError,
    NotFoundError,
    QueryError,
    StoreError,
)

log = logging.getLogger(__name__)
STATUS: dict[type[NewsdeskError], int] = {
    AuthError: 401,
    AccessError: 403,
    NotFoundError: 404,
    QueryError: 422,
    IngestError: 422,
    StoreError: 503,
    BusyError: 503,
    EmbeddingError: 503,
    ConfigError: 500,
}


OPENAI_TYPES = {401: "authentication_error", 403: "permission_error", 404: "not_found_error",
                413: "invalid_request_error", 429: "rate_limit_error"}  # fmt: skip


def detail(
    status: int,
    message: str,
    headers: dict[str, str] | None = None,
    request: Request | None = None,
) -> JSONResponse:
    """``{"detail": ...}``; on the OpenAI-compatible paths (/v1/...), an OpenAI error object."""
    if request is not None and request.url.path.startswith("/v1/"):
        kind = OPENAI_TYPES.get(
            status, "server_error" if status >= 500 else "invalid_request_error"
        )
        body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
        return JSONResponse(body, status_code=status, headers=headers)
    return JSONResponse({"detail": message}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the ``{"detail": ...}`` shape."""
    app.add_exception_handler(NewsdeskError, _newsdesk_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


async def _newsdesk_error(request: Request, exc: Exception) -> JSONResponse:
    status = next((s for t, s in STATUS.items() if isinstance(exc, t)), 500)
    if isinstance(exc, BusyError):  # not a fault: a client should come back shortly
        log.warning("%s %s: %s", request.method, request.url.path, exc)
        headers = {"Retry-After": str(exc.retry_after_s)}
        return detail(status, str(exc), headers=headers, request=request)
    if status >= 500:
        log.error("%s %s: %s", request.method, request.url.path, exc)
    if isinstance(exc, AuthError):
        return detail(status, str(exc), {"WWW-Authenticate": "Bearer"}, request)
    return detail(status, str(exc), request=request)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    errors: Sequence[Any] = exc.errors() if isinstance(exc, RequestValidationError) else ()
    if any(e.get("type") == "json_invalid" for e in errors):
        reason = next(e.get("ctx", {}).get("error", "") for e in errors)
        message = f"the request body is not valid JSON ({reason})".replace(" ()", "")
        return detail(400, message, request=request)
    return detail(
        422, "; ".join(_describe(e) for e in errors) or "invalid request", request=request
    )


def _describe(error: Any) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
    message = str(error.get("msg", "invalid"))
    return f"{where}: {message}" if where else message


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, HTTPException):
        return await _unexpected(request, exc)
    return detail(exc.status_code, str(exc.detail), getattr(exc, "headers", None), request)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("%s %s failed", request.method, request.url.path, exc_info=exc)
    return detail(500, "internal server error", request=request)
