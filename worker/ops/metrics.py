"""Prometheus metrics, derived at scrape time from the database and Redis.

A custom collector rather than counters incremented in code: the work happens in many
prefork worker processes and a poller, which come and go, while a scrape reaches one server.
Reading the figures from the store (articles by status, attempts, dead letters, stored
extraction times) and from Redis (queue lengths) gives the same answer whoever is scraped,
survives restarts, and needs no push gateway or multiprocess directory. Every scrape reads
``gather_figures``, the same function ``commitwatch stats`` prints.

Extraction time and lag are histograms over every article whose results are stored (see
``worker.store.figures``); ``rate()`` over their buckets gives recent quantiles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from worker.ops.figures import Figures
from worker.store.figures import Buckets, PipelineFigures
from worker.store.queries import Stats

PREFIX = "commitwatch"
COMPONENTS = ("database", "redis")


class FiguresCollector(Collector):
    """Turns one ``Figures`` reading per scrape into metric families."""

    def __init__(self, gather: Callable[[], Figures]) -> None:
        self._gather = gather

    def collect(self) -> Iterator[Metric]:
        figures = self._gather()
        up = _gauge("up", "1 if the component answered this scrape, else 0.", ["component"])
        for component in COMPONENTS:
            up.add_metric([component], 0 if component in figures.errors else 1)
        yield up
        if figures.store is not None:
            yield from _store_metrics(figures.store)
        if figures.pipeline is not None:
            yield from _pipeline_metrics(figures.pipeline)
        if figures.queue is not None:
            ready = _gauge("queue_ready", "Messages waiting in the Celery queue.", ["queue"])
            ready.add_metric([figures.queue.queue], figures.queue.ready)
            yield ready
            yield _gauge(
                "queue_unacked",
                "Messages taken by a worker and not yet acknowledged (running or waiting for "
                "a retry countdown).",
                value=figures.queue.unacked,
            )


def make_registry(gather: Callable[[], Figures]) -> CollectorRegistry:
    """A registry with only our collector (no process metrics of the metrics server itself)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(FiguresCollector(gather))
    return registry


def _store_metrics(store: Stats) -> Iterator[Metric]:
    yield _labelled(
        "articles",
        "Stored articles by status: pending (waiting for results), done, dead (given up).",
        "status",
        {"pending": 0, "done": 0, "dead": 0, **store.articles_by_status},
    )
    yield _labelled("commitments", "Stored commitments by type.", "type", store.commitments_by_type)
    yield _labelled(
        "feeds",
        "Feeds by state: ok, failing (errors since the last success), disabled.",
        "state",
        {
            "ok": store.feeds - store.feeds_failing - store.feeds_disabled,
            "failing": store.feeds_failing,
            "disabled": store.feeds_disabled,
        },
    )
    yield _gauge(
        "dead_letters_open", "Dead letters not yet replayed.", value=store.dead_letters_open
    )
    yield _gauge(
        "events_unpublished",
        "Commitment events committed but not yet on the stream (the outbox).",
        value=store.events_unpublished,
    )
    yield _gauge(
        "submissions_rejected",
        "Submitted messages rejected for breaking the schema (kept with the reason).",
        value=store.submissions_rejected,
    )


def _pipeline_metrics(pipeline: PipelineFigures) -> Iterator[Metric]:
    yield _gauge(
        "articles_queued",
        "Pending articles handed to the queue (waiting for or in a worker).",
        value=pipeline.articles_queued,
    )
    yield _gauge(
        "article_retries",
        "Attempts beyond the first, summed over stored articles: each followed a failure.",
        value=pipeline.article_retries,
    )
    yield _gauge(
        "dead_letters_replayed",
        "Dead letters replayed.",
        value=pipeline.dead_letters_replayed,
    )
    yield _gauge(
        "feeds_overdue",
        "Enabled feeds due more than 5 minutes ago: no poller is running.",
        value=pipeline.feeds_overdue,
    )
    yield _histogram(
        "extraction_seconds",
        "Extractor wall time of each article's stored results.",
        {"": pipeline.extract_seconds},
    )
    yield _histogram(
        "lag_seconds",
        "From an article's publication (since=published; first seen when undated) or first "
        "sighting (since=first_seen) to its stored results.",
        {"published": pipeline.lag_from_published, "first_seen": pipeline.lag_from_first_seen},
        label="since",
    )


def _gauge(
    name: str, doc: str, labels: list[str] | None = None, *, value: float | None = None
) -> GaugeMetricFamily:
    return GaugeMetricFamily(f"{PREFIX}_{name}", doc, value=value, labels=labels)


def _labelled(name: str, doc: str, label: str, values: Mapping[str, int]) -> GaugeMetricFamily:
    family = _gauge(name, doc, [label])
    for key, value in values.items():
        family.add_metric([key], value)
    return family


def _histogram(
    name: str, doc: str, series: Mapping[str, Buckets], *, label: str | None = None
) -> HistogramMetricFamily:
    family = HistogramMetricFamily(f"{PREFIX}_{name}", doc, labels=[label] if label else None)
    for key, buckets in series.items():
        points = [(_le(b), n) for b, n in zip(buckets.bounds, buckets.cumulative, strict=True)]
        points.append(("+Inf", buckets.count))
        family.add_metric([key] if label else [], points, sum_value=buckets.total)
    return family


def _le(bound: float) -> str:
    return repr(float(bound))
