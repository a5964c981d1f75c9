"""Fetcher against a real local HTTP server (pytest-httpserver), plus the address guard."""

from __future__ import annotations

import gzip
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from worker.defaults import USER_AGENT
from worker.errors import (
    BlockedAddressError,
    BodyTooLargeError,
    FeedGoneError,
    FeedParseError,
    FetchError,
    HTTPStatusError,
)
from worker.feeds.addresses import guarded_transport
from worker.feeds.fetch import Fetcher
from worker.feeds.parse import parse_feed

MakeFetcher = Callable[..., Fetcher]
FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    b"<item><title>x</title><link>https://e.org/1</link></item></channel></rss>"
)
# Sanity bound for "returned within the deadline": generous, never a performance assertion.
GENEROUS = 5.0


def pretend(mapping: dict[str, list[str]]) -> Callable[[str], list[str]]:
    """A resolver seam: answers from ``mapping``, as if DNS said so."""
    return lambda host: mapping[host]


def test_fetch_200_returns_body_validators_and_hints(
    httpserver: HTTPServer, make_fetcher: MakeFetcher
) -> None:
    sent = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"}
    httpserver.expect_request("/feed", headers=sent).respond_with_data(
        FEED,
        content_type="application/rss+xml; charset=utf-8",
        headers={
            "ETag": '"v1"',
            "Last-Modified": "Tue, 24 Nov 2026 10:00:00 GMT",
            "Cache-Control": "public, max-age=600",
        },
    )
    result = make_fetcher().fetch(httpserver.url_for("/feed"))
    assert (result.status, result.body, result.etag) == (200, FEED, '"v1"')
    assert result.last_modified == "Tue, 24 Nov 2026 10:00:00 GMT"
    assert result.content_type == "application/rss+xml; charset=utf-8"
    assert result.max_age_seconds == 600
    assert result.permanent_url is None
    assert result.url == httpserver.url_for("/feed")


def test_fetch_conditional_get_sends_validators_and_handles_304(
    httpserver: HTTPServer, make_fetcher: MakeFetcher
) -> None:
    httpserver.expect_request(
        "/feed",
        headers={"If-None-Match": '"v1"', "If-Modified-Since": "Tue, 24 Nov 2026 10:00:00 GMT"},
    ).respond_with_data("", status=304, headers={"ETag": '"v2"'})
    result = make_fetcher().fetch(
        httpserver.url_for("/feed"), etag='"v1"', last_modified="Tue, 24 Nov 2026 10:00:00 GMT"
    )
    assert (result.status, result.body) == (304, b"")
    assert result.etag == '"v2"'  # the server's new validator wins
    assert result.last_modified == "Tue, 24 Nov 2026 10:00:00 GMT"  # not resent: ours is kept


def test_fetch_304_keeps_a_new_last_modified(make_fetcher: MakeFetcher) -> None:
    """Werkzeug strips Last-Modified from 304s, so this one uses httpx's MockTransport."""

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["If-Modified-Since"] == "Tue, 24 Nov 2026 10:00:00 GMT"
        return httpx.Response(304, headers={"Last-Modified": "Wed, 25 Nov 2026 09:00:00 GMT"})

    fetcher = make_fetcher(transport=httpx.MockTransport(handler))
    result = fetcher.fetch(
        "https://feeds.example/rss", etag='"v1"', last_modified="Tue, 24 Nov 2026 10:00:00 GMT"
    )
    assert (result.etag, result.last_modified) == ('"v1"', "Wed, 25 Nov 2026 09:00:00 GMT")


@pytest.mark.parametrize(
    ("statuses", "permanent"),
    [([301], True), ([308], True), ([301, 308], True), ([302], False), ([307], False),
     ([301, 302], False)],
)  # fmt: skip
def test_fetch_permanent_url_only_when_every_hop_is_permanent(
    httpserver: HTTPServer, make_fetcher: MakeFetcher, statuses: list[int], permanent: bool
) -> None:
    for hop, status in enumerate(statuses):
        httpserver.expect_request(f"/hop{hop}").respond_with_data(
            "", status=status, headers={"Location": f"/hop{hop + 1}"}
        )
    final = f"/hop{len(statuses)}"
    httpserver.expect_request(final).respond_with_data(FEED)
    result = make_fetcher().fetch(httpserver.url_for("/hop0"))
    assert result.url == httpserver.url_for(final)
    assert result.body == FEED
    assert result.permanent_url == (httpserver.url_for(final) if permanent else None)


