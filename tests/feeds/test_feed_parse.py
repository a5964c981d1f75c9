"""parse_feed: the real-world corpus, then hand-built documents for each rule."""

from __future__ import annotations

import gzip
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worker.domain import ParsedFeed
from worker.errors import FeedParseError
from worker.feeds.parse import MAX_KEY_CHARS, parse_feed

# Entries this parser drops on purpose, per corpus file: PCMag's ten nested empty <item/>.
PHANTOMS = {"10": 10}
# File 12 is a raw gzip body (as sent with Content-Encoding: gzip): not a feed until gunzipped.
UNPARSEABLE = {"12"}
# feedparser's total over the corpus (manifest), minus the phantoms.
CORPUS_ENTRIES = 965 - 10
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def test_parse_corpus_entry_counts_match_feedparser(corpus_feed: Any) -> None:
    if corpus_feed.number in UNPARSEABLE:
        with pytest.raises(FeedParseError, match="no entries"):
            parse_feed(corpus_feed.body, max_entries=10_000, now=NOW)
        return
    parsed = parse_feed(corpus_feed.body, max_entries=10_000, now=NOW)
    expected = corpus_feed.manifest["entries_parsed"] - PHANTOMS.get(corpus_feed.number, 0)
    assert len(parsed.entries) == expected


def _feed_body(corpus_feed: Any) -> bytes:
    """The document as a client sees it: file 12 is gunzipped, as httpx would do."""
    body: bytes = corpus_feed.body
    return gzip.decompress(body) if corpus_feed.number in UNPARSEABLE else body


def test_parse_corpus_entries_are_well_formed(corpus_feed: Any) -> None:
    entries = parse_feed(_feed_body(corpus_feed), max_entries=10_000, now=NOW).entries
    assert entries
    keys = [entry.key for entry in entries]
    assert all(key.strip() for key in keys)
    assert len(set(keys)) == len(keys)
    for entry in entries:
        assert entry.published is None or entry.published.utcoffset() == timedelta(0)
        assert SHA256_HEX.fullmatch(entry.content_hash)
        assert entry.title or entry.link or entry.text
        assert "<script" not in entry.text and "<p>" not in entry.text
        assert "  " not in entry.text


def test_parse_corpus_dates_follow_the_manifest(corpus_feed: Any) -> None:
    manifest = corpus_feed.manifest  # file 12's counts are zero, and true after gunzip too
    entries = parse_feed(_feed_body(corpus_feed), max_entries=10_000, now=NOW).entries
    undated = (
        manifest["missing_published"] + manifest["feedparser"]["entries_with_unparseable_date"]
    )
    undated -= PHANTOMS.get(corpus_feed.number, 0)
    assert sum(entry.published is None for entry in entries) == undated


def test_parse_corpus_total_entries(corpus: dict[str, Any]) -> None:
    total = 0
    for number, feed in corpus.items():
        if number not in UNPARSEABLE:
            total += len(parse_feed(feed.body, max_entries=10_000, now=NOW).entries)
    assert len(corpus) == 31
    assert total == CORPUS_ENTRIES


def test_parse_decodes_declared_and_undeclared_encodings(encoded_feed: Any) -> None:
    feed, word = encoded_feed
    assert word in _all_text(parse_feed(feed.body, now=NOW))


def _all_text(parsed: ParsedFeed) -> str:
    return parsed.title + " ".join(entry.title + " " + entry.text for entry in parsed.entries)


def test_parse_gunzipped_body_of_file_12_yields_25_entries(corpus: dict[str, Any]) -> None:
    parsed = parse_feed(gzip.decompress(corpus["12"].body), now=NOW)
    assert len(parsed.entries) == 25


def test_parse_uses_bozo_feeds_that_still_yield_entries(corpus: dict[str, Any]) -> None:
    parsed = parse_feed(corpus["04"].body, now=NOW)  # blank line before <?xml?>
    assert len(parsed.entries) == 15
    assert parsed.bozo_message and "SAXParseException" in parsed.bozo_message


def test_parse_keeps_doctype_with_external_parameter_entity(corpus: dict[str, Any]) -> None:
    parsed = parse_feed(corpus["27"].body, now=NOW)  # Linux Journal's <!ENTITY % HTMLlat1 ...>
    assert len(parsed.entries) == 15


@pytest.mark.parametrize(("number", "ttl"), [("09", 30), ("23", 5), ("29", 15), ("01", None)])
def test_parse_reads_rss_ttl(corpus: dict[str, Any], number: str, ttl: int | None) -> None:
    assert parse_feed(corpus[number].body, now=NOW).ttl_minutes == ttl


