"""HTML fragments from feeds to clean plain text (stdlib only, so the parser stays pure).

Feed summaries are escaped HTML of every quality: scripts, styles, tracking images, double
escaped entities (WSJ's ``&amp;apos;``). The extractor wants sentences, so block elements become
line breaks, everything invisible is dropped and whitespace is normalised.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# Elements whose content is never text a reader sees.
SKIPPED_ELEMENTS = frozenset({"script", "style", "template", "noscript", "iframe", "object", "svg"})
# Elements that end a line of text; keeping the breaks keeps sentences apart.
BLOCK_ELEMENTS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip
# A complete entity reference (with its semicolon) left over after one round of decoding.
_LEFTOVER_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_SPACES = re.compile(r"[^\S\n]+")


class _TextCollector(HTMLParser):
    """Collects visible text; ``convert_charrefs`` decodes entities in text for us."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_ELEMENTS:
            self._skip_depth += 1
        elif tag in BLOCK_ELEMENTS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_ELEMENTS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_ELEMENTS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in BLOCK_ELEMENTS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment: one line per block, single spaces, entities decoded."""
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    return normalise_text("".join(collector.parts))


def normalise_text(text: str) -> str:
    """Decode entities left escaped twice, collapse spaces, drop empty lines."""
    text = _LEFTOVER_ENTITY.sub(lambda match: html.unescape(match.group(0)), text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)
