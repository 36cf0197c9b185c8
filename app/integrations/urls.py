"""Outgoing URLs must not reach into our own network (SSRF) unless the operator allows it."""

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from app.config import get_settings
from app.errors import DomainError
from app.i18n import _
from app.integrations.errors import IntegrationErrorCode as E


def check_syntax(url: str, field: str = "url") -> str:
    url = url.strip()
    parts = urlsplit(url)
    if len(url) > 500 or parts.scheme not in {"http", "https"} or not parts.hostname:
        raise DomainError(E.INVALID, _("Give an http(s) URL of at most 500 characters."), field)
    if parts.username or parts.password:
        raise DomainError(E.INVALID, _("Put no credentials in the URL."), field)
    return url


async def check_destination(
    url: str, field: str = "url", *, allowed: list[str] | None = None
) -> list[str]:
    """Resolves the host; refuses private, loopback, link-local and reserved addresses, but
    for the hosts or addresses the operator `allowed` (default: CH_WEBHOOK_ALLOWED_HOSTS)."""
    exempt = get_settings().webhook_allowed_hosts if allowed is None else allowed
    host = urlsplit(url).hostname or ""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise DomainError(
            E.UNSAFE_URL, _("The host {host!r} does not resolve.", host=host), field
        ) from exc
    addresses = sorted({str(info[4][0]) for info in infos})
    for address in addresses:
        ip = ipaddress.ip_address(address)
        if not ip.is_global and not (host in exempt or address in exempt):
            raise DomainError(
                E.UNSAFE_URL, _("{host} points to a private address.", host=host), field
            )
    return addresses
