"""When to check a feed next: pure arithmetic over its rhythm, server hints and failures.

- Healthy feed: Miniflux's adaptive interval, a week divided by last week's entry count, bounded
  by the policy (5 min to 24 h by default). A feed with no entry last week is checked daily.
- Server hints (RSS ``ttl``, Cache-Control ``max-age`` or Expires) may lengthen the interval,
  never beyond the maximum: they say how fresh a copy stays, not how slowly to poll forever.
- Failures: exponential backoff from ``error_backoff_base``, capped by ``error_backoff_cap`` and
  never beyond the maximum interval, so "checked at least every max_interval" always holds.
  Polling never stops (Miniflux's stop-after-3-errors is its most complained-about behaviour);
  only a 410 disables a feed, and that is the poller's decision.
- Retry-After (429/503) is a minimum, even above the maximum interval, but itself capped by
  ``max_retry_after`` so a bogus header cannot silence a feed for good.
- Jitter: up to ``defaults.JITTER`` (20%; NewsBlur adds up to 25%) so feeds added together
  do not stay in lock-step.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from worker import defaults

# Miniflux's bounds: never more often than every 5 minutes, at least once a day.
MIN_INTERVAL = timedelta(seconds=defaults.MIN_INTERVAL_SECONDS)
MAX_INTERVAL = timedelta(seconds=defaults.MAX_INTERVAL_SECONDS)
# Spreads feeds that were added at the same moment (see worker.defaults).
JITTER = defaults.JITTER
# First retry after a failure: soon enough for a blip, slow enough not to hammer a sick server.
ERROR_BACKOFF_BASE = timedelta(minutes=15)
# Backoff doubles up to a daily retry: a feed that is down for weeks is still tried every day.
ERROR_BACKOFF_CAP = timedelta(hours=24)
# A server may ask for a pause longer than the maximum interval, but not more than a week.
MAX_RETRY_AFTER = timedelta(days=7)
# The adaptive interval counts entries over this window (Miniflux: entries per week).
RHYTHM_WINDOW = timedelta(days=7)
# Doubling beyond this many failures changes nothing once capped; it only risks overflow.
_MAX_DOUBLINGS = 30


@dataclass(frozen=True, slots=True)
class SchedulePolicy:
    """The scheduler's bounds; every default is a named constant above."""

    min_interval: timedelta = MIN_INTERVAL
    max_interval: timedelta = MAX_INTERVAL
    jitter: float = JITTER
    error_backoff_base: timedelta = ERROR_BACKOFF_BASE
    error_backoff_cap: timedelta = ERROR_BACKOFF_CAP
    max_retry_after: timedelta = MAX_RETRY_AFTER

    def __post_init__(self) -> None:
        if not timedelta(0) < self.min_interval <= self.max_interval:
            raise ValueError("SchedulePolicy needs 0 < min_interval <= max_interval")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError("SchedulePolicy.jitter is a fraction between 0 and 1")
        if self.error_backoff_base <= timedelta(0) or self.error_backoff_cap <= timedelta(0):
            raise ValueError("SchedulePolicy error backoff base and cap must be positive")


def next_check(
    now: datetime,
    *,
    entry_times: Sequence[datetime],
    ttl_minutes: int | None,
    max_age_seconds: int | None,
    retry_after: float | None,
    consecutive_errors: int,
    policy: SchedulePolicy,
    rng: random.Random,
) -> datetime:
    """The time of the next check; always between ``min_interval`` and the applicable maximum."""
    if consecutive_errors > 0:
        interval = error_backoff(consecutive_errors, policy)
    else:
        interval = adaptive_interval(now, entry_times, policy)
        interval = _apply_hints(interval, ttl_minutes, max_age_seconds, policy)
    upper = policy.max_interval
    if retry_after is not None and retry_after > 0:
        pause = timedelta(seconds=min(retry_after, policy.max_retry_after.total_seconds()))
        interval, upper = max(interval, pause), max(upper, pause)
    jittered = interval * (1.0 + rng.uniform(0.0, policy.jitter))
    return now + min(max(jittered, policy.min_interval), upper)


def adaptive_interval(
    now: datetime, entry_times: Sequence[datetime], policy: SchedulePolicy
) -> timedelta:
    """A week divided by the entries published in the last week, within the policy's bounds."""
    since = now - RHYTHM_WINDOW
    count = sum(1 for when in entry_times if since <= _like(when, now) <= now)
    if count == 0:
        return policy.max_interval
    return _clamp(RHYTHM_WINDOW / count, policy)


def error_backoff(consecutive_errors: int, policy: SchedulePolicy) -> timedelta:
    """Base doubled for each failure after the first, capped; never below the minimum."""
    doublings = min(max(consecutive_errors - 1, 0), _MAX_DOUBLINGS)
    factor: int = 2**doublings
    backoff = min(policy.error_backoff_base * factor, policy.error_backoff_cap)
    return max(backoff, policy.min_interval)


def _apply_hints(
    interval: timedelta,
    ttl_minutes: int | None,
    max_age_seconds: int | None,
    policy: SchedulePolicy,
) -> timedelta:
    """Lengthen to the longest server hint, but never past the maximum interval."""
    ceiling = policy.max_interval.total_seconds()
    hint = max(60.0 * (ttl_minutes or 0), float(max_age_seconds or 0))
    return max(interval, timedelta(seconds=min(hint, ceiling)))


def _clamp(interval: timedelta, policy: SchedulePolicy) -> timedelta:
    return min(max(interval, policy.min_interval), policy.max_interval)


def _like(when: datetime, now: datetime) -> datetime:
    """``when`` comparable with ``now``: naive values are taken as UTC (SQLite returns them)."""
    if now.tzinfo is not None and when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    if now.tzinfo is None and when.tzinfo is not None:
        return when.astimezone(UTC).replace(tzinfo=None)
    return when
