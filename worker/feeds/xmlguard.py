"""Refuse XML entity declarations that can only be an attack, before any parser sees them.

Feedparser already strips most DOCTYPE entities and expat >= 2.4 stops "billion laughs" with its
amplification limit, but both are details of other projects (feedparser's regex only sees
declarations at the start of a line; older expat builds have no limit). This guard is the layer we
own: it finds every ``<!ENTITY`` in the body and allows only what real feeds use:

- an external *parameter* entity (``<!ENTITY % HTMLlat1 PUBLIC ...>``, Linux Journal's feed): no
  parser here loads external DTDs, so it is inert;
- a general entity whose value is one character reference (``&#160;``) or a short plain literal.

Everything else (entities built from other entities, internal parameter entities, external
general entities, long values that multiply the body on each reference) is refused.

The scan works on bytes: NUL bytes are dropped first so UTF-16/UTF-32 markup reads as ASCII,
and an EBCDIC document (feedparser still decodes those) is decoded before scanning.
"""

from __future__ import annotations

import re

# Longest plain entity value accepted: a named character needs one; 16 bounds the quadratic
# blow-up (each 3-byte reference expands to at most 16 bytes, about 5x).
MAX_ENTITY_VALUE_CHARS = 16
# More declarations than this is no feed's DTD; refusing early keeps the scan itself cheap.
MAX_ENTITY_DECLARATIONS = 256

_EBCDIC_MARKER = b"\x4c\x6f\xa7\x94"  # "<?xm" in cp037, the marker feedparser recognises
_DECLARATION = re.compile(rb"<!ENTITY\s+(%\s+)?([^\s%\"'>]+)\s+")
_EXTERNAL = re.compile(rb"(SYSTEM|PUBLIC)\s")
_CHAR_REF = re.compile(rb"&#(?:[0-9]{1,7}|x[0-9a-fA-F]{1,6});")


class UnsafeXMLError(ValueError):
    """The document declares an entity that only an attacker needs (the message says which)."""


def check_entities(body: bytes) -> None:
    """Raise ``UnsafeXMLError`` when ``body`` declares an entity outside the allowed forms."""
    view = _ascii_view(body)
    if b"<!ENTITY" not in view:
        return
    for count, match in enumerate(_DECLARATION.finditer(view), start=1):
        if count > MAX_ENTITY_DECLARATIONS:
            raise UnsafeXMLError(f"more than {MAX_ENTITY_DECLARATIONS} entity declarations")
        name = match.group(2).decode("ascii", "replace")
        problem = _problem(view, match.end(), is_parameter=match.group(1) is not None)
        if problem:
            raise UnsafeXMLError(f"entity {name!r} refused: {problem}")


def _ascii_view(body: bytes) -> bytes:
    """The body with its markup readable as ASCII whatever the (Unicode or EBCDIC) encoding."""
    if body.startswith(_EBCDIC_MARKER):
        return body.decode("cp037", "replace").encode("utf-8", "replace")
    return body.replace(b"\x00", b"")


def _problem(view: bytes, start: int, *, is_parameter: bool) -> str | None:
    """Why the declaration whose definition starts at ``start`` is refused, or None."""
    if _EXTERNAL.match(view, start):
        return None if is_parameter else "external general entities are never loaded"
    if is_parameter:
        return "internal parameter entities can multiply the DTD"
    value = _literal(view, start)
    if value is None:
        return "malformed entity value"
    if _CHAR_REF.fullmatch(value):
        return None
    if b"&" in value or b"%" in value or b"<" in value:
        return "its value refers to other entities or markup (entity expansion)"
    if len(value) > MAX_ENTITY_VALUE_CHARS:
        return f"its value is longer than {MAX_ENTITY_VALUE_CHARS} characters"
    return None


def _literal(view: bytes, start: int) -> bytes | None:
    """The quoted value starting at ``start``, or None when it is not a closed literal."""
    quote = view[start : start + 1]
    if quote not in (b'"', b"'"):
        return None
    end = view.find(quote, start + 1)
    return None if end < 0 else view[start + 1 : end]
