"""All the figures an operator asks for, gathered in one call: ``stats`` and ``/metrics``.

One function, ``gather_figures``, feeds both the terminal and Prometheus, so the two never
disagree. A component that does not answer leaves its part empty and says why (its URL
masked) instead of failing the whole report: a scrape during a Redis outage still shows the
database figures, and the outage itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import redis

from worker.domain import utcnow
from worker.queue.depth import QueueDepth, queue_depth
from worker.redact import redact
from worker.store.db import Session, Sessions
from worker.store.figures import PipelineFigures, pipeline_figures
from worker.store.queries import Stats, stats


@dataclass(frozen=True, slots=True)
class Figures:
    """Counts from the store, progress of the pipeline, the queue's depth; ``errors`` by part."""

    store: Stats | None = None
    pipeline: PipelineFigures | None = None
    queue: QueueDepth | None = None
    errors: dict[str, str] = field(default_factory=dict)


def gather_figures(
    sessions: Sessions, client: redis.Redis, queue: str, *, examples: int = 0
) -> Figures:
    """Read the store and the queue; a part that fails is reported in ``errors``."""
    errors: dict[str, str] = {}
    store = pipeline = depth = None
    try:
        with sessions() as session:
            store, pipeline = _from_store(session, examples)
    except Exception as exc:  # any failure of the database must still yield a report
        errors["database"] = describe(exc)
    try:
        depth = queue_depth(client, queue)
    except Exception as exc:
        errors["redis"] = describe(exc)
    return Figures(store, pipeline, depth, errors)


def _from_store(session: Session, examples: int) -> tuple[Stats, PipelineFigures]:
    return stats(session, examples=examples), pipeline_figures(session, now=utcnow())


def describe(exc: BaseException) -> str:
    """A one-line reason for a report, its first line only, passwords masked."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return redact(f"{type(exc).__name__}: {lines[0] if lines else ''}".strip())
