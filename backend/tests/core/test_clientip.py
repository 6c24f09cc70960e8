from ipaddress import ip_network

import pytest

from fabricloop.core.clientip import client_ip

PROXIES = [ip_network("10.0.0.0/8"), ip_network("fd00::/8")]


def scope(peer: str | None, *forwarded: str) -> dict[str, object]:
    return {
        "client": (peer, 1234) if peer else None,
        "headers": [(b"x-forwarded-for", value.encode()) for value in forwarded],
    }


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("198.51.100.1", ["203.0.113.9"], "198.51.100.1"),  # untrusted peer: header ignored
        ("10.0.0.2", ["203.0.113.9"], "203.0.113.9"),
        ("10.0.0.2", ["1.1.1.1, 203.0.113.9, 10.0.0.7"], "203.0.113.9"),
        ("10.0.0.2", ["1.1.1.1", "203.0.113.9"], "203.0.113.9"),  # repeated headers
        ("10.0.0.2", ["10.0.0.9, 10.0.0.8"], "10.0.0.9"),  # every hop trusted
        ("10.0.0.2", ["not-an-ip"], "10.0.0.2"),
        ("10.0.0.2", ["not-an-ip, 10.0.0.8"], "10.0.0.2"),
        ("10.0.0.2", [], "10.0.0.2"),
        ("fd00::1", ["2001:db8::5"], "2001:db8::5"),
        ("testclient", ["203.0.113.9"], "testclient"),  # a peer that is not an address
        (None, ["203.0.113.9"], "unknown"),
    ],
)
def test_client_ip(peer: str | None, forwarded: list[str], expected: str) -> None:
    assert client_ip(scope(peer, *forwarded), PROXIES) == expected


def test_no_proxies_configured() -> None:
    assert client_ip(scope("10.0.0.2", "203.0.113.9"), []) == "10.0.0.2"
