"""Refuse XML entity declarations that can only be an attack, before any parser sees them.

Feedparser already strips most DOCTYPE entities and expat >= 2.4 stops "billion laughs" with its
amplification limit, but both are details of other projects (feedparser's regex only sees
declarations at the start of a line; older expat builds have no limit). This guard is the layer we
own: it reads the document's prolog (everything before the root element, where a DTD must be)
and allows only what real feeds use:

- an external *parameter* entity (``<!ENTITY % HTMLlat1 PUBLIC ...>``, Linux Journal's feed): no
  parser here loads external DTDs, so it is inert;
- a general entity whose value is one character reference (``&#160;``) or a short plain literal.

Everything else (entities built from other entities, internal parameter entities, external
general entities, long values that multiply the body on each reference) is refused. Text about
XML inside the feed's items (a CDATA example of ``<!ENTITY``) is after the prolog and ignored.

The prolog is read in every form feedparser would decode: raw bytes with NULs dropped (so
UTF-16/32 markup reads as ASCII), EBCDIC, and any declared encoding that is not ASCII-compatible
(UTF-7 writes ``<`` as ``+ADw-``).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

# Longest plain entity value accepted: a named character needs one; 16 bounds the quadratic
# blow-up (each 3-byte reference expands to at most 16 bytes, about 5x).
MAX_ENTITY_VALUE_CHARS = 16
# More declarations than this is no feed's DTD; refusing early keeps the scan itself cheap.
MAX_ENTITY_DECLARATIONS = 256
# The prolog sits at the start; a declared encoding is looked for in this many leading bytes.
DECLARATION_WINDOW = 1024

_EBCDIC_MARKER = b"\x4c\x6f\xa7\x94"  # "<?xm" in cp037, the marker feedparser recognises
_DECLARATION = re.compile(rb"<!ENTITY\s+(%\s+)?([^\s%\"'>]+)\s+")
_EXTERNAL = re.compile(rb"(SYSTEM|PUBLIC)\s")
_CHAR_REF = re.compile(rb"&#(?:[0-9]{1,7}|x[0-9a-fA-F]{1,6});")
_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE)
_NAME_START = re.compile(rb"<[A-Za-z_:\x80-\xff]")
_MARKUP = b"<!ENTITY"
# Every ASCII byte, then the openings of UTF-7, HZ and ISO-2022 shift sequences.
_ASCII_PROBE = bytes(range(128)) + b"+ADw-~{<~}\x1b$B<\x1b(B"


class UnsafeXMLError(ValueError):
    """The document declares an entity that only an attacker needs (the message says which)."""


def check_entities(body: bytes, *, content_type: str | None = None) -> None:
    """Raise ``UnsafeXMLError`` when ``body``'s DTD declares an entity outside the allowed forms."""
    for view in _views(body, content_type):
        if _MARKUP in view:
            _check_prolog(view, prolog_end(view))


def _check_prolog(view: bytes, end: int) -> None:
    for count, match in enumerate(_DECLARATION.finditer(view, 0, end), start=1):
        if count > MAX_ENTITY_DECLARATIONS:
            raise UnsafeXMLError(f"more than {MAX_ENTITY_DECLARATIONS} entity declarations")
        name = match.group(2).decode("ascii", "replace")
        problem = _problem(view, match.end(), end, is_parameter=match.group(1) is not None)
        if problem:
            raise UnsafeXMLError(f"entity {name!r} refused: {problem}")


def _views(body: bytes, content_type: str | None) -> Iterator[bytes]:
    """The body as ASCII-readable markup, once per way a parser might decode it."""
    yield body.replace(b"\x00", b"")
    if body.startswith(_EBCDIC_MARKER):
        yield body.decode("cp037", "replace").encode("utf-8", "replace")
    for name in _declared_encodings(body, content_type):
        try:
            codec = codecs.lookup(name)
        except LookupError:
            continue
        if _ascii_incompatible(codec):
            try:
                yield codec.decode(body, "replace")[0].encode("utf-8", "replace")
            except Exception:  # a codec that cannot decode at all cannot be used by feedparser
                continue


def _declared_encodings(body: bytes, content_type: str | None) -> list[str]:
    """The XML declaration's encoding and the HTTP charset: the two feedparser considers."""
    names = []
    declared = _DECLARED_ENCODING.search(body[:DECLARATION_WINDOW].replace(b"\x00", b""))
    if declared:
        names.append(declared.group(1).decode("ascii"))
    charset = _CHARSET.search(content_type or "")
    if charset:
        names.append(charset.group(1))
    return names


def _ascii_incompatible(codec: codecs.CodecInfo) -> bool:
    """True when ASCII bytes may not mean ASCII text: UTF-7's ``+ADw-``, HZ's ``~{``, ISO-2022
    escapes, UTF-16/32 and EBCDIC all fail to decode the probe to itself."""
    try:
        return str(codec.decode(_ASCII_PROBE)[0]) != _ASCII_PROBE.decode("latin-1")
    except Exception:  # a decode error means the bytes are not plain ASCII to this codec
        return True


def prolog_end(view: bytes) -> int:
    """Where the root element starts, skipping the XML declaration, PIs, comments and DOCTYPE.

    Quoted literals, comments and PIs inside the DOCTYPE are skipped whole, so no ``]>`` hidden
    in them can end the DTD early; anything unterminated makes the whole view the prolog.
    """
    position, size = 0, len(view)
    while position < size:
        if view.startswith(b"<?", position):
            position = _after(view, b"?>", position + 2)
        elif view.startswith(b"<!--", position):
            position = _after(view, b"-->", position + 4)
        elif view.startswith(b"<!DOCTYPE", position):
            position = _doctype_end(view, position + 9)
        elif _NAME_START.match(view, position):
            return position
        else:
            position += 1  # whitespace, a byte-order mark or junk before the root
    return size


def _doctype_end(view: bytes, position: int) -> int:
    in_subset, size = False, len(view)
    while position < size:
        char = view[position : position + 1]
        if char in (b'"', b"'"):
            position = _after(view, char, position + 1)
        elif view.startswith(b"<!--", position):
            position = _after(view, b"-->", position + 4)
        elif view.startswith(b"<?", position):
            position = _after(view, b"?>", position + 2)
        elif char == b">" and not in_subset:
            return position + 1
        else:
            in_subset = (in_subset or char == b"[") and char != b"]"
            position += 1
    return size


def _after(view: bytes, terminator: bytes, start: int) -> int:
    found = view.find(terminator, start)
    return len(view) if found < 0 else found + len(terminator)


def _problem(view: bytes, start: int, end: int, *, is_parameter: bool) -> str | None:
    """Why the declaration defined at ``view[start:end]`` is refused, or None."""
    if _EXTERNAL.match(view, start, end):
        return None if is_parameter else "external general entities are never loaded"
    if is_parameter:
        return "internal parameter entities can multiply the DTD"
    value = _literal(view, start, end)
    if value is None:
        return "malformed entity value"
    if _CHAR_REF.fullmatch(value):
        return None
    if b"&" in value or b"%" in value or b"<" in value:
        return "its value refers to other entities or markup (entity expansion)"
    if len(value) > MAX_ENTITY_VALUE_CHARS:
        return f"its value is longer than {MAX_ENTITY_VALUE_CHARS} characters"
    return None


def _literal(view: bytes, start: int, end: int) -> bytes | None:
    """The quoted value starting at ``start``, or None when it is not closed before ``end``."""
    quote = view[start : start + 1]
    if quote not in (b'"', b"'"):
        return None
    close = view.find(quote, start + 1, end)
    return None if close < 0 else view[start + 1 : close]
