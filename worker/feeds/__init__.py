"""The feed core: fetch (HTTP, safe), parse (pure, feedparser), schedule (pure) and helpers.

The flow is the layout: ``fetch`` turns a URL into bytes, ``parse`` turns bytes into a
``ParsedFeed``, ``schedule`` says when to look again; the poller wires them together.
Helpers: ``addresses`` (which hosts may be contacted), ``body`` (bounded decompression),
``headers`` (Retry-After, max-age), ``hostlimit`` (per-host concurrency), ``xmlguard`` (entity
declarations refused), ``htmltext`` (HTML to plain text), ``opml`` and ``fulltext``.

Extension point: ``sources`` maps a URL scheme to a feed source type (http(s), ``file://``);
a new kind of feed is one class registered there. May import httpx, feedparser and the bottom
layer; never the store, the queue, Redis or the services above (``parse`` and ``schedule``
stay pure).
"""
