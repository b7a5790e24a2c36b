"""Connections pinned to checked addresses: the guard's answer is the address connected to.

Checking a host's addresses and then letting the HTTP client resolve the name again would
leave a gap: a DNS server that answers a public address to the check and an internal one
to the connection (DNS rebinding) would get through. This network backend resolves once
per connection, checks every address (``ingest.web.guard``) and connects to a checked one
by its IP; TLS still verifies the certificate against the host name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import httpcore
import httpx

from ingest.web.guard import Resolver, check_host


class PinnedBackend(httpcore.SyncBackend):
    """httpcore's sync backend, connecting only to addresses the guard has passed."""

    def __init__(self, allow_hosts: Sequence[str], resolver: Resolver) -> None:
        self.allow_hosts, self.resolver = allow_hosts, resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self.resolver(host, port)
        check_host(host, port, self.allow_hosts, lambda _h, _p: addresses)
        return super().connect_tcp(addresses[0], port, timeout, local_address, socket_options)


def pinned_transport(allow_hosts: Sequence[str], resolver: Resolver) -> httpx.HTTPTransport:
    """An httpx transport whose connections go through :class:`PinnedBackend`."""
    transport = httpx.HTTPTransport(trust_env=False)
    transport._pool = httpcore.ConnectionPool(  # httpx has no public seam for the backend
        ssl_context=httpx.create_ssl_context(trust_env=False),
        network_backend=PinnedBackend(allow_hosts, resolver),
    )
    return transport
