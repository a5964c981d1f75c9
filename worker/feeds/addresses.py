"""Which addresses a feed fetch may connect to, checked where the socket is opened.

Checking a hostname before the request is not enough: DNS can answer "public" to the check and
"private" to the connection (DNS rebinding). So the default transport resolves each host once,
refuses the connection if any answer is not a public unicast address, and connects to exactly
the addresses it checked. The fetcher also checks every hop up front, which refuses literal IPs
and private names before any connection and covers transports passed in by tests.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any

import httpcore
import httpx

from worker.errors import BlockedAddressError

Resolver = Callable[[str], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# The NAT64 well-known prefix embeds an IPv4 address in its last 32 bits (RFC 6052).
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


def system_resolve(host: str) -> list[str]:
    """Every address the system resolver gives for ``host`` (also odd IPv4 forms like 0x7f.1)."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpx.ConnectError(f"cannot resolve {host!r}: {exc}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public(address: IPAddress) -> bool:
    """True only for globally routable unicast addresses, looking inside IPv4-in-IPv6 forms."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return is_public(embedded)
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified
    )


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def literal_address(host: str) -> IPAddress | None:
    """The address when ``host`` is an IP literal (brackets allowed), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def checked_addresses(host: str, resolve: Resolver) -> list[str]:
    """The addresses for ``host``; raise ``BlockedAddressError`` if any one is not public."""
    literal = literal_address(host)
    addresses = [str(literal)] if literal is not None else resolve(host)
    for text in addresses:
        address = literal_address(text)
        if address is None or not is_public(address):
            raise BlockedAddressError(
                f"refused {host!r}: it resolves to {text}, a private, loopback, link-local or "
                "reserved address (set fetch.allow_private_networks to allow it)"
            )
    return addresses


class _GuardedBackend(httpcore.SyncBackend):
    """Connects only to checked public addresses, and to exactly those."""

    def __init__(self, resolve: Resolver) -> None:
        self._resolve = resolve

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        last_error: Exception | None = None
        for address in checked_addresses(host, self._resolve):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:  # try the next address, like create_connection
                last_error = exc
        raise last_error or httpcore.ConnectError(f"no address for {host!r}")


def guarded_transport(resolve: Resolver) -> httpx.HTTPTransport:
    """httpx's own transport with the connection step replaced by the guarded one.

    httpx has no public hook for the network backend, so this sets the pool's backend after
    construction; the assertion makes an httpx/httpcore upgrade that moves it fail loudly.
    """
    transport = httpx.HTTPTransport(retries=0)
    pool = transport._pool
    assert hasattr(pool, "_network_backend"), "httpcore changed: update guarded_transport"
    pool._network_backend = _GuardedBackend(resolve)
    return transport
