"""Fetching one URL for ingestion: http(s) only, timeouts, a size cap, at most five
redirects, each hop checked by the SSRF guard before it is requested.

Redirects are followed here, not by httpx, so that the guard sees every hop, and each
connection is made to the address the guard passed (``ingest.web.pinned``: no second DNS
answer can slip in). The client ignores proxy settings from the environment: a page is
fetched from where it says it is.
``transport`` is the seam tests may use (they serve real pages on 127.0.0.1 instead).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from ingest.web.guard import Resolver, check_host, resolve
from ingest.web.pinned import pinned_transport
from rag.config import IngestSettings
from rag.errors import IngestError

MAX_REDIRECTS = 5
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Page:
    """A fetched response: ``url`` is the final one, after redirects."""

    url: str
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        """The body decoded by its declared charset (UTF-8 when none or unknown)."""
        charset = ""
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset":
                charset = value.strip("\"' ")
        try:
            return self.body.decode(charset or "utf-8", errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


class Fetcher:
    """GET with the guard on every hop; one client (connection pool) per fetcher."""

    def __init__(
        self,
        settings: IngestSettings,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver = resolve,
    ) -> None:
        self.settings, self.resolver = settings, resolver
        self.client = httpx.Client(
            timeout=httpx.Timeout(settings.fetch_timeout_s),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": settings.user_agent},
            transport=transport or pinned_transport(settings.allow_hosts, resolver),
        )

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Page:
        """The response at ``url`` (a 304 comes back with an empty body); IngestError for
        a refused address, a bad scheme, too many redirects, an HTTP error, too big a body."""
        for _ in range(MAX_REDIRECTS + 1):
            target = self._checked(url)
            try:
                with self.client.stream("GET", target, headers=dict(headers or {})) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = str(response.url.join(response.headers["location"]))
                        continue
                    return self._read(url, response)
            except httpx.TimeoutException:
                raise IngestError(f"timed out after {self.settings.fetch_timeout_s:g} s") from None
            except httpx.HTTPError as exc:
                raise IngestError(f"cannot fetch ({type(exc).__name__}: {exc})") from None
        raise IngestError(f"more than {MAX_REDIRECTS} redirects")

    def _checked(self, url: str) -> httpx.URL:
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise IngestError(f"not a valid URL ({exc})") from None
        if parsed.scheme not in DEFAULT_PORTS:
            raise IngestError(f"only http and https URLs are fetched, not '{parsed.scheme}:'")
        if not parsed.host:
            raise IngestError("the URL has no host")
        port = parsed.port or DEFAULT_PORTS[parsed.scheme]
        check_host(parsed.host, port, self.settings.allow_hosts, self.resolver)
        return parsed

    def _read(self, url: str, response: httpx.Response) -> Page:
        if response.status_code >= 400:
            raise IngestError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
        limit = self.settings.max_file_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise IngestError(
                f"the page is {int(declared):,} bytes, over the limit of {limit:,} bytes"
            )
        body = bytearray()
        for piece in response.iter_bytes():
            body += piece
            if len(body) > limit:
                raise IngestError(f"the page is over the limit of {limit:,} bytes")
        return Page(url, response.status_code, bytes(body), dict(response.headers))
