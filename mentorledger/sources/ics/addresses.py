"""Which hosts a feed URL may reach: not the machine's own network unless the configuration says so.

As soon as people can enter their own feed URLs, a feed (or a redirect it answers with) could point at
loopback, a private network (10.x, 192.168.x, fc00::/7) or a link-local address (169.254.169.254 is
where cloud machines keep their credentials). Every address the host name resolves to is checked,
before the first request and after every redirect; ``sync.allow_private_addresses: true`` lifts this
(for feeds served inside the institution's own network, and for tests on 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence

from mentorledger.errors import SourceError

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public(address: IpAddress) -> bool:
    """True for an address on the public internet: not loopback, private, link-local, reserved,
    multicast or unspecified (IPv4-mapped IPv6 addresses are judged by their IPv4 address)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve(host: str, port: int) -> list[IpAddress]:
    """Every address ``host`` resolves to (a literal address resolves to itself)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []  # the request itself reports the unknown host
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


Networks = Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]


def check_public_host(host: str, port: int, where: str, allowed: Networks = ()) -> None:
    """Raise SourceError if ``host`` resolves to any address that is not public (nor in ``allowed``)."""
    for address in resolve(host, port):
        if not is_public(address) and not any(address in network for network in allowed):
            raise SourceError(
                f"{where} resolves to {address}, a loopback, private or link-local address; feeds "
                "there are refused unless the configuration sets sync.allow_private_addresses: true"
            )