def test_parse_decodes_double_escaped_entities(corpus: dict[str, Any]) -> None:
    entries = parse_feed(corpus["25"].body, now=NOW).entries  # WSJ's &amp;apos;
    assert any("Philly's cash hoard" in entry.text for entry in entries)
    assert not any("&apos;" in entry.text for entry in entries)


def test_parse_keys_distinct_items_sharing_a_link_apart(corpus: dict[str, Any]) -> None:
    entries = parse_feed(corpus["20"].body, now=NOW).entries  # two DIE ZEIT teasers, one link
    links = [entry.link for entry in entries]
    shared = {link for link in links if links.count(link) > 1}
    assert len(shared) == 1
    keys = [entry.key for entry in entries if entry.link in shared]
    assert keys[0] == next(iter(shared))
    assert keys[1].startswith(keys[0] + " sha256:")


def test_parse_caps_entries_keeping_document_order(make_rss: Any, make_item: Any) -> None:
    body = make_rss("".join(make_item(f"t{n}", link=f"https://e.org/{n}") for n in range(10)))
    parsed = parse_feed(body, max_entries=3, now=NOW)
    assert [entry.title for entry in parsed.entries] == ["t0", "t1", "t2"]


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        pytest.param(
            [{"guid": "g1", "link": "https://e.org/1"}, {"guid": "g2", "link": "https://e.org/2"}],
            ["g1", "g2"],
            id="guid-first",
        ),
        pytest.param(
            [{"link": "https://e.org/1"}, {"link": "https://e.org/2"}],
            ["https://e.org/1", "https://e.org/2"],
            id="link-without-guid",
        ),
        pytest.param(
            [
                {"guid": "same", "link": "https://e.org/1"},
                {"guid": "same", "link": "https://e.org/2"},
            ],
            ["same https://e.org/1", "same https://e.org/2"],
            id="reused-guid-adds-link",
        ),
    ],
)
def test_parse_entry_key_rules(
    make_rss: Any, make_item: Any, items: list[dict[str, str]], expected: list[str]
) -> None:
    body = make_rss("".join(make_item(f"t{n}", **fields) for n, fields in enumerate(items)))
    assert [entry.key for entry in parse_feed(body, now=NOW).entries] == expected


def test_parse_key_falls_back_to_content_hash(make_rss: Any, make_item: Any) -> None:
    entry = parse_feed(make_rss(make_item("Only a title", description="Body")), now=NOW).entries[0]
    assert entry.key == f"sha256:{entry.content_hash}"


def test_parse_drops_exact_repeats(make_rss: Any, make_item: Any) -> None:
    one = make_item("Same", link="https://e.org/1", description="x")
    assert len(parse_feed(make_rss(one + one), now=NOW).entries) == 1


def test_parse_hashes_keys_longer_than_the_store_column(make_rss: Any, make_item: Any) -> None:
    entry = parse_feed(make_rss(make_item(guid="g" * 5000)), now=NOW).entries[0]
    assert entry.key.startswith("sha256:") and len(entry.key) <= MAX_KEY_CHARS


def test_parse_content_hash_tracks_edits_but_key_stays(make_rss: Any, make_item: Any) -> None:
    before = parse_feed(make_rss(make_item(guid="g", description="v1")), now=NOW).entries[0]
    after = parse_feed(make_rss(make_item(guid="g", description="v2")), now=NOW).entries[0]
    assert before.key == after.key
    assert before.content_hash != after.content_hash


def test_parse_text_is_clean_plain_text(make_rss: Any, make_item: Any) -> None:
    html = (
        "&lt;p&gt;Ministers   agreed &amp;amp; signed.&lt;/p&gt;"
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;style&gt;p{color:red}&lt;/style&gt;"
        "&lt;p&gt;Caf&amp;eacute;&amp;nbsp;talks&lt;br/&gt;resume&lt;/p&gt;"
    )
    entry = parse_feed(make_rss(make_item(description=html)), now=NOW).entries[0]
    assert entry.text == "Ministers agreed & signed.\nCafé talks\nresume"


def test_parse_drops_phantom_entries(make_rss: Any, make_item: Any) -> None:
    body = make_rss(make_item("Real", link="https://e.org/1") + "<item></item>")
    assert [entry.title for entry in parse_feed(body, now=NOW).entries] == ["Real"]


@pytest.mark.parametrize(
    ("pub_date", "expected"),
    [
        ("Tue, 24 Nov 2026 10:00:00 +0300", datetime(2026, 11, 24, 7, 0, tzinfo=UTC)),
        ("Wed, 25 Nov 2026 23:00:00 GMT", datetime(2026, 11, 25, 23, 0, tzinfo=UTC)),
        ("Fri, 27 Nov 2026 12:00:00 GMT", None),  # two days ahead of NOW: a wrong clock
        ("Thu, 01 Jan 1970 00:00:00 GMT", None),  # epoch placeholder
        ("Seg, 24 Set 2018 19:42:40 -0300", None),  # unparseable (Portuguese)
        (None, None),
    ],
)
def test_parse_published_is_aware_utc_or_none(
    make_rss: Any, make_item: Any, pub_date: str | None, expected: datetime | None
) -> None:
    entry = parse_feed(make_rss(make_item(pub_date=pub_date)), now=NOW).entries[0]
    assert entry.published == expected


