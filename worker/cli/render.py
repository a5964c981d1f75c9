"""Text for people: the run summary and ``stats``."""

from __future__ import annotations

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
    if summary.examples:
        lines.append("\nexamples:")
        for row in summary.examples:
            actor = row["actor"] or "?"
            target = f" → {row['target']}" if row["target"] else ""
            lines.append(f"  [{row['type']}/{row['status']}] {actor}{target}")
            lines.append(f"      “{_clip(row['sentence'], 110)}”")
    return "\n".join(lines)


def _counts(counts: dict[str, int]) -> str:
    return "(" + ", ".join(f"{k} {v}" for k, v in counts.items()) + ")" if counts else ""


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