def test_fetch_410_is_feed_gone(httpserver: HTTPServer, make_fetcher: MakeFetcher) -> None:
    httpserver.expect_request("/feed").respond_with_data("gone", status=410)
    with pytest.raises(FeedGoneError):
        make_fetcher().fetch(httpserver.url_for("/feed"))


@pytest.mark.parametrize("status", [429, 503])
def test_fetch_retry_after_in_seconds(
    httpserver: HTTPServer, make_fetcher: MakeFetcher, status: int
) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "slow down", status=status, headers={"Retry-After": "120"}
    )
    with pytest.raises(FetchError) as caught:
        make_fetcher().fetch(httpserver.url_for("/feed"))
    assert caught.value.retry_after == 120


@pytest.mark.parametrize("status", [429, 503])
def test_fetch_retry_after_as_http_date(
    httpserver: HTTPServer, make_fetcher: MakeFetcher, status: int
) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    httpserver.expect_request("/feed").respond_with_data(
        "busy", status=status, headers={"Retry-After": when}
    )
    with pytest.raises(FetchError) as caught:
        make_fetcher().fetch(httpserver.url_for("/feed"))
    assert caught.value.retry_after is not None
    assert 3600 - 60 <= caught.value.retry_after <= 3600


def test_fetch_500_is_transient_without_retry_after(
    httpserver: HTTPServer, make_fetcher: MakeFetcher
) -> None:
    httpserver.expect_request("/feed").respond_with_data("oops", status=500)
    with pytest.raises(FetchError) as caught:
        make_fetcher().fetch(httpserver.url_for("/feed"))
    assert caught.value.retryable and caught.value.retry_after is None


@pytest.mark.parametrize("status", [403, 404])
def test_fetch_other_4xx_is_http_status_error(
    httpserver: HTTPServer, make_fetcher: MakeFetcher, status: int
) -> None:
    httpserver.expect_request("/feed").respond_with_data("no", status=status)
    with pytest.raises(HTTPStatusError) as caught:
        make_fetcher().fetch(httpserver.url_for("/feed"))
    assert caught.value.status == status


def test_fetch_read_timeout(httpserver: HTTPServer, make_fetcher: MakeFetcher) -> None:
    def stall(request: Request) -> Response:
        time.sleep(1.0)
        return Response(FEED)

    httpserver.expect_request("/feed").respond_with_handler(stall)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        make_fetcher(read_timeout=0.3).fetch(httpserver.url_for("/feed"))
    assert time.monotonic() - started < GENEROUS


def test_fetch_slow_drip_body_hits_the_deadline(
    httpserver: HTTPServer, make_fetcher: MakeFetcher
) -> None:
    def drip() -> Iterator[bytes]:
        yield b"<rss>"
        for _ in range(100):  # 10 s in all, far past the deadline
            time.sleep(0.1)
            yield b" "

    httpserver.expect_request("/feed").respond_with_response(Response(drip()))
    started = time.monotonic()
    with pytest.raises(FetchError, match="deadline"):
        make_fetcher(read_timeout=1.0, deadline=0.5).fetch(httpserver.url_for("/feed"))
    assert time.monotonic() - started < GENEROUS


def test_fetch_body_stalled_near_the_deadline_is_cut_at_the_deadline(
    httpserver: HTTPServer, make_fetcher: MakeFetcher
) -> None:
    """Each read may wait as long as the whole deadline; the watchdog still stops at it."""

    def drip_then_stall() -> Iterator[bytes]:
        for _ in range(18):  # about 1.8 s of steady bytes, then silence
            yield b" "
            time.sleep(0.1)
        time.sleep(10)
        yield b"</rss>"

    httpserver.expect_request("/feed").respond_with_response(Response(drip_then_stall()))
    started = time.monotonic()
    with pytest.raises(FetchError, match="deadline"):
        make_fetcher(read_timeout=10.0, deadline=2.0).fetch(httpserver.url_for("/feed"))
    assert time.monotonic() - started < 3.0  # without the watchdog: about 1.8 + 2.0 s


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_fetch_oversize_body_is_refused(
    httpserver: HTTPServer, make_fetcher: MakeFetcher, chunked: bool
) -> None:
    body = b"x" * 5000
    response = Response(iter([body[:2500], body[2500:]])) if chunked else Response(body)
    httpserver.expect_request("/feed").respond_with_response(response)
    with pytest.raises(BodyTooLargeError):
        make_fetcher(max_body_bytes=1000).fetch(httpserver.url_for("/feed"))


