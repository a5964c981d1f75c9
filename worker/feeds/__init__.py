"""The feed core: fetch (HTTP, safe), parse (pure, feedparser), schedule (pure) and helpers.

The flow is the layout: ``fetch`` turns a URL into bytes, ``parse`` turns bytes into a
``ParsedFeed``, ``schedule`` says when to look again. The poller wires them together.
"""
