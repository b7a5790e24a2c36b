"""A real HTTP server on 127.0.0.1 serving pages and feeds a test sets up (``routes``:
path -> (status, headers, body)); it records each request's path and headers. It takes
POSTs too (a webhook receiver): each is recorded with its body, and answered with the
next of ``post_statuses[path]`` (then 200)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = tuple[int, dict[str, str], bytes]


@dataclass
class Site:
    base: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    delay_s: dict[str, float] = field(default_factory=dict)
    posts: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    post_statuses: dict[str, list[int]] = field(default_factory=dict)

    def page(self, path: str, body: str, status: int = 200, **headers: str) -> str:
        kind = headers.pop("content_type", "text/html; charset=utf-8")
        self.routes[path] = (status, {"Content-Type": kind, **headers}, body.encode("utf-8"))
        return self.base + path

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.routes[path] = (status, {"Location": location}, b"")
        return self.base + path

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)


@contextmanager
def local_site() -> Iterator[Site]:
    site = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append((self.path, dict(self.headers)))
            time.sleep(site.delay_s.get(self.path.split("?", 1)[0], 0))
            route = self.path.split("?", 1)[0]
            status, headers, body = site.routes.get(route, (404, {}, b"not found"))
            if (
                status == 200
                and headers.get("ETag")
                and self.headers.get("If-None-Match") == headers["ETag"]
            ):
                status, body = 304, b""
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            site.posts.append((self.path, dict(self.headers), body))
            statuses = site.post_statuses.get(self.path, [])
            status = statuses.pop(0) if statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
