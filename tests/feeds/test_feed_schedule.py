"""next_check: pure unit tests with a seeded random.Random."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from worker.feeds.schedule import SchedulePolicy, next_check

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
EXACT = SchedulePolicy(jitter=0.0)  # no jitter: intervals can be asserted exactly
HOUR = timedelta(hours=1)


def interval(
    *,
    entries: int = 0,
    spread: timedelta = timedelta(days=7),
    ttl: int | None = None,
    max_age: int | None = None,
    retry_after: float | None = None,
    errors: int = 0,
    policy: SchedulePolicy = EXACT,
    seed: int = 0,
) -> timedelta:
    """next_check - now for ``entries`` published evenly over ``spread`` before NOW."""
    times = [NOW - spread * (n + 0.5) / max(entries, 1) for n in range(entries)]
    when = next_check(
        NOW,
        entry_times=times,
        ttl_minutes=ttl,
        max_age_seconds=max_age,
        retry_after=retry_after,
        consecutive_errors=errors,
        policy=policy,
        rng=random.Random(seed),
    )
    return when - NOW


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (0, timedelta(hours=24)),  # silent feed: daily
        (1, timedelta(hours=24)),  # a week / 1, capped at the maximum
        (14, timedelta(hours=12)),
        (168, HOUR),
        (2016, timedelta(minutes=5)),
        (10_000, timedelta(minutes=5)),  # capped at the minimum
    ],
)
def test_schedule_adaptive_interval_from_last_weeks_entries(
    entries: int, expected: timedelta
) -> None:
    assert interval(entries=entries) == expected


def test_schedule_ignores_entries_older_than_a_week_or_in_the_future() -> None:
    old = [NOW - timedelta(days=8, minutes=n) for n in range(500)]
    future = [NOW + timedelta(hours=n + 1) for n in range(500)]
    recent = [NOW - timedelta(hours=n + 1) for n in range(168)]
    when = next_check(
        NOW,
        entry_times=old + future + recent,
        ttl_minutes=None,
        max_age_seconds=None,
        retry_after=None,
        consecutive_errors=0,
        policy=EXACT,
        rng=random.Random(0),
    )
    assert when - NOW == HOUR


def test_schedule_accepts_naive_entry_times_as_utc() -> None:
    naive = [(NOW - timedelta(hours=n + 1)).replace(tzinfo=None) for n in range(168)]
    when = next_check(
        NOW,
        entry_times=naive,
        ttl_minutes=None,
        max_age_seconds=None,
        retry_after=None,
        consecutive_errors=0,
        policy=EXACT,
        rng=random.Random(0),
    )
    assert when - NOW == HOUR


@pytest.mark.parametrize(
    ("ttl", "max_age", "expected"),
    [
        (120, None, 2 * HOUR),  # ttl lengthens the hourly rhythm
        (10, None, HOUR),  # but never shortens it
        (None, 3 * 3600, 3 * HOUR),  # max-age likewise
        (None, 60, HOUR),
        (60, 4 * 3600, 4 * HOUR),  # the longer hint wins
        (7 * 24 * 60, None, timedelta(hours=24)),  # never beyond the maximum
        (None, 10**12, timedelta(hours=24)),  # absurd values are capped, not an overflow
    ],
)
def test_schedule_server_hints_lengthen_within_max(
    ttl: int | None, max_age: int | None, expected: timedelta
) -> None:
    assert interval(entries=168, ttl=ttl, max_age=max_age) == expected


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        (1, timedelta(minutes=15)),
        (2, timedelta(minutes=30)),
        (3, HOUR),
        (5, 4 * HOUR),
        (7, 16 * HOUR),
        (8, timedelta(hours=24)),  # capped
        (10_000, timedelta(hours=24)),  # still polled daily, no overflow
    ],
)
def test_schedule_error_backoff_grows_and_caps(errors: int, expected: timedelta) -> None:
    assert interval(entries=2016, ttl=600, errors=errors) == expected  # rhythm and hints ignored


def test_schedule_backoff_never_below_the_minimum() -> None:
    policy = SchedulePolicy(jitter=0.0, error_backoff_base=timedelta(seconds=1))
    assert interval(errors=1, policy=policy) == timedelta(minutes=5)


@pytest.mark.parametrize(
    ("retry_after", "errors", "expected"),
    [
        (3600.0, 0, HOUR),  # above the 5-minute rhythm
        (60.0, 0, timedelta(minutes=5)),  # below the minimum: the minimum still applies
        (3 * 86400.0, 1, timedelta(days=3)),  # honoured beyond the maximum interval
        (30 * 86400.0, 1, timedelta(days=7)),  # but capped: a bogus header cannot silence a feed
        (float("inf"), 1, timedelta(days=7)),
    ],
)
def test_schedule_retry_after_is_a_minimum(
    retry_after: float, errors: int, expected: timedelta
) -> None:
    assert interval(entries=2016, retry_after=retry_after, errors=errors) == expected


def test_schedule_jitter_adds_up_to_the_fraction() -> None:
    policy = SchedulePolicy(jitter=0.25)
    results = [interval(entries=168, policy=policy, seed=seed) for seed in range(500)]
    assert all(HOUR <= result <= HOUR * 1.25 for result in results)
    assert max(results) - min(results) > timedelta(minutes=10)  # it really spreads
    assert interval(entries=168, policy=policy, seed=7) == interval(
        entries=168, policy=policy, seed=7
    )


def test_schedule_jitter_never_exceeds_the_maximum() -> None:
    policy = SchedulePolicy(jitter=0.25)
    results = [interval(policy=policy, seed=seed) for seed in range(200)]
    assert all(result == timedelta(hours=24) for result in results)


@given(
    entries=st.integers(0, 5000),
    ttl=st.none() | st.integers(-10, 10**9),
    max_age=st.none() | st.integers(-10, 10**12),
    errors=st.integers(0, 10**6),
    seed=st.integers(0, 2**32),
)
def test_schedule_always_within_bounds_without_retry_after(
    entries: int, ttl: int | None, max_age: int | None, errors: int, seed: int
) -> None:
    policy = SchedulePolicy()
    result = interval(
        entries=entries, ttl=ttl, max_age=max_age, errors=errors, policy=policy, seed=seed
    )
    assert policy.min_interval <= result <= policy.max_interval


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_interval": timedelta(0)},
        {"min_interval": timedelta(hours=2), "max_interval": HOUR},
        {"jitter": -0.1},
        {"jitter": 1.5},
        {"error_backoff_base": timedelta(0)},
    ],
)
def test_schedule_policy_rejects_nonsense(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="SchedulePolicy"):
        SchedulePolicy(**kwargs)  # type: ignore[arg-type]


def test_schedule_backoff_never_beyond_a_short_maximum() -> None:
    policy = SchedulePolicy(jitter=0.0, max_interval=HOUR)
    assert interval(errors=50, policy=policy) == HOUR
