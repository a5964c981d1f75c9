"""Reading results out: ``export`` and ``dead-letters``."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

import click

from worker.cli.common import State, pass_state, session_scope
from worker.domain import utcnow
from worker.pipeline.handoff import hand_off
from worker.store.dead_letters import open_dead_letters, reopen
from worker.store.queries import commitment_rows

CSV_FIELDS = [
    "id",
    "type",
    "status",
    "actor",
    "target",
    "speaker",
    "confidence",
    "sentence",
    "published_at",
    "article_title",
    "article_url",
    "extractor_version",
]


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True
)
@click.option("--type", "type_", help="Only this commitment type, e.g. sanctions.")
@click.option("--actor", help="Only this actor (canonical name or key, e.g. 'United Kingdom').")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="Only articles published on or after this date (UTC).",
)
@click.option(
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Write here instead of stdout.",
)
@pass_state
def export(
    state: State,
    fmt: str,
    type_: str | None,
    actor: str | None,
    since: datetime | None,
    output: TextIO,
) -> None:
    """Export commitments as JSON lines or CSV."""
    since_utc = since.replace(tzinfo=UTC) if since else None
    with session_scope(state) as session:
        rows = commitment_rows(session, type_=type_, actor=actor, since=since_utc)
        count = _write(rows, fmt, output)
    click.echo(f"exported {count} commitments", err=True)


def _write(rows: Iterable[dict[str, Any]], fmt: str, output: TextIO) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(output, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
    for row in rows:
        if fmt == "csv":
            writer.writerow(row)
        else:
            output.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


@click.group("dead-letters")
def dead_letters() -> None:
    """Articles given up on after their attempts."""


@dead_letters.command("list")
@pass_state
def list_(state: State) -> None:
    """Show dead letters not yet replayed."""
    with session_scope(state) as session:
        letters = open_dead_letters(session)
        for letter in letters:
            click.echo(
                f"{letter.id:>5}  article {letter.article_id:<6} attempts {letter.attempts}"
                f"  {letter.created_at:%Y-%m-%d %H:%M}  {letter.reason}"
            )
        click.echo(f"{len(letters)} dead letters", err=True)


@dead_letters.command("replay")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "replay_all", is_flag=True, help="Replay every open dead letter.")
@click.option(
    "--inline",
    is_flag=True,
    help="Process here instead of enqueueing (no Redis needed, e.g. on SQLite).",
)
@pass_state
def replay(state: State, ids: tuple[int, ...], replay_all: bool, inline: bool) -> None:
    """Give dead-lettered articles fresh attempts and process them again."""
    if not ids and not replay_all:
        raise click.UsageError("name dead letter ids, or --all")
    with session_scope(state) as session:
        letters = [d for d in open_dead_letters(session) if replay_all or d.id in ids]
        article_ids = [reopen(session, letter) for letter in letters]
    if not article_ids:
        raise click.ClickException("no matching open dead letters; see: dead-letters list")
    dispatch = state.runtime.dispatch(inline=inline, report=click.echo)
    if not hand_off(state.runtime.sessions, dispatch, article_ids, utcnow()):
        raise click.ClickException(
            f"{len(article_ids)} articles reopened but the queue is down: the poller sends them"
        )
    if not inline:
        click.echo(f"enqueued {len(article_ids)} articles")
