"""Masking secrets: one helper for every URL the service logs or shows.

Database and Redis URLs carry passwords (``postgresql://user:secret@host/db``,
``redis://:secret@host``). Everything a person or a log collector sees goes through
``redact``, which masks the password of every URL in a text; ``mask_url`` is the same for one
URL. A regular expression rather than SQLAlchemy's ``URL.render_as_string(hide_password=True)``
because it must also work on free text (an exception message) and on Redis URLs.
"""

from __future__ import annotations

import re

MASK = "***"

# scheme://user:password@  — the password runs to the *last* "@" of the authority part (as
# urllib's rpartition does), so a password with an unencoded "@" is still masked whole.
_CREDENTIALS = re.compile(
    r"(?P<prefix>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@]*:)(?P<password>[^\s/]*)(?=@)"
)


def redact(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``***``."""
    return _CREDENTIALS.sub(lambda m: m["prefix"] + MASK if m["password"] else m[0], text)


def mask_url(url: str) -> str:
    """One URL with its password masked, e.g. for a start-up line or a health report."""
    return redact(url)
