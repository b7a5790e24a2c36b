"""The SSRF guard: URL ingestion never reaches an internal address by accident or trick.

A link someone sends (or a feed entry, or a redirect) may name ``localhost``, a cloud
metadata address, a router's admin page or a name that resolves to one. Every address a
host resolves to is checked, on every hop, and refused if it is loopback, private,
link-local, multicast, reserved or unspecified (IPv4 and IPv6; IPv4-mapped and 6to4-style
IPv6 are judged by the IPv4 inside), unless the host is in ``ingest.allow_hosts``.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence

from rag.errors import IngestError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class BlockedAddress(IngestError):
    """The URL's host is (or resolves to) an address we refuse to fetch."""


def internal_reason(address: str) -> str | None:
    """Why this IP address is internal ("loopback", "private" ...), or None if public."""
    ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is not None:
            ip = inner
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("not globally routable", not ip.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (a literal IP resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise IngestError(f"cannot resolve host '{host}' ({exc})") from None
    return sorted({str(info[4][0]) for info in infos})


def check_host(
    host: str, port: int, allow_hosts: Sequence[str], resolver: Resolver = resolve
) -> None:
    """Raise BlockedAddress unless every address of ``host`` is public (or it is allowed)."""
    name = host.strip("[]").lower().rstrip(".")
    if name in {h.strip("[]").lower().rstrip(".") for h in allow_hosts}:
        return
    for address in resolver(name, port):
        reason = internal_reason(address)
        if reason is not None:
            shown = name if name == address else f"{name} ({address})"
            raise BlockedAddress(
                f"refused to fetch from {shown}: the address is {reason} "
                "(add the host to ingest.allow_hosts to allow it)"
            )
