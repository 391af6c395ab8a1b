"""Which URLs webhooks may be sent to, and where a delivery really connects.

Only ``http`` and ``https`` URLs with a host (a valid international domain name or an IP
address), and no fragment. In production (``KHABAR_ENV=production``, unless
``KHABAR_WEBHOOK_ALLOW_PRIVATE_TARGETS`` is set) a target must also resolve only to public
addresses: never loopback, private (RFC 1918, unique local), link-local (cloud metadata
services live there), shared, reserved, multicast or unspecified ones, nor IPv6 forms that
carry such an IPv4 address (IPv4-mapped and -compatible, NAT64, 6to4). The name is resolved
when the endpoint is registered and again for every attempt, and the attempt connects to the
address that was checked (:func:`pinned`), so a name re-pointed between the check and the
connection (DNS rebinding) cannot send it elsewhere. Redirects are never followed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any

import httpx

#: A name that takes longer than this to resolve is refused.
RESOLVE_SECONDS = 5.0

_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


class TargetRefused(ValueError):
    """A URL webhooks may not be sent to; the message says why."""


def check_url(url: str) -> httpx.URL:
    """The URL, parsed, if its form is acceptable; else :class:`TargetRefused`."""
    try:
        parsed = httpx.URL(url)
        parsed.raw_host.decode("ascii")  # the host in IDNA form: a bad name fails here
        port = parsed.port
    except (httpx.InvalidURL, UnicodeError, ValueError) as error:
        raise TargetRefused(f"Not a valid URL: {error}.") from None
    if parsed.scheme not in {"http", "https"}:
        raise TargetRefused("Only http and https URLs can receive webhooks.")
    if not parsed.host:
        raise TargetRefused("The URL has no host.")
    if parsed.fragment:
        raise TargetRefused("The URL may not have a fragment.")
    if port == 0:
        raise TargetRefused("The URL's port may not be 0.")
    return parsed


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if any(ip in network for network in _NAT64) or ip in _IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _SIX_TO_FOUR:
        return ip.sixtofour
    return None


def is_public(address: str) -> bool:
    """Whether ``address`` (and any IPv4 address it carries) is a public unicast address."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
        address.split("%", 1)[0]
    )
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None and not (inner.is_global and not inner.is_multicast):
            return False
    return ip.is_global and not ip.is_multicast


async def resolve_public(url: httpx.URL) -> str:
    """The address to connect to for ``url``: :class:`TargetRefused` unless its host
    resolves, in time, only to public addresses."""
    host = url.raw_host.decode("ascii")
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        async with asyncio.timeout(RESOLVE_SECONDS):
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
    except TimeoutError:
        raise TargetRefused(f"The host {url.host!r} did not resolve in time.") from None
    except (OSError, UnicodeError, ValueError) as error:
        raise TargetRefused(f"The host {url.host!r} does not resolve: {error}.") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    private = [address for address in addresses if not is_public(address)]
    if private or not addresses:
        raise TargetRefused(
            f"The host {url.host!r} resolves to a non-public address ({', '.join(private)}); "
            "webhooks are only sent to public addresses."
        )
    return addresses[0]


@dataclass(frozen=True, slots=True)
class Pinned:
    """A request aimed at a checked address: the URL with that address as its host, the
    ``Host`` header and, for https, the name TLS verifies the certificate against."""

    url: httpx.URL
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, Any] = field(default_factory=dict)


def pinned(url: httpx.URL, address: str) -> Pinned:
    host = url.raw_host.decode("ascii")
    default_port = 443 if url.scheme == "https" else 80
    named = f"[{host}]" if ":" in host else host  # an IPv6 literal
    authority = named if url.port in (None, default_port) else f"{named}:{url.port}"
    extensions = {"sni_hostname": host} if url.scheme == "https" else {}
    return Pinned(url.copy_with(host=address), {"host": authority}, extensions)
