"""Retry delays shared by the queue's task retries and webhook deliveries."""

from __future__ import annotations

import random


def backoff_seconds(attempt: int, *, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with full jitter: spreads retries after a shared outage."""
    return rng.uniform(0, min(cap, base * 2 ** max(attempt - 1, 0)))
