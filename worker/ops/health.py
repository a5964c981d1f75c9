"""Health: does the database answer, does Redis answer. For ``/healthz`` and ``health``.

Liveness of the service is the liveness of what it depends on: with either down nothing is
stored or queued. Each check names its target with the password masked, and why it failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis

from worker.ops.figures import describe
from worker.redact import mask_url
from worker.store.db import Database


@dataclass(frozen=True, slots=True)
class Check:
    """One dependency's answer."""

    component: str
    target: str  # its URL, password masked
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def check_database(database: Database) -> Check:
    """``SELECT 1`` on a pooled connection (pre-ping replaces a dead one)."""
    target = mask_url(database.target)
    try:
        database.ping()
    except Exception as exc:  # every way of not answering is "down"
        return Check("database", target, describe(exc))
    return Check("database", target)


def check_redis(client: redis.Redis, url: str) -> Check:
    """``PING``."""
    try:
        client.ping()
    except Exception as exc:
        return Check("redis", mask_url(url), describe(exc))
    return Check("redis", mask_url(url))


def report(checks: list[Check]) -> tuple[bool, dict[str, Any]]:
    """Whether all passed, and the JSON body: ``{"status": "ok"|"down", "checks": {...}}``."""
    healthy = all(check.ok for check in checks)
    body: dict[str, Any] = {
        "status": "ok" if healthy else "down",
        "down": [check.component for check in checks if not check.ok],
        "checks": {
            check.component: {
                "ok": check.ok,
                "target": check.target,
                **({"error": check.error} if check.error else {}),
            }
            for check in checks
        },
    }
    return healthy, body
