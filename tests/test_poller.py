"""The poller against a real local HTTP server: new entries stored once and enqueued, polite
re-checks, failures recorded on the feed, nothing lost when the queue is down."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from werkzeug import Request, Response

from tests.conftest import SEEDS, make_settings
from tests.helpers import polling
from worker.config import Settings
from worker.domain import utcnow
from worker.intake.poller import Poller
from worker.pipeline.dispatch import RecordingDispatch
from worker.store.db import Sessions
from worker.store.feeds import add_feed
from worker.store.models import Article, Feed

RSS = (SEEDS / "statements.rss").read_bytes()
ATOM = (SEEDS / "consilium.atom").read_bytes()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def queue() -> RecordingDispatch:
    return RecordingDispatch()


@pytest.fixture
def poller(settings: Settings, sessions: Sessions, queue: RecordingDispatch) -> Iterator[Poller]:
    with polling(settings, sessions, queue) as poller:
        yield poller


def add(sessions: Sessions, url: str) -> int:
    with sessions.begin() as session:
        feed, _ = add_feed(session, url)
        return feed.id


def feed_row(sessions: Sessions, feed_id: int) -> Feed:
    with sessions() as session:
        return session.get_one(Feed, feed_id)


def articles(sessions: Sessions) -> list[Article]:
    with sessions() as session:
        return list(session.scalars(select(Article).order_by(Article.id)))


def conditional_feed(body: bytes, etag: str = '"v1"') -> object:
    """A handler that honours If-None-Match, as a well-behaved server does."""

    def handle(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, headers={"ETag": etag, "Content-Type": "application/rss+xml"})

    return handle


def test_poller_stores_new_entries_and_enqueues_them_once(
    httpserver: HTTPServer, poller: Poller, sessions: Sessions, queue: RecordingDispatch
) -> None:
    httpserver.expect_request("/feed").respond_with_handler(conditional_feed(RSS))
    feed_id = add(sessions, httpserver.url_for("/feed"))

    [first] = poller.poll_due(force=True)
    [second] = poller.poll_due(force=True)

    assert (first.outcome, first.new_articles) == ("new", 5)
    assert (second.outcome, second.new_articles) == ("not-modified", 0)
    assert sorted(queue.ids) == [a.id for a in articles(sessions)]
    assert len(queue.ids) == 5
    feed = feed_row(sessions, feed_id)
    assert feed.etag == '"v1"'
    assert feed.title == "commitwatch seeds: statements and reports"
    assert feed.next_check_at > utcnow()
    stored = articles(sessions)
    assert {a.entry_key for a in stored} >= {"seed-starmer-coalition", "wh-g7-era-loans-2024"}
    assert all(a.enqueued_at is not None and a.status == "pending" for a in stored)
    seed = next(a for a in stored if a.entry_key == "seed-starmer-coalition")
    assert "coalition of the willing" in seed.text and "<p>" not in seed.text


def test_poller_reprocesses_an_edited_entry(
    httpserver: HTTPServer, poller: Poller, sessions: Sessions, queue: RecordingDispatch
) -> None:
    httpserver.expect_request("/feed").respond_with_handler(conditional_feed(RSS, '"v1"'))
    add(sessions, httpserver.url_for("/feed"))
    poller.poll_due(force=True)
    edited = RSS.replace(b"Time is not on President Putin", b"Time is not on Mr Putin")
    httpserver.clear()
    httpserver.expect_request("/feed").respond_with_handler(conditional_feed(edited, '"v2"'))

    [report] = poller.poll_due(force=True)

    assert report.new_articles == 1
    assert len(queue.ids) == 6


def test_poller_records_a_failure_and_carries_on_with_other_feeds(
    httpserver: HTTPServer, poller: Poller, sessions: Sessions
) -> None:
    httpserver.expect_request("/broken").respond_with_data("oops", status=500)
    httpserver.expect_request("/atom").respond_with_data(ATOM, content_type="application/atom+xml")
    broken = add(sessions, httpserver.url_for("/broken"))
    add(sessions, httpserver.url_for("/atom"))

    reports = {r.feed_id: r for r in poller.poll_due(force=True)}

    assert reports[broken].outcome == "failed"
    assert len(articles(sessions)) == 1
    feed = feed_row(sessions, broken)
    assert feed.consecutive_errors == 1
    assert feed.last_error and "500" in feed.last_error
    assert feed.enabled and feed.next_check_at > utcnow()


def test_poller_rejects_a_body_that_is_not_a_feed(
    httpserver: HTTPServer, poller: Poller, sessions: Sessions
) -> None:
    httpserver.expect_request("/html").respond_with_data(
        "<html><body><p>Not a feed</p>", content_type="text/html"
    )
    feed_id = add(sessions, httpserver.url_for("/html"))
    [report] = poller.poll_due(force=True)
    assert report.outcome == "failed"
    assert "FeedParseError" in (feed_row(sessions, feed_id).last_error or "")


def test_poller_disables_a_gone_feed(
    httpserver: HTTPServer, poller: Poller, sessions: Sessions
) -> None:
    httpserver.expect_request("/gone").respond_with_data("", status=410)
    feed_id = add(sessions, httpserver.url_for("/gone"))
    [report] = poller.poll_due(force=True)
    assert report.outcome == "gone"
    assert not feed_row(sessions, feed_id).enabled
    assert poller.poll_due(force=True) == []


def test_poller_follows_a_permanent_redirect_and_updates_the_url(
    httpserver: HTTPServer, poller: Poller, sessions: Sessions
) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": httpserver.url_for("/new")}
    )
    httpserver.expect_request("/new").respond_with_data(RSS, content_type="application/rss+xml")
    feed_id = add(sessions, httpserver.url_for("/old"))
    [report] = poller.poll_due(force=True)
    assert report.new_articles == 5
    assert feed_row(sessions, feed_id).url == httpserver.url_for("/new")


def test_poller_keeps_articles_pending_while_the_queue_is_down(
    httpserver: HTTPServer, settings: Settings, sessions: Sessions, queue: RecordingDispatch
) -> None:
    httpserver.expect_request("/feed").respond_with_data(RSS, content_type="application/rss+xml")
    add(sessions, httpserver.url_for("/feed"))
    queue.down = True
    clock = [utcnow()]
    with polling(settings, sessions, queue, clock=lambda: clock[0]) as poller:
        [report] = poller.poll_due(force=True)
        assert report.new_articles == 5 and queue.ids == []
        assert all(a.enqueued_at is None for a in articles(sessions))

        queue.down = False
        requeued = poller.requeue_stale()

    assert requeued == 5
    assert sorted(queue.ids) == [a.id for a in articles(sessions)]


def test_poller_reads_a_local_file_feed_once(
    tmp_path: Path, poller: Poller, sessions: Sessions, queue: RecordingDispatch
) -> None:
    path = tmp_path / "feed.atom"
    path.write_bytes(ATOM)
    add(sessions, path.as_uri())
    [first] = poller.poll_due(force=True)
    [second] = poller.poll_due(force=True)
    assert (first.outcome, first.new_articles) == ("new", 1)
    assert second.outcome == "not-modified"


def test_poller_refuses_a_private_address_by_default(
    httpserver: HTTPServer, sessions: Sessions, database_url: str, queue: RecordingDispatch
) -> None:
    httpserver.expect_request("/feed").respond_with_data(RSS)
    settings = make_settings(database_url, fetch={"allow_private_networks": False})
    feed_id = add(sessions, httpserver.url_for("/feed"))
    with polling(settings, sessions, queue) as poller:
        [report] = poller.poll_due(force=True)
    assert report.outcome == "failed"
    assert "BlockedAddressError" in (feed_row(sessions, feed_id).last_error or "")
    assert httpserver.log == []  # no request reached the server


def test_poller_backs_off_longer_after_repeated_failures(
    httpserver: HTTPServer, settings: Settings, sessions: Sessions, queue: RecordingDispatch
) -> None:
    httpserver.expect_request("/broken").respond_with_data("down", status=503)
    feed_id = add(sessions, httpserver.url_for("/broken"))
    delays = []
    with polling(settings, sessions, queue) as poller:
        for _ in range(4):
            before = utcnow()
            poller.poll_due(force=True)
            delays.append(feed_row(sessions, feed_id).next_check_at - before)
    assert feed_row(sessions, feed_id).consecutive_errors == 4
    assert delays[-1] > delays[0]
    assert all(d <= timedelta(seconds=settings.poll.max_interval_seconds * 1.3) for d in delays)


ARTICLE_PAGE = """<html><head><title>Ministers agree</title><script>steal()</script></head>
<body><nav>Home | World | Sport</nav><article><h1>Ministers agree new package</h1>
{paragraphs}</article><footer>© News Test</footer></body></html>"""
SUMMARY_FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Summaries</title>
<item><title>Ministers agree new package</title><link>{link}</link><guid>s-1</guid>
<description>Ministers agreed a package.</description></item></channel></rss>"""


