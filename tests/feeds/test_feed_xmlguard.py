"""The entity guard: what it refuses in the DTD, however it is hidden or encoded."""

from __future__ import annotations

import pytest

from worker.errors import FeedParseError
from worker.feeds.parse import parse_feed
from worker.feeds.xmlguard import UnsafeXMLError, check_entities, prolog_end

LAUGHS = '<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;">'
ROOT = (
    '<rss version="2.0"><channel><title>t</title>'
    "<item><title>&c;</title><link>https://e.org/1</link></item></channel></rss>"
)


def document(subset: str, *, declaration: str = '<?xml version="1.0"?>') -> str:
    return f"{declaration}<!DOCTYPE rss [{subset}]>{ROOT}"


@pytest.mark.parametrize(
    "subset",
    [
        pytest.param(f"<?pi ]> ?>{LAUGHS}", id="pi-hiding-end-of-subset"),
        pytest.param(f"<!-- ]> -->{LAUGHS}", id="comment-hiding-end-of-subset"),
        pytest.param(f'<!ATTLIST rss x CDATA "]>">{LAUGHS}', id="literal-hiding-end-of-subset"),
        pytest.param(f"<!-- <![CDATA[ -->{LAUGHS}", id="cdata-text-in-comment"),
    ],
)
def test_xmlguard_sees_declarations_behind_decoys(subset: str) -> None:
    with pytest.raises(UnsafeXMLError, match="entity expansion"):
        check_entities(document(subset).encode())


def test_xmlguard_refuses_after_a_byte_order_mark() -> None:
    with pytest.raises(UnsafeXMLError):
        check_entities(b"\xef\xbb\xbf" + document(LAUGHS).encode())


@pytest.mark.parametrize("declared_in", ["xml-declaration", "content-type"])
def test_xmlguard_refuses_utf7_encoded_declarations(declared_in: str) -> None:
    hidden = document(LAUGHS, declaration="").encode().replace(b"<", b"+ADw-")  # UTF-7 "<"
    if declared_in == "xml-declaration":
        body, content_type = b'<?xml version="1.0" encoding="utf-7"?>' + hidden, None
    else:
        body, content_type = hidden, "application/rss+xml; charset=UTF-7"
    assert b"<!ENTITY" not in body  # invisible to a plain byte scan
    with pytest.raises(FeedParseError, match="entity expansion"):
        parse_feed(body, content_type=content_type)


def test_xmlguard_refuses_ebcdic_encoded_declarations() -> None:
    body = document(LAUGHS, declaration='<?xml version="1.0" encoding="cp037"?>').encode("cp037")
    with pytest.raises(UnsafeXMLError):
        check_entities(body)


def test_xmlguard_refuses_too_many_declarations() -> None:
    subset = "".join(f'<!ENTITY e{n} "x">' for n in range(300))
    with pytest.raises(UnsafeXMLError, match="more than 256"):
        check_entities(document(subset).encode())


def test_xmlguard_ignores_entity_examples_in_item_text() -> None:
    """A security article quoting an XXE payload in CDATA is content, not a DTD."""
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
        b"<title>How XXE works</title><link>https://e.org/xxe</link><description><![CDATA["
        b'<pre>&lt;!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]&gt;</pre>'
        b"]]></description></item></channel></rss>"
    )
    check_entities(body)
    assert parse_feed(body).entries[0].title == "How XXE works"


@pytest.mark.parametrize(
    ("text", "root"),
    [
        ('<?xml version="1.0"?>\n<rss>', "<rss>"),
        ("\ufeff<!-- c --><?pi x?><!DOCTYPE rss SYSTEM 'r.dtd'><rss>", "<rss>"),
        ('<!DOCTYPE rss [<!ENTITY % x PUBLIC "-//x//EN" "x.ent">]>\n<rss>', "<rss>"),
    ],
)
def test_xmlguard_prolog_end_finds_the_root_element(text: str, root: str) -> None:
    view = text.encode()
    assert view[prolog_end(view) :].startswith(root.encode())


def test_xmlguard_unterminated_doctype_makes_everything_prolog() -> None:
    view = b'<!DOCTYPE rss [<!ENTITY a "x"> <rss>'
    assert prolog_end(view) == len(view)
