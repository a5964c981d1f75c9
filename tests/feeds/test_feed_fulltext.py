"""main_text: the article's prose from hand-built pages, nothing from pages without one."""

from __future__ import annotations

from worker.feeds.fulltext import main_text

SENTENCE = (
    "The foreign ministers agreed on Tuesday to extend sanctions against the regime for "
    "another six months, officials said after the meeting in Brussels. "
)


def page(article: str, *, charset: str = "utf-8") -> bytes:
    return (
        f'<html><head><meta charset="{charset}"><title>News</title>'
        "<style>p { color: red }</style><script>var tracking = 1;</script></head><body>"
        '<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>'
        f"<article><h1>Ministers extend sanctions</h1>{article}</article>"
        "<footer>Copyright 2026 Example News. Cookie settings. Privacy.</footer></body></html>"
    ).encode(charset)


def test_fulltext_extracts_the_article_without_boilerplate() -> None:
    html = page(
        f"<p>{SENTENCE * 3}</p><p>Caf&eacute; talks resume.<script>alert(1)</script> "
        f"{SENTENCE * 2}</p>"
    )
    text = main_text(html, url="https://news.example/world/1")
    assert text is not None
    assert "extend sanctions against the regime" in text
    assert "Café talks resume." in text
    for junk in ("alert(1)", "tracking", "color: red", "Cookie settings", "Sport"):
        assert junk not in text


def test_fulltext_decodes_the_declared_charset() -> None:
    article = "<p>" + "Министр обороны объявил новые санкции против режима. " * 8 + "</p>"
    text = main_text(page(article, charset="windows-1251"))
    assert text is not None and "Министр обороны" in text


def test_fulltext_none_when_there_is_no_article() -> None:
    assert main_text(page("<p>Subscribe to read.</p>")) is None
    assert main_text(b"") is None
    assert main_text(b"\x00\xff\xfe\x01 binary junk") is None
