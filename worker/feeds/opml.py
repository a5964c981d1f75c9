"""Importing an OPML subscription list: the feed URLs in it, with their titles.

OPML files come from other people's readers, so they are parsed with the stdlib's expat and any
entity declaration is refused outright (no OPML needs one; this is what defusedxml does, without
the dependency). Outlines nest to any depth (folders); only outlines with an ``xmlUrl`` are feeds.
Only http(s) URLs are kept: an imported list must not point the service at local files.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.parsers import expat

from worker.errors import OpmlError

FEED_SCHEMES = frozenset({"http", "https"})


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One subscription: the feed URL and the title the reader showed for it."""

    url: str
    title: str | None


class _Collector:
    """Expat handlers that collect feed outlines in document order."""

    def __init__(self) -> None:
        self.root: str | None = None
        self.feeds: dict[str, OpmlFeed] = {}

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if self.root is None:
            self.root = name
        if name != "outline":
            return
        lowered = {key.lower(): value.strip() for key, value in attributes.items()}
        url = lowered.get("xmlurl", "")
        if urlsplit(url).scheme.lower() in FEED_SCHEMES and url not in self.feeds:
            title = lowered.get("title") or lowered.get("text") or None
            self.feeds[url] = OpmlFeed(url, title)


def _refuse_entity(name: str, *_: object) -> None:
    raise OpmlError(f"OPML refused: it declares the XML entity {name!r} (possible entity attack)")


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """The http(s) feeds of an OPML document, first occurrence of each URL, in document order."""
    collector = _Collector()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _refuse_entity
    parser.StartElementHandler = collector.start
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise OpmlError(f"OPML is not well-formed XML: {exc}") from exc
    if collector.root != "opml":
        raise OpmlError(f"not an OPML document (root element is {collector.root!r})")
    return list(collector.feeds.values())
