"""Text for people: the run summary and ``stats``."""

from __future__ import annotations

from worker.ops.figures import Figures
from worker.store.figures import Buckets
from worker.store.queries import Stats


def render_stats(summary: Stats) -> str:
    """A short readable summary: counts by kind, then a few example commitments."""
    lines = [
        f"feeds        {summary.feeds} ({summary.feeds_failing} failing, "
        f"{summary.feeds_disabled} disabled)",
        f"articles     {summary.articles}  " + _counts(summary.articles_by_status),
        f"entities     {sum(summary.entities_by_type.values())}  "
        + _counts(summary.entities_by_type),
        f"mentions     {summary.mentions}",
        f"commitments  {summary.commitments}",
    ]
    lines += [f"  {kind:<18} {count}" for kind, count in summary.commitments_by_type.items()]
    lines.append(f"dead letters {summary.dead_letters_open}")
    lines.append(f"events       {summary.events_unpublished} waiting in the outbox")
    lines.append(f"rejections   {summary.submissions_rejected} submitted messages")
    if summary.examples:
        lines.append("\nexamples:")
        for row in summary.examples:
            actor = row["actor"] or "?"
            target = f" → {row['target']}" if row["target"] else ""
            lines.append(f"  [{row['type']}/{row['status']}] {actor}{target}")
            lines.append(f"      “{_clip(row['sentence'], 110)}”")
    return "\n".join(lines)


def render_figures(figures: Figures) -> str:
    """``stats``: the store's counts, the pipeline's progress, the queue and timings."""
    assert figures.store is not None, "the caller reports a database that is down"
    head, _, examples = render_stats(figures.store).partition("\n\nexamples:")
    lines = [head]
    if (pipeline := figures.pipeline) is not None:
        lines += [
            f"queued       {pipeline.articles_queued} articles handed to workers, "
            f"{pipeline.article_retries} retries",
            f"replayed     {pipeline.dead_letters_replayed} dead letters",
            f"overdue      {pipeline.feeds_overdue} feeds"
            + ("  (is the poller running?)" if pipeline.feeds_overdue else ""),
            "extraction   " + _timing(pipeline.extract_seconds),
            "lag          from publication " + _timing(pipeline.lag_from_published),
            "             from first seen  " + _timing(pipeline.lag_from_first_seen),
        ]
    if (queue := figures.queue) is not None:
        lines.append(f"queue        {queue.queue}: {queue.ready} ready, {queue.unacked} unacked")
    else:
        lines.append(f"queue        unavailable: {figures.errors.get('redis', '?')}")
    return "\n".join(lines) + ("\n\nexamples:" + examples if examples else "")


def _timing(buckets: Buckets) -> str:
    """Count, mean and bucketed p50/p95, as Prometheus' histogram_quantile would estimate."""
    if not buckets.count:
        return "no data yet"
    mean = buckets.total / buckets.count
    p50, p95 = (_bound(buckets, q) for q in (0.5, 0.95))
    return f"{buckets.count} articles, mean {_duration(mean)}, p50 {p50}, p95 {p95}"


def _bound(buckets: Buckets, q: float) -> str:
    value = buckets.quantile(q)
    if value is None or value == float("inf"):
        return f"> {_duration(buckets.bounds[-1])}"
    return f"≤ {_duration(value)}"


def _duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def _counts(counts: dict[str, int]) -> str:
    return "(" + ", ".join(f"{k} {v}" for k, v in counts.items()) + ")" if counts else ""


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
