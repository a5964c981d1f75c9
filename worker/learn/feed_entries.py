"""Feed entries as articles: the short texts the extractor sees when a feed carries summaries.

Feed documents (``shared/feeds``) are copyrighted news, so their texts never enter the project:
this rebuilds them on demand, with the project's own parser, in the articles format that
``evaluate`` reads (ids ``<file>#<entry index>``), and the labels stored in the project point
into them by offsets. Run: ``python -m worker.learn.feed_entries FEEDS_DIR OUT.jsonl``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from worker.errors import FeedParseError
from worker.feeds.parse import parse_feed

# English news feeds of shared/feeds/manifest.jsonl: the ones a commitment could appear in.
NEWS_FEEDS = (
    "14-bbc-news-front-page-2006-iso8859-1.xml",
    "15-reuters-top-news-2006.xml",
    "16-nyt-international-rss091-2006.xml",
    "17-guardian-unlimited-rss091-iso8859-1.xml",
    "18-telegraph-international-2006.xml",
    "26-world-press-review-headlines.xml",
    "28-aljazeera-all-2026-nodecl.xml",
    "29-bbc-world-2026.xml",
    "31-dw-all-rdf-2026.xml",
)
# Entries are parsed as of a fixed instant, so rebuilt texts and ids never move.
PARSED_AT = datetime(2026, 11, 1, tzinfo=UTC)


def feed_entries(feeds_dir: Path) -> Iterator[dict[str, Any]]:
    """Every entry with a text, from the English news feeds, in feed and entry order."""
    for name in NEWS_FEEDS:
        try:
            parsed = parse_feed((feeds_dir / "files" / name).read_bytes(), now=PARSED_AT)
        except FeedParseError:
            continue
        for index, entry in enumerate(parsed.entries):
            if entry.text.strip():
                yield {
                    "id": f"{name}#{index}",
                    "source_url": entry.link,
                    "outlet": parsed.title,
                    "title": entry.title,
                    "published": entry.published.isoformat() if entry.published else None,
                    "text": entry.text,
                }


def write_feed_entries(feeds_dir: Path, out: Path) -> Path:
    """The entries as an articles file at ``out``, replaced whole (readers never see half)."""
    partial = out.with_name(f"{out.name}.{os.getpid()}.partial")
    with partial.open("w", encoding="utf-8") as sink:
        for row in feed_entries(feeds_dir):
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")
    partial.replace(out)
    return out


def main(argv: list[str]) -> int:
    write_feed_entries(Path(argv[0]), Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
