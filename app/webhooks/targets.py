"""Which URLs webhooks may be sent to.

Only ``http`` and ``https`` URLs with a host, and no fragment. In production
(``KHABAR_ENV=production``, unless ``KHABAR_WEBHOOK_ALLOW_PRIVATE_TARGETS`` is set) a target
must also resolve only to public addresses: never loopback, private (RFC 1918, unique local),
link-local (cloud metadata services live there), shared, reserved, multicast or unspecified
ones, so that the app cannot be made to post into the network it runs in. The name is
resolved when the endpoint is registered and again before every attempt (a name may be
re-pointed later); redirects are never followed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000


class TargetRefused(ValueError):
    """A URL webhooks may not be sent to; the message says why."""


def check_url(url: str) -> str:
    """The URL if its form is acceptable, else :class:`TargetRefused`."""
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise TargetRefused(f"Not a valid URL: {error}.") from None
    if parts.scheme not in {"http", "https"}:
        raise TargetRefused("Only http and https URLs can receive webhooks.")
    if not parts.hostname:
        raise TargetRefused("The URL has no host.")
    if parts.fragment:
        raise TargetRefused("The URL may not have a fragment.")
    if port == 0:
        raise TargetRefused("The URL's port may not be 0.")
    return url


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def check_resolves_public(url: str) -> None:
    """:class:`TargetRefused` unless every address the URL's host resolves to is public."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise TargetRefused(f"The host {host!r} does not resolve: {error}.") from None
    private = sorted({str(info[4][0]) for info in infos if not _is_public(str(info[4][0]))})
    if private:
        raise TargetRefused(
            f"The host {host!r} resolves to a non-public address ({', '.join(private)}); "
            "webhooks are only sent to public addresses."
        )
