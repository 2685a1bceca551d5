"""Which addresses the guard refuses, and IP literals in every spelling (pure, no network)."""

from __future__ import annotations

import ipaddress

import pytest

from service.fetch import guard

REFUSED = {
    "0.0.0.0": "this-network",  # noqa: S104
    "0.1.2.3": "this-network",
    "10.1.2.3": "private",
    "172.16.0.1": "private",
    "172.31.255.254": "private",
    "192.168.1.1": "private",
    "100.64.0.1": "carrier-grade NAT",
    "100.127.255.254": "carrier-grade NAT",
    "127.0.0.1": "loopback",
    "127.255.255.254": "loopback",
    "169.254.169.254": "link-local",  # the cloud metadata service
    "192.0.0.8": "IETF protocol assignments",
    "192.0.2.1": "documentation",
    "198.51.100.7": "documentation",
    "203.0.113.9": "documentation",
    "198.18.0.1": "benchmarking",
    "198.19.255.1": "benchmarking",
    "224.0.0.1": "multicast",
    "239.255.255.250": "multicast",
    "240.0.0.1": "reserved",
    "255.255.255.255": "reserved",
    "::": "unspecified",
    "::1": "loopback",
    "fe80::1": "link-local",
    "febf::1": "link-local",
    "fc00::1": "unique-local",
    "fd12:3456::1": "unique-local",
    "ff02::1": "multicast",
    "2001:db8::1": "documentation",
    "2001:2::1": "benchmarking",
    "100::1": "discard-only",
    "fec0::1": "site-local",
    # IPv4 hidden in IPv6
    "::ffff:127.0.0.1": "loopback",
    "::ffff:10.0.0.1": "private",
    "::ffff:169.254.169.254": "link-local",
    "::127.0.0.1": "IPv4-compatible",
    "64:ff9b::7f00:1": "NAT64",
    "64:ff9b::a9fe:a9fe": "NAT64",
    "2002:7f00:1::1": "6to4",
    "2002:a00:1::1": "6to4",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2": "Teredo",  # client 192.0.2.45
    "64:ff9b:1::1": "local-use NAT64",
}

PUBLIC = [
    "8.8.8.8",
    "93.184.216.34",
    "1.1.1.1",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",  # NAT64 of a public address: how IPv6-only networks reach IPv4
    "2002:808:808::1",
]


@pytest.mark.parametrize(("address", "why"), REFUSED.items())
def test_refused_classes(address: str, why: str) -> None:
    reason = guard.refusal(ipaddress.ip_address(address))
    assert reason is not None
    assert why in reason


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert guard.refusal(ipaddress.ip_address(address)) is None


def test_allow_opens_only_the_given_networks() -> None:
    allow = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8")]
    assert guard.refusal(ipaddress.ip_address("127.0.0.1"), allow) is None
    assert guard.refusal(ipaddress.ip_address("::ffff:127.0.0.1"), allow) is None
    assert guard.refusal(ipaddress.ip_address("10.20.30.40"), allow) is None
    assert guard.refusal(ipaddress.ip_address("127.0.0.2"), allow) == "loopback"
    assert guard.refusal(ipaddress.ip_address("192.168.0.1"), allow) == "private"


def test_an_answer_with_one_refused_address_is_refused_whole() -> None:
    answer = [ipaddress.ip_address("8.8.8.8"), ipaddress.ip_address("10.0.0.1")]
    assert "private" in (guard.refusal_of_answer(answer, ()) or "")
    assert guard.refusal_of_answer(answer[:1], ()) is None


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0X7F000001", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0177.0000.0000.0001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0", "0.0.0.0"),  # noqa: S104
        ("0xa9fea9fe", "169.254.169.254"),
        ("10.0.0.1.", "10.0.0.1"),
        ("[::1]", "::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("[::ffff:7f00:1]", "::ffff:7f00:1"),
        ("0:0:0:0:0:0:0:1", "::1"),
    ],
)
def test_ip_literals_in_any_spelling(host: str, address: str) -> None:
    assert guard.literal_address(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize(
    "host", ["example.com", "0x7g000001", "0x.example.com", "127.0.0.1.nip.io", "a1"]
)
def test_names_are_not_literals(host: str) -> None:
    assert guard.literal_address(host) is None


@pytest.mark.parametrize("host", ["1.2.3.4.5", "256.0.0.1", "1.2.3.09", "[fe80::1%eth0]"])
def test_numbers_that_are_no_address_are_refused(host: str) -> None:
    with pytest.raises(guard.NotALiteral):
        guard.literal_address(host)
