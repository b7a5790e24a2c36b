"""The OpenAPI document, made to say what the API really does.

Every error is ``{"detail": "..."}`` (``api.http_errors``), so FastAPI's list-shaped 422 schema
is replaced by one ``Error`` schema, given as each operation's ``default`` response: the
statuses it may carry (400, 401, 403, 404, 405, 413, 415, 422, 503) are listed in the API
description. Security is declared only where a key is needed (``api.auth``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR = {
    "title": "Error",
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, and where."}},
    "required": ["detail"],
}
ERROR_RESPONSE = {
    "description": "An error: 400 bad JSON, 401 no API key, 403 wrong key, 404 not found, "
    "405 method not allowed, 413 body too large, 415 wrong content type, 422 invalid "
    "input, 503 store unavailable.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


OPENAI_ERROR = {
    "title": "OpenAIError",
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "message": {"type": "string"},
                "type": {"type": "string"},
                "param": {"type": ["string", "null"]},
                "code": {"type": ["string", "null"]},
            },
            "required": ["message", "type"],
        }
    },
    "required": ["error"],
}
OPENAI_ERROR_RESPONSE = {
    "description": "An error as OpenAI clients expect it (same statuses as elsewhere).",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OpenAIError"}}},
}


def install(app: FastAPI) -> None:
    """Replace ``app.openapi`` with the corrected document (built once, on first use)."""

    def document() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = corrected(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = document  # type: ignore[method-assign]


def corrected(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    components["Error"] = ERROR
    components["OpenAIError"] = OPENAI_ERROR
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            openai = path.startswith("/v1/")
            responses["default"] = OPENAI_ERROR_RESPONSE if openai else ERROR_RESPONSE
    return schema
