"""Where a fetch may connect: every address class that is not the public internet is refused.

Pure functions, no I/O: `refusal(address, allow)` names why an address is refused (or None),
`literal_address(host)` reads a host that is an IP address in any spelling a resolver or a
browser would accept (`0x7f000001`, `2130706433`, `0177.0.0.1`, `127.1`, `[::ffff:7f00:1]`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class Blocked(Exception):
    """The guard refused a host, port or address; nothing was connected."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"{host} is not fetched: {reason}")
        self.host = host
        self.reason = reason


class NotALiteral(ValueError):
    """The host looks like a number but is no valid IPv4 address (a browser refuses it too)."""


def _nets(*pairs: tuple[str, str]) -> tuple[tuple[IPNetwork, str], ...]:
    return tuple((ipaddress.ip_network(net), name) for net, name in pairs)


# Named so that an error says which class was hit; `not is_global` below catches the rest.
_V4 = _nets(
    ("0.0.0.0/8", "this-network (0.0.0.0/8)"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "carrier-grade NAT (100.64.0.0/10)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "IETF protocol assignments (reserved)"),
    ("192.0.2.0/24", "documentation"),
    ("192.88.99.0/24", "6to4 relay anycast (reserved)"),
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
)
_V6 = _nets(
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("100::/64", "discard-only (reserved)"),
    ("64:ff9b:1::/48", "local-use NAT64"),
    ("2001:2::/48", "benchmarking"),
    ("2001:db8::/32", "documentation"),
    ("3fff::/20", "documentation"),
    ("fc00::/7", "unique-local"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local (deprecated)"),
    ("ff00::/8", "multicast"),
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_COMPATIBLE = ipaddress.IPv6Network("::/96")


def hidden_ipv4(address: ipaddress.IPv6Address) -> list[tuple[ipaddress.IPv4Address, str]]:
    """IPv4 addresses that an IPv6 address carries (mapped, compatible, 6to4, Teredo, NAT64)."""
    found: list[tuple[ipaddress.IPv4Address, str]] = []
    if address.ipv4_mapped is not None:
        found.append((address.ipv4_mapped, "IPv4-mapped"))
    if address in _NAT64:
        found.append((ipaddress.IPv4Address(int(address) & 0xFFFFFFFF), "NAT64"))
    if address in _COMPATIBLE and int(address) > 1:
        found.append((ipaddress.IPv4Address(int(address) & 0xFFFFFFFF), "IPv4-compatible"))
    if address.sixtofour is not None:
        found.append((address.sixtofour, "6to4"))
    if address.teredo is not None:
        server, client = address.teredo
        found += [(server, "Teredo server"), (client, "Teredo client")]
    return found


def _named(address: IPAddress) -> str | None:
    table = _V4 if address.version == 4 else _V6
    for net, name in table:
        if address in net:
            return name
    return None


def refusal(address: IPAddress, allow: Sequence[IPNetwork] = ()) -> str | None:
    """Why `address` must not be connected to, or None when it may be.

    `allow` opens networks that would otherwise be refused (OUTLAY_FETCH_ALLOW). An IPv4
    address hidden in an IPv6 one is judged as that IPv4 address, so `::ffff:127.0.0.1`
    is loopback and `64:ff9b::a00:1` (NAT64 of 10.0.0.1) is private.
    """
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # The kernel connects a mapped address to the IPv4 one: it is that address.
        return refusal(address.ipv4_mapped, allow)
    if any(address.version == net.version and address in net for net in allow):
        return None
    if isinstance(address, ipaddress.IPv6Address):
        for inner, how in hidden_ipv4(address):
            # Not `allow`: a NAT64 or 6to4 gateway would connect to that address on its side.
            why = refusal(inner)
            if why is not None:
                return f"{how} {why} address {inner}"
        if address in _NAT64 or address.teredo is not None or address.sixtofour is not None:
            return None  # a transition address whose IPv4 part is public
    name = _named(address)
    if name is not None:
        return name
    if not address.is_global:
        return "reserved"
    return None


def refusal_of_answer(addresses: Iterable[IPAddress], allow: Sequence[IPNetwork]) -> str | None:
    """An answer with any refused address is refused whole: the attacker chose the rest."""
    for address in addresses:
        why = refusal(address, allow)
        if why is not None:
            return f"{address} is {why}"
    return None


def _ipv4_number(part: str) -> int:
    if part[:2] in ("0x", "0X"):
        digits, base = part[2:], 16
    elif len(part) > 1 and part[0] == "0":
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    if digits == "":
        return 0
    try:
        return int(digits, base)
    except ValueError as exc:
        raise NotALiteral(f"{part!r} is not a number") from exc


def _ends_in_number(labels: list[str]) -> bool:
    last = labels[-1]
    if last != "" and all(c in "0123456789" for c in last):
        return True
    return last[:2] in ("0x", "0X") and all(c in "0123456789abcdefABCDEF" for c in last[2:])


def literal_address(host: str) -> IPAddress | None:
    """The address a host names directly, in any spelling; None for a host name.

    IPv4 follows the WHATWG URL parser (and inet_aton): one to four parts, each decimal,
    octal with a leading 0, or hexadecimal with 0x; the last part fills the remaining bytes.
    """
    host = host.strip("[]").rstrip(".") if host.startswith("[") else host.rstrip(".")
    if ":" in host:
        if "%" in host:
            raise NotALiteral("IPv6 zone identifiers are not accepted")
        try:
            return ipaddress.IPv6Address(host)
        except ValueError as exc:
            raise NotALiteral(f"{host!r} is not an IPv6 address") from exc
    labels = host.split(".")
    if not labels or not _ends_in_number(labels):
        return None
    if len(labels) > 4:
        raise NotALiteral(f"{host!r} has more than four numeric parts")
    numbers = [_ipv4_number(label) for label in labels]
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise NotALiteral(f"{host!r} is out of range for an IPv4 address")
    value = numbers[-1]
    for i, n in enumerate(numbers[:-1]):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def allowed_port(port: int, open_ports: Sequence[tuple[int, int]]) -> bool:
    return any(low <= port <= high for low, high in open_ports)