def test_fetch_gzip_body_is_decoded_and_parses(
    httpserver: HTTPServer, make_fetcher: MakeFetcher, corpus: dict[str, Any]
) -> None:
    raw = corpus["12"].body  # NSHipster's gzip bytes, as its server sent them
    httpserver.expect_request("/feed").respond_with_data(
        raw, content_type="application/rss+xml", headers={"Content-Encoding": "gzip"}
    )
    result = make_fetcher().fetch(httpserver.url_for("/feed"))
    assert result.body == gzip.decompress(raw)
    assert len(parse_feed(result.body, content_type=result.content_type).entries) == 25


def test_fetch_deflate_body_is_decoded(httpserver: HTTPServer, make_fetcher: MakeFetcher) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        zlib.compress(FEED), headers={"Content-Encoding": "deflate"}
    )
    assert make_fetcher().fetch(httpserver.url_for("/feed")).body == FEED


def test_fetch_gzip_bomb_is_stopped_by_the_cap(
    httpserver: HTTPServer, make_fetcher: MakeFetcher
) -> None:
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)  # 64 MiB in ~64 KiB
    assert len(bomb) < 1024 * 1024
    httpserver.expect_request("/feed").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(BodyTooLargeError, match="after decompression"):
        make_fetcher(max_body_bytes=1024 * 1024).fetch(httpserver.url_for("/feed"))


def test_fetch_corrupt_gzip_is_a_fetch_error(
    httpserver: HTTPServer, make_fetcher: MakeFetcher
) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        b"not gzip at all", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(FetchError, match="corrupt gzip"):
        make_fetcher().fetch(httpserver.url_for("/feed"))


def test_fetch_redirect_loop(httpserver: HTTPServer, make_fetcher: MakeFetcher) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with pytest.raises(FetchError, match="redirect loop"):
        make_fetcher().fetch(httpserver.url_for("/a"))


def test_fetch_too_many_redirects(httpserver: HTTPServer, make_fetcher: MakeFetcher) -> None:
    for hop in range(10):
        httpserver.expect_request(f"/r{hop}").respond_with_data(
            "", status=301, headers={"Location": f"/r{hop + 1}"}
        )
    with pytest.raises(FetchError, match="more than 3 redirects"):
        make_fetcher(max_redirects=3).fetch(httpserver.url_for("/r0"))
    assert len(httpserver.log) == 4


def test_fetch_connection_refused_is_transient(make_fetcher: MakeFetcher) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError):
        make_fetcher().fetch(f"http://127.0.0.1:{port}/feed")


def test_fetch_malformed_xml_is_fetched_then_rejected_by_the_parser(
    httpserver: HTTPServer, make_fetcher: MakeFetcher
) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"<rss><channel><item><title>x</")
    result = make_fetcher().fetch(httpserver.url_for("/feed"))
    with pytest.raises(FeedParseError):
        parse_feed(result.body, content_type=result.content_type)


def test_fetch_wrong_declared_encoding_still_decodes(
    httpserver: HTTPServer, make_fetcher: MakeFetcher, corpus: dict[str, Any]
) -> None:
    httpserver.expect_request("/feed").respond_with_data(  # windows-1251 bytes sent as UTF-8
        corpus["09"].body, content_type="text/xml; charset=utf-8"
    )
    result = make_fetcher().fetch(httpserver.url_for("/feed"))
    parsed = parse_feed(result.body, content_type=result.content_type)
    assert parsed.bozo_message and "windows-1251" in parsed.bozo_message
    assert "Оренбург" in parsed.title


@pytest.mark.parametrize(
    "host", ["localhost", "127.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]"]
)
def test_fetch_refuses_loopback_by_default(
    httpserver: HTTPServer, make_fetcher: MakeFetcher, host: str
) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED)
    fetcher = make_fetcher(allow_private_networks=False)
    with pytest.raises(BlockedAddressError, match="allow_private_networks"):
        fetcher.fetch(f"http://{host}:{httpserver.port}/feed")
    assert httpserver.log == []


@pytest.mark.parametrize(
    "address", ["10.1.2.3", "192.168.0.10", "169.254.169.254", "fd00::1", "fe80::1", "224.0.0.1"]
)
def test_fetch_redirect_from_public_host_to_private_address_is_refused(
    httpserver: HTTPServer, make_fetcher: MakeFetcher, address: str
) -> None:
    """The seam says "localhost" is public, so hop 1 reaches the real server; hop 2 is not."""
    location = f"http://internal.example:{httpserver.port}/admin"
    httpserver.expect_request("/feed").respond_with_data(
        "", status=301, headers={"Location": location}
    )
    fetcher = make_fetcher(
        allow_private_networks=False,
        transport=httpx.HTTPTransport(),  # plain transport: the pre-check alone must refuse
        resolve=pretend({"localhost": ["93.184.216.34"], "internal.example": [address]}),
    )
    with pytest.raises(BlockedAddressError, match=r"internal\.example"):
        fetcher.fetch(httpserver.url_for("/feed"))
    assert [entry[0].path for entry in httpserver.log] == ["/feed"]


