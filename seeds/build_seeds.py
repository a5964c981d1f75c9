"""Rebuild seeds/ from ../shared: the seed article and the free-to-reuse labelled texts.

Only texts whose licence allows reuse are copied: the seed article, White House statements
(US federal government works, public domain) and a Council of the EU press release (reuse
authorised with acknowledgement). Run from the repository root: ``python seeds/build_seeds.py``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

SHARED = Path("../shared/eval")
RSS_IDS = [
    "seed-starmer-coalition",
    "wh-g7-era-loans-2024",
    "wh-black-sea-us-russia-2025",
    "wh-air-defense-joint-statement-2024",
    "wh-sullivan-austin-milley-call-2023",
]
ATOM_IDS = ["consilium-17th-sanctions-package-2025"]
SEED_TITLE = "Starmer: coalition of the willing ready to help Ukraine if Putin refuses peace talks"


def load_articles() -> dict[str, dict]:
    lines = (SHARED / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return {a["id"]: a for a in map(json.loads, lines)}


def when(article: dict) -> datetime:
    return datetime.fromisoformat(article["published"]).replace(hour=12, tzinfo=UTC)


def html(text: str) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in text.split("\n") if p.strip())


def rss(articles: list[dict]) -> str:
    items = "".join(
        f"""
    <item>
      <title>{escape(a["title"] or SEED_TITLE)}</title>
      <link>{escape(a["source_url"] or "https://commitwatch.invalid/seed/" + a["id"])}</link>
      <guid isPermaLink="false">{a["id"]}</guid>
      <pubDate>{format_datetime(when(a))}</pubDate>
      <description>{escape(html(a["text"]))}</description>
    </item>"""
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>commitwatch seeds: statements and reports</title>
    <link>https://commitwatch.invalid/seeds</link>
    <description>The seed article and White House statements (public domain).</description>
    <ttl>60</ttl>{items}
  </channel>
</rss>
"""


def atom(articles: list[dict]) -> str:
    entries = "".join(
        f"""
  <entry>
    <title>{escape(a["title"])}</title>
    <link href="{escape(a["source_url"])}"/>
    <id>urn:commitwatch:seed:{a["id"]}</id>
    <updated>{when(a).isoformat()}</updated>
    <content type="html">{escape(html(a["text"]))}</content>
  </entry>"""
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>commitwatch seeds: Council of the EU press releases</title>
  <subtitle>Source: Council of the European Union, reused with acknowledgement.</subtitle>
  <id>urn:commitwatch:seeds:consilium</id>
  <updated>{max(when(a) for a in articles).isoformat()}</updated>{entries}
</feed>
"""


def main() -> None:
    articles = load_articles()
    Path("seeds/statements.rss").write_text(rss([articles[i] for i in RSS_IDS]), "utf-8")
    Path("seeds/consilium.atom").write_text(atom([articles[i] for i in ATOM_IDS]), "utf-8")
    for article_id in RSS_IDS + ATOM_IDS:
        Path(f"seeds/articles/{article_id}.txt").write_text(articles[article_id]["text"], "utf-8")


if __name__ == "__main__":
    main()