def test_parse_resolves_relative_links_against_base_url(make_rss: Any, make_item: Any) -> None:
    body = make_rss(make_item(link="/news/1"))
    entry = parse_feed(body, base_url="https://gov.example/feed.xml", now=NOW).entries[0]
    assert entry.link == "https://gov.example/news/1"


def test_parse_uses_content_type_charset(make_item: Any) -> None:
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        + make_item("Министр обороны", link="https://e.org/1")
        + "</channel></rss>"
    ).encode("windows-1251")
    parsed = parse_feed(body, content_type="application/rss+xml; charset=windows-1251", now=NOW)
    assert parsed.entries[0].title == "Министр обороны"


def test_parse_empty_valid_feed_has_no_entries(make_rss: Any) -> None:
    parsed = parse_feed(make_rss(""), now=NOW)
    assert parsed.entries == () and parsed.title == "Test feed"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"   \n", id="blank"),
        pytest.param(b"<html><body><p>Not a feed</p></body></html>", id="html-page"),
        pytest.param(b'<?xml version="1.0"?><rss><channel><item><title>x', id="truncated"),
        pytest.param(b"\x1f\x8b\x08\x00garbage", id="binary"),
    ],
)
def test_parse_rejects_bodies_without_entries(body: bytes) -> None:
    with pytest.raises(FeedParseError, match="not a usable feed"):
        parse_feed(body, now=NOW)


def test_parse_refuses_a_str_body() -> None:
    with pytest.raises(TypeError, match="bytes"):
        parse_feed("https://example.org/feed", now=NOW)  # type: ignore[arg-type]


def _billion_laughs(separator: str = "\n") -> str:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    ]
    return "<!DOCTYPE rss [" + separator.join(entities) + "]>"


@pytest.mark.parametrize(
    ("prolog", "reason"),
    [
        pytest.param(_billion_laughs(), "entity expansion", id="billion-laughs"),
        pytest.param(_billion_laughs(separator=""), "entity expansion", id="laughs-one-line"),
        pytest.param(
            '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
            "external general",
            id="external-entity",
        ),
        pytest.param(
            "<!DOCTYPE rss [<!ENTITY % p \"<!ENTITY a 'b'>\"> %p;]>",
            "internal parameter",
            id="parameter-entity",
        ),
        pytest.param(
            f'<!DOCTYPE rss [<!ENTITY big "{"A" * 1000}">]>', "longer than", id="quadratic"
        ),
    ],
)
def test_parse_refuses_entity_attacks(
    make_rss: Any, make_item: Any, prolog: str, reason: str
) -> None:
    body = make_rss(make_item("&lol9;", link="https://e.org/1"), prolog=prolog)
    with pytest.raises(FeedParseError, match=reason):
        parse_feed(body, now=NOW)


def test_parse_refuses_entity_attack_encoded_as_utf16(make_item: Any) -> None:
    document = (
        '<?xml version="1.0" encoding="utf-16"?>' + _billion_laughs()
        + '<rss version="2.0"><channel><title>t</title>'
        + make_item("&lol9;", link="https://e.org/1") + "</channel></rss>"
    )  # fmt: skip
    with pytest.raises(FeedParseError, match="entity expansion"):
        parse_feed(document.encode("utf-16"), now=NOW)


def test_parse_allows_character_entities(make_rss: Any, make_item: Any) -> None:
    prolog = '<!DOCTYPE rss [<!ENTITY nbsp "&#160;"><!ENTITY copy "(c)">]>'
    body = make_rss(make_item("A&nbsp;B &copy;", link="https://e.org/1"), prolog=prolog)
    assert parse_feed(body, now=NOW).entries[0].title == "A B (c)"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=500).map(lambda text: rss(f"<item><title>{text}</title></item>")),
    )
)
def test_parse_any_input_gives_a_feed_or_a_parse_error(body: bytes) -> None:
    try:
        parsed = parse_feed(body, now=NOW)
    except FeedParseError as exc:
        assert str(exc)
    else:
        assert all(entry.key for entry in parsed.entries)


def rss(items: str) -> bytes:
    """A bare RSS document (hypothesis strategies cannot take fixtures)."""
    return f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode(
        "utf-8", "surrogatepass"
    )