def test_fetch_dns_rebinding_is_refused_at_connect_time(
    httpserver: HTTPServer, make_fetcher: MakeFetcher
) -> None:
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])  # public to the check, then loopback
    fetcher = make_fetcher(allow_private_networks=False, resolve=lambda host: next(answers))
    with pytest.raises(BlockedAddressError):
        fetcher.fetch(f"http://rebind.example:{httpserver.port}/feed")
    assert httpserver.log == []


def test_guarded_transport_never_connects_to_a_private_answer(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED)
    transport = guarded_transport(pretend({"feeds.example": ["127.0.0.1"]}))
    with transport, pytest.raises(BlockedAddressError):
        transport.handle_request(
            httpx.Request("GET", f"http://feeds.example:{httpserver.port}/feed")
        )
    assert httpserver.log == []


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/feed.xml", "gopher://x/", "http:///nohost"]
)
def test_fetch_refuses_other_schemes_and_hostless_urls(make_fetcher: MakeFetcher, url: str) -> None:
    with pytest.raises(BlockedAddressError, match="refused"):
        make_fetcher().fetch(url)


def test_fetch_refuses_a_redirect_to_file_scheme(
    httpserver: HTTPServer, make_fetcher: MakeFetcher
) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "", status=302, headers={"Location": "file:///etc/passwd"}
    )
    with pytest.raises(BlockedAddressError, match="only http and https"):
        make_fetcher().fetch(httpserver.url_for("/feed"))


def test_fetcher_is_safe_to_share_between_threads(
    httpserver: HTTPServer, make_fetcher: MakeFetcher
) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED)
    fetcher = make_fetcher()
    results: list[bytes] = []

    def fetch() -> None:
        results.append(fetcher.fetch(httpserver.url_for("/feed")).body)

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(GENEROUS)
    assert results == [FEED] * 4


def test_fetch_then_parse_every_corpus_feed_over_http(
    httpserver: HTTPServer, make_fetcher: MakeFetcher, corpus_feed: Any, known_words: dict[str, str]
) -> None:
    """The poller's path end to end: each real feed served as a server would, then parsed."""
    gzipped = corpus_feed.number == "12"
    httpserver.expect_request("/feed").respond_with_data(
        corpus_feed.body,
        content_type="application/rss+xml",
        headers={"Content-Encoding": "gzip"} if gzipped else {},
    )
    result = make_fetcher().fetch(httpserver.url_for("/feed"))
    parsed = parse_feed(result.body, content_type=result.content_type, base_url=result.url)
    expected = 25 if gzipped else corpus_feed.manifest["entries_parsed"]
    assert len(parsed.entries) == expected - (10 if corpus_feed.number == "10" else 0)
    text = parsed.title + " ".join(entry.title + " " + entry.text for entry in parsed.entries)
    assert known_words.get(corpus_feed.number, "") in text


def test_fetch_redirect_without_location_is_http_status_error(
    httpserver: HTTPServer, make_fetcher: MakeFetcher
) -> None:
    httpserver.expect_request("/feed").respond_with_data("", status=302)
    with pytest.raises(HTTPStatusError) as caught:
        make_fetcher().fetch(httpserver.url_for("/feed"))
    assert caught.value.status == 302


def test_fetch_drops_validators_that_cannot_be_sent(make_fetcher: MakeFetcher) -> None:
    seen: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        return httpx.Response(200, content=FEED)

    fetcher = make_fetcher(transport=httpx.MockTransport(handler))
    result = fetcher.fetch("https://feeds.example/rss", etag='"caf\u00e9"', last_modified="x\ny")
    assert result.body == FEED
    assert "If-None-Match" not in seen[0] and "If-Modified-Since" not in seen[0]


def test_fetch_refuses_unsupported_content_encoding(
    httpserver: HTTPServer, make_fetcher: MakeFetcher
) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED, headers={"Content-Encoding": "br"})
    with pytest.raises(FetchError, match="unsupported Content-Encoding 'br'"):
        make_fetcher().fetch(httpserver.url_for("/feed"))
