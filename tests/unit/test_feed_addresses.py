"""Which addresses a feed may reach by default: only public ones (loopback, private, link-local,
the cloud metadata address and IPv4-mapped forms of them are refused), unless allowed by network."""

from __future__ import annotations

import ipaddress

import pytest

from mentorledger.errors import SourceError
from mentorledger.sources.ics.addresses import check_public_host, is_public


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "fc00::5",
        "::ffff:10.0.0.1",
        "0.0.0.0",
        "100.64.0.1",
    ],
)
def test_the_machines_own_networks_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"])
def test_internet_addresses_are_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


def test_a_private_host_is_refused_with_the_key_that_allows_it() -> None:
    with pytest.raises(SourceError, match=r"resolves to 10\.0\.0\.7.*sync\.allow_private_addresses"):
        check_public_host("10.0.0.7", 443, "https://10.0.0.7/…")


def test_an_allowed_network_lets_its_addresses_through_and_no_others() -> None:
    allowed = [ipaddress.ip_network("10.20.0.0/16")]
    check_public_host("10.20.3.4", 443, "feed", allowed)
    with pytest.raises(SourceError):
        check_public_host("10.21.0.1", 443, "feed", allowed)
