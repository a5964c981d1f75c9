"""Logging: JSON lines for machines, a readable line for people, secrets masked in both.

When stderr is a terminal the format is human; otherwise (docker, systemd, a pipe) every record
is one JSON object per line, which log collectors parse without regular expressions. Force
either with ``--log-format`` or ``COMMITWATCH_LOG_FORMAT`` (``json``, ``text`` or ``auto``).

Records carry the ``article_id`` or ``feed_id`` they concern without every call passing them:
``log_context`` sets them in a context variable for a block of work (one article, one feed
check), and a filter copies them onto each record. Context variables are per thread, so the
poller's fetch threads each carry their own feed.

The bottom layer, like ``worker.redact``: every service may log, so this imports nothing of
the service but ``redact``.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

from worker.redact import redact

LogFormat = Literal["auto", "json", "text"]

# The ids a record may carry, in the order they appear in a text line.
CONTEXT_FIELDS = ("feed_id", "article_id")
HANDLER_NAME = "commitwatch"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s:%(context)s %(message)s"

_context: ContextVar[dict[str, Any] | None] = ContextVar("commitwatch_log_context", default=None)


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Attach ``fields`` (e.g. ``article_id=3``) to every record logged inside the block."""
    token = _context.set({**(_context.get() or {}), **fields})
    try:
        yield
    finally:
        _context.reset(token)


class ContextFilter(logging.Filter):
    """Copies the current ``log_context`` onto the record (an explicit ``extra=`` wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (_context.get() or {}).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        record.context = "".join(
            f" [{key}={getattr(record, key)}]" for key in CONTEXT_FIELDS if hasattr(record, key)
        )
        return True


class TextFormatter(logging.Formatter):
    """The classic one-line format, with the ids in brackets and passwords masked."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "context"):
            record.context = ""
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, ids, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key in CONTEXT_FIELDS:
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


def wants_json(fmt: LogFormat, stream: TextIO) -> bool:
    """JSON unless forced to text, or ``auto`` and the stream is a terminal."""
    if fmt == "auto":
        return not stream.isatty()
    return fmt == "json"


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record comes (test runners swap it)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure_logging(level: str, fmt: LogFormat = "auto", stream: TextIO | None = None) -> None:
    """Send the root logger's records to stderr (stdout stays clean for command output).

    Replaces a handler this function installed before, and leaves others alone (pytest's).
    """
    handler = logging.StreamHandler(stream) if stream is not None else StderrHandler()
    handler.setFormatter(
        JsonFormatter() if wants_json(fmt, stream or sys.stderr) else TextFormatter()
    )
    handler.addFilter(ContextFilter())
    handler.set_name(HANDLER_NAME)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.captureWarnings(True)  # a library's warning becomes a record too, not a bare line
