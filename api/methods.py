"""405 for a method a path does not take, with ``Allow``.

The UI is mounted at ``/`` and catches every path the API does not route, so without this
``PUT /api/ask`` or ``TRACE /`` would get the UI's 404. TRACE and CONNECT are refused
everywhere; on an API path, any method none of its routes declares is refused.
"""

from __future__ import annotations

import json
import re

from fastapi import FastAPI
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

NEVER = frozenset({"TRACE", "CONNECT"})


class MethodGuard:
    """ASGI middleware; ``api`` is the app whose OpenAPI paths decide (read at the first
    request, so routes added after the middleware count)."""

    def __init__(self, app: ASGIApp, api: FastAPI) -> None:
        self.app, self.api = app, api
        self._declared: list[tuple[re.Pattern[str], set[str]]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            allowed = self.allowed(scope["path"])
            method = scope["method"]
            if method in NEVER or (allowed and method not in allowed):
                await _refuse(send, method, allowed)
                return
        await self.app(scope, receive, send)

    def allowed(self, path: str) -> set[str]:
        """The methods the API declares at this path (empty: not an API path)."""
        if self._declared is None:  # the schema is complete once the app serves
            self._declared = [
                (compile_path(template)[0], {m.upper() for m in operations})
                for template, operations in self.api.openapi().get("paths", {}).items()
            ]
        methods: set[str] = set()
        for pattern, declared in self._declared:
            if pattern.match(path):
                methods |= declared
        if "GET" in methods:
            methods.add("HEAD")
        if methods:
            methods.add("OPTIONS")  # CORS preflight (answered by the CORS layer when on)
        return methods


async def _refuse(send: Send, method: str, allowed: set[str]) -> None:
    body = json.dumps({"detail": f"method {method} is not allowed here"}).encode()
    allow = ", ".join(sorted(allowed - NEVER)) or "GET, HEAD, POST"
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"allow", allow.encode()),
    ]
    await send({"type": "http.response.start", "status": 405, "headers": headers})
    await send({"type": "http.response.body", "body": body})