def test_poller_full_text_replaces_a_summary_with_the_page_text(
    httpserver: HTTPServer, sessions: Sessions, database_url: str, queue: RecordingDispatch
) -> None:
    paragraphs = "".join(
        f"<p>Paragraph {n}: the ministers said the sanctions package would be adopted "
        f"by the council after a long discussion of its legal basis and its scope.</p>"
        for n in range(8)
    )
    httpserver.expect_request("/page").respond_with_data(
        ARTICLE_PAGE.format(paragraphs=paragraphs), content_type="text/html"
    )
    httpserver.expect_request("/feed").respond_with_data(
        SUMMARY_FEED.format(link=httpserver.url_for("/page")), content_type="application/rss+xml"
    )
    settings = make_settings(database_url, fetch={"full_text": True})
    add(sessions, httpserver.url_for("/feed"))
    with polling(settings, sessions, queue) as poller:
        poller.poll_due(force=True)
        poller.poll_due(force=True)  # the entry is known now: its page is not fetched again

    [article] = articles(sessions)
    assert "Paragraph 7: the ministers said" in article.text
    assert "steal()" not in article.text and "Home | World" not in article.text
    assert [r.path for r, _ in httpserver.log].count("/page") == 1


def test_poller_honours_retry_after_on_429(
    httpserver: HTTPServer, poller: Poller, sessions: Sessions
) -> None:
    httpserver.expect_request("/busy").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7200"}
    )
    feed_id = add(sessions, httpserver.url_for("/busy"))
    before = utcnow()
    [report] = poller.poll_due(force=True)
    feed = feed_row(sessions, feed_id)
    assert report.outcome == "failed"
    assert feed.next_check_at >= before + timedelta(seconds=7200)
