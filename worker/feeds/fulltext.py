"""The main text of an article page, for feeds that carry only a summary (trafilatura).

Trafilatura had the best F1 on the scrapinghub article-extraction benchmark (0.958). The page is
fetched by the caller with the same ``Fetcher`` as feeds, so the address, size and deadline
rules apply before any byte reaches this function.
"""

from __future__ import annotations

import logging

import trafilatura

from worker.feeds.htmltext import normalise_text

log = logging.getLogger(__name__)

# Below this many characters the "main text" is a cookie banner or a paywall stub, not an article.
MIN_MAIN_TEXT_CHARS = 200


def main_text(html: bytes, *, url: str | None = None) -> str | None:
    """The article's main text as plain paragraphs, or None when there is none worth keeping.

    Comments, tables, images and links are left out: the extractor wants the prose. A failure
    inside trafilatura or lxml (hostile or broken HTML) is logged and gives None, because the
    poller then simply keeps the feed's own summary.
    """
    if not html.strip():
        return None
    try:
        text = trafilatura.extract(
            html,
            url=url,
            output_format="txt",
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
        )
    except Exception:  # third-party parser on untrusted HTML: never let it stop the poller
        log.warning("main-text extraction failed for %s", url or "a page", exc_info=True)
        return None
    text = normalise_text(text or "")
    return text if len(text) >= MIN_MAIN_TEXT_CHARS else None
