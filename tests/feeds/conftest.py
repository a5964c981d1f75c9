"""Shared fixtures for the feed core: the real-world corpus and small feed builders."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import unavailable
from worker.feeds.fetch import Fetcher, FetchSettings

REPO_ROOT = Path(__file__).resolve().parents[2]
# The corpus lives beside the repository (../shared), not inside it: it is not ours to ship.
CORPUS_DIR = REPO_ROOT.parent / "shared" / "feeds"
CORPUS_MISSING = f"feed corpus not found at {CORPUS_DIR} (it lives in ../shared/feeds)"
SKIP = pytest.mark.skip(reason=CORPUS_MISSING)


def _corpus_or_fail(feeds: list[CorpusFeed]) -> list[CorpusFeed]:
    """In CI the corpus must be there: a missing one stops the run instead of skipping."""
    if not feeds and os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        raise pytest.UsageError(f"{CORPUS_MISSING} (CI requires it)")
    return feeds


@dataclass(frozen=True)
class CorpusFeed:
    """One manifest line with its bytes."""

    number: str
    path: Path
    manifest: dict[str, Any]

    @property
    def body(self) -> bytes:
        return self.path.read_bytes()


def load_corpus() -> list[CorpusFeed]:
    manifest = CORPUS_DIR / "manifest.jsonl"
    if not manifest.exists():
        return []
    feeds = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        path = CORPUS_DIR / record["file"]
        feeds.append(CorpusFeed(path.name[:2], path, record))
    return feeds


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``corpus_feed``: once per corpus file; ``encoded_feed``: once per (file, known word).

    Both skip with a clear reason when the corpus is absent.
    """
    if "encoded_feed" in metafunc.fixturenames:
        corpus = _corpus_or_fail(load_corpus())
        encoded = [(f, KNOWN_WORDS[f.number]) for f in corpus if f.number in KNOWN_WORDS]
        metafunc.parametrize(
            "encoded_feed",
            encoded or [pytest.param(None, marks=SKIP)],
            ids=[feed.path.stem for feed, _ in encoded] or None,
        )
    if "corpus_feed" in metafunc.fixturenames:
        feeds = _corpus_or_fail(load_corpus())
        if feeds:
            metafunc.parametrize("corpus_feed", feeds, ids=[feed.path.stem for feed in feeds])
        else:
            metafunc.parametrize("corpus_feed", [pytest.param(None, marks=SKIP)])


# A known word per non-ASCII encoding in the corpus: text must decode to these characters.
KNOWN_WORDS = {
    "02": "Líder",  # Latin-1 bytes with no declaration
    "03": "mãe",  # ISO-8859-1
    "05": "腾讯科技",  # GB2312
    "08": "verfügbare",  # UTF-8 Atom
    "09": "Оренбург",  # windows-1251
    "19": "könnte",  # ISO-8859-1 RDF
    "20": "überall",  # ISO-8859-1 RSS 0.91
}


@pytest.fixture(scope="session")
def known_words() -> dict[str, str]:
    """``KNOWN_WORDS`` for tests (conftest is not imported directly)."""
    return KNOWN_WORDS


@pytest.fixture(scope="session")
def corpus() -> dict[str, CorpusFeed]:
    """The corpus by two-digit number; skips the test when the corpus is absent."""
    feeds = load_corpus()
    if not feeds:
        unavailable(CORPUS_MISSING)
    return {feed.number: feed for feed in feeds}


def rss(items: str, *, channel: str = "", prolog: str = "") -> bytes:
    """A minimal RSS 2.0 document around hand-written ``<item>`` elements."""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{prolog}\n<rss version="2.0"><channel>'
        f"<title>Test feed</title><link>https://example.org/</link>{channel}{items}"
        "</channel></rss>"
    ).encode()


def item(
    title: str = "A title",
    *,
    guid: str | None = None,
    link: str | None = None,
    description: str | None = None,
    pub_date: str | None = None,
) -> str:
    """One ``<item>``; pass already-escaped XML text."""
    parts = [f"<title>{title}</title>"]
    if guid is not None:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    if link is not None:
        parts.append(f"<link>{link}</link>")
    if description is not None:
        parts.append(f"<description>{description}</description>")
    if pub_date is not None:
        parts.append(f"<pubDate>{pub_date}</pubDate>")
    return "<item>" + "".join(parts) + "</item>"


@pytest.fixture
def make_rss() -> Any:
    """``rss(items, channel=..., prolog=...)`` as a fixture (conftest is not imported directly)."""
    return rss


@pytest.fixture
def make_item() -> Any:
    """``item(title, guid=..., link=..., description=..., pub_date=...)`` as a fixture."""
    return item


@pytest.fixture
def make_fetcher() -> Iterator[Callable[..., Fetcher]]:
    """Build ``Fetcher`` objects for a test (local servers allowed unless told otherwise)."""
    fetchers: list[Fetcher] = []

    def build(
        *,
        transport: httpx.BaseTransport | None = None,
        resolve: Callable[[str], list[str]] | None = None,
        **overrides: Any,
    ) -> Fetcher:
        overrides.setdefault("allow_private_networks", True)
        fetcher = Fetcher(FetchSettings(**overrides), transport=transport, resolve=resolve)
        fetchers.append(fetcher)
        return fetcher

    yield build
    for fetcher in fetchers:
        fetcher.close()


@pytest.fixture(scope="session")
def make_httpserver() -> Iterator[HTTPServer]:
    """pytest-httpserver's server, but threaded: a test's stalled handler (timeouts, slow drip)
    must not delay the next test's request. Overrides the plugin's fixture for tests/feeds only."""
    server = HTTPServer(host="localhost", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()
