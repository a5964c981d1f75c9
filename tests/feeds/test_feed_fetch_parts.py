"""The fetcher's pure parts: address classification, header hints and the per-host limiter."""

from __future__ import annotations

import ipaddress
import threading
import time
from datetime import UTC, datetime

import pytest

from worker.feeds.addresses import is_public
from worker.feeds.headers import max_age_seconds, retry_after_seconds
from worker.feeds.hostlimit import HostLimiter

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),  # multicast
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:93.184.216.34", True),
        ("2002:7f00:1::1", False),  # 6to4 around 127.0.0.1
        ("64:ff9b::a00:1", False),  # NAT64 around 10.0.0.1
        ("64:ff9b::5db8:d822", True),  # NAT64 around a public address
    ],
)
def test_addresses_is_public(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("Wed, 25 Nov 2026 12:10:00 GMT", 600.0),
        ("Wed, 25 Nov 2026 11:00:00 GMT", 0.0),  # already past: retry now
        ("soon", None),
        ("-5", None),
        (None, None),
    ],
)
def test_headers_retry_after(value: str | None, expected: float | None) -> None:
    assert retry_after_seconds(value, now=NOW) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"cache-control": "public, max-age=300"}, 300),
        ({"cache-control": "max-age=0"}, 0),
        ({"cache-control": "no-cache"}, None),
        (
            {"expires": "Wed, 25 Nov 2026 13:00:00 GMT", "date": "Wed, 25 Nov 2026 12:00:00 GMT"},
            3600,
        ),
        ({"expires": "Wed, 25 Nov 2026 12:30:00 GMT"}, 1800),  # no Date: relative to now
        ({"expires": "0"}, None),
        ({"cache-control": "max-age=60", "expires": "Wed, 25 Nov 2026 13:00:00 GMT"}, 60),
        ({}, None),
    ],
)
def test_headers_max_age(headers: dict[str, str], expected: int | None) -> None:
    assert max_age_seconds(headers, now=NOW) == expected


def _peak_concurrency(limiter: HostLimiter, hosts: list[str]) -> dict[str, int]:
    """Run one short job per entry in threads; the most running at once per (lower-case) host."""
    running = dict.fromkeys((host.lower() for host in hosts), 0)
    peak = dict(running)
    lock = threading.Lock()

    def job(host: str) -> None:
        with limiter.slot(host):
            with lock:
                running[host.lower()] += 1
                peak[host.lower()] = max(peak[host.lower()], running[host.lower()])
            time.sleep(0.05)
            with lock:
                running[host.lower()] -= 1

    threads = [threading.Thread(target=job, args=(host,)) for host in hosts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    return peak


def test_hostlimit_caps_concurrency_per_host() -> None:
    peak = _peak_concurrency(HostLimiter(2), ["a.example"] * 8 + ["b.example"] * 8)
    assert peak == {"a.example": 2, "b.example": 2}


def test_hostlimit_hosts_do_not_block_each_other() -> None:
    limiter = HostLimiter(1)
    acquired = threading.Event()

    def other_host() -> None:
        with limiter.slot("b.example"):
            acquired.set()

    with limiter.slot("a.example"):
        thread = threading.Thread(target=other_host)
        thread.start()
        assert acquired.wait(5)
        thread.join(5)


def test_hostlimit_is_case_insensitive_and_rejects_zero() -> None:
    assert _peak_concurrency(HostLimiter(1), ["A.example", "a.EXAMPLE"] * 3) == {"a.example": 1}
    with pytest.raises(ValueError, match="at least 1"):
        HostLimiter(0)
