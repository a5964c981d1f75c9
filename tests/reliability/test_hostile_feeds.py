"""Hostile and broken feeds through the real poller: each ends as a clear error recorded on
the feed, or a clean skip of what is unusable; never a crash, a hang or a stored bomb."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from werkzeug import Response

from tests.conftest import make_settings
from tests.helpers import polling
from worker.config import Settings
from worker.intake.poller import Poller
from worker.pipeline.dispatch import RecordingDispatch
from worker.store.db import Sessions
from worker.store.feeds import add_feed
from worker.store.models import Article, Feed

LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "lol">'
    + b"".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">'.encode() for n in range(8)
    )
    + b']><rss version="2.0"><channel><title>&i;</title><item><title>x</title></item>'
    b"</channel></rss>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<rss version="2.0"><channel><title>t</title><item><title>&x;</title>'
    b"<link>https://news.test/1</link></item></channel></rss>"
)
ITEM = "<item><title>{title}</title>{extra}<description>{text}</description></item>"


def rss(*items: str) -> bytes:
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    return (head + "".join(items) + "</channel></rss>").encode()


def drip() -> Iterator[bytes]:
    """A body that never ends in time: a byte every 0.1 s for 10 s."""
    yield b'<?xml version="1.0"?><rss version="2.0"><channel>'
    for _ in range(100):
        time.sleep(0.1)
        yield b" "


# (case, response, expected outcome, text the recorded error must contain)
CASES = [
    ("billion laughs", LAUGHS, "failed", "FeedParseError"),
    ("external entity", XXE, "failed", "FeedParseError"),
    (
        "gzip bomb",
        Response(
            gzip.compress(b"<rss>" + b" " * 50_000_000),
            headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"},
        ),
        "failed",
        "BodyTooLargeError",
    ),
    ("over the size cap", b"<rss>" + b" " * 3_000_000 + b"</rss>", "failed", "BodyTooLargeError"),
    ("endless slow body", Response(drip()), "failed", "deadline"),
    (
        "truncated XML",
        rss(ITEM.format(title="a", extra="", text="b"))[:60],
        "failed",
        "FeedParseError",
    ),
    ("HTML page", b"<html><body><h1>Welcome</h1></body></html>", "failed", "FeedParseError"),
    ("empty body", b"", "failed", "FeedParseError"),
    ("not XML at all", bytes(range(256)) * 40, "failed", "FeedParseError"),
]


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return make_settings(
        sqlite_url, fetch={"max_body_bytes": 2_000_000, "deadline_seconds": 2, "read_timeout": 1}
    )


@pytest.fixture
def poll(settings: Settings, sqlite_url: str) -> Iterator[tuple[Poller, Sessions]]:
    from worker.store.db import make_engine, make_sessions

    engine = make_engine(sqlite_url)
    sessions = make_sessions(engine)
    with polling(settings, sessions, RecordingDispatch()) as poller:
        yield poller, sessions
    engine.dispose()


@pytest.mark.parametrize(("case", "response", "outcome", "error"), CASES, ids=[c[0] for c in CASES])
def test_hostile_feed_is_recorded_as_a_clear_error(
    httpserver: HTTPServer,
    poll: tuple[Poller, Sessions],
    case: str,
    response: object,
    outcome: str,
    error: str,
) -> None:
    poller, sessions = poll
    handler = httpserver.expect_request("/feed")
    if isinstance(response, Response):
        handler.respond_with_response(response)
    else:
        handler.respond_with_data(response, content_type="application/rss+xml")
    with sessions.begin() as session:
        add_feed(session, httpserver.url_for("/feed"))

    started = time.monotonic()
    [report] = poller.poll_due(force=True)

    assert time.monotonic() - started < 30  # bounded by the fetch deadline, never a hang
    assert report.outcome == outcome
    with sessions() as session:
        feed = session.scalars(select(Feed)).one()
        assert error in (feed.last_error or ""), feed.last_error
        assert feed.enabled and feed.consecutive_errors == 1
        assert session.scalars(select(Article)).all() == []


def test_hostile_entries_without_link_guid_or_sane_date_are_kept_cleanly(
    httpserver: HTTPServer, poll: tuple[Poller, Sessions]
) -> None:
    poller, sessions = poll
    httpserver.expect_request("/feed").respond_with_data(
        rss(
            ITEM.format(title="No link, no guid, no date", extra="", text="First text."),
            ITEM.format(
                title="From the future",
                extra="<pubDate>Tue, 01 Jan 2999 00:00:00 GMT</pubDate>",
                text="Second text.",
            ),
            ITEM.format(
                title="Epoch",
                extra="<pubDate>Thu, 01 Jan 1970 00:00:00 GMT</pubDate>",
                text="Third text.",
            ),
            ITEM.format(
                title="Script",
                extra="",
                text="&lt;script&gt;alert(1)&lt;/script&gt;"
                "&lt;p&gt;Clean &lt;b&gt;text&lt;/b&gt;.&lt;/p&gt;",
            ),
        ),
        content_type="application/rss+xml",
    )
    with sessions.begin() as session:
        add_feed(session, httpserver.url_for("/feed"))
    [report] = poller.poll_due(force=True)
    assert (report.outcome, report.new_articles) == ("new", 4)
    with sessions() as session:
        stored = {a.title: a for a in session.scalars(select(Article))}
    assert all(a.published_at is None for a in stored.values())  # absent, future, epoch: none
    assert all(a.first_seen_at is not None for a in stored.values())
    assert stored["Script"].text == "Clean text."
