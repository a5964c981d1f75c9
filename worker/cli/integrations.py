"""Queue integrations at the terminal: ``submit`` in, ``events`` out, ``rejections``."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any, TextIO

import click

from worker.cli.common import State, pass_state, session_scope
from worker.errors import CommitwatchError, InvalidArticleError
from worker.messages import ArticleSubmission, parse_submission
from worker.store.db import upgrade_database


@click.command()
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.option(
    "--inline",
    is_flag=True,
    help="Store and extract here instead of sending to the queue (no Redis needed).",
)
@pass_state
def submit(state: State, source: TextIO, inline: bool) -> None:
    """Submit articles without a feed: a JSON object, or JSON lines (FILE, or - for stdin).

    Each message follows worker/schemas/article-submission.v1.json. Invalid lines are
    reported with their line number and not sent; the exit status is 1 if any were.
    """
    valid: list[ArticleSubmission] = []
    invalid = 0
    for line_number, message in read_messages(source):
        try:
            valid.append(parse_submission(message))
        except InvalidArticleError as exc:
            invalid += 1
            click.echo(f"line {line_number}: rejected: {exc}", err=True)
    if inline:
        upgrade_database(state.settings.database_url)  # the embedded path, like ``run``
    if valid:
        try:
            state.runtime.dispatch(inline=inline, report=click.echo).submissions(valid)
        except CommitwatchError as exc:
            raise click.ClickException(str(exc)) from None
    if valid and not inline:
        click.echo(f"sent {len(valid)} submissions to the queue", err=True)
    if invalid:
        raise click.ClickException(f"{invalid} invalid messages were not submitted")


def read_messages(source: TextIO) -> Iterator[tuple[int, Any]]:
    """(line number, message): one JSON object or array, else one message per non-blank line."""
    text = source.read()
    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    if isinstance(whole, dict):
        yield 1, whole
    elif isinstance(whole, list):
        yield from ((1, item) for item in whole)
    else:
        yield from ((n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip())


@click.group()
def events() -> None:
    """The commitment event stream (Redis Stream; schema: commitment-event.v1.json)."""


@events.command("publish")
@pass_state
def publish(state: State) -> None:
    """Publish the events waiting in the outbox now (the daemon does this every pass)."""
    from worker.outbound.relay import publish_events

    runtime = state.runtime
    try:
        count = publish_events(runtime.sessions, runtime.redis, state.settings.events)
    except Exception as exc:  # Redis down: say so; nothing is lost, the outbox keeps them
        raise click.ClickException(
            f"could not publish (events stay in the outbox): {exc}"
        ) from None
    click.echo(f"published {count} events to {state.settings.events.stream}", err=True)


@events.command("tail")
@click.option("--group", default="commitwatch-cli", show_default=True, help="Consumer group.")
@click.option("--consumer", default=socket.gethostname(), show_default=True, help="Your name.")
@click.option("--new", "only_new", is_flag=True, help="A new group starts at new events only.")
@click.option("--follow", is_flag=True, help="Keep waiting for events (Ctrl-C to stop).")
@click.option("--limit", type=int, help="Stop after this many events.")
@pass_state
def tail(
    state: State, group: str, consumer: str, only_new: bool, follow: bool, limit: int | None
) -> None:
    """Print events as JSON lines, acknowledging each once printed (a reference consumer)."""
    from worker.outbound.consumer import EventConsumer

    reader = EventConsumer(
        state.runtime.redis,
        stream=state.settings.events.stream,
        group=group,
        consumer=consumer,
        start_at="$" if only_new else "0",
    )
    printed = 0
    while limit is None or printed < limit:
        batch = reader.take(count=min(100, limit - printed) if limit else 100, block_ms=2_000)
        if not batch and not follow:
            break
        for delivery in batch:
            click.echo(delivery.event.model_dump_json(by_alias=True))
            reader.ack(delivery)
            printed += 1
    click.echo(f"{printed} events", err=True)


@click.command()
@click.option("--limit", default=20, show_default=True, help="How many, newest first.")
@pass_state
def rejections(state: State, limit: int) -> None:
    """Submitted messages that broke the schema, with the reason."""
    from worker.store.submissions import recent_rejections

    with session_scope(state) as session:
        rows = recent_rejections(session, limit=limit)
        for row in rows:
            click.echo(
                f"{row.id:>5}  {row.received_at:%Y-%m-%d %H:%M}  {row.source or '-'}  {row.reason}"
            )
        click.echo(f"{len(rows)} rejections shown", err=True)


@click.command()
@pass_state
def webhooks(state: State) -> None:
    """Deliver the commitment events to the [webhooks] urls, signed, until SIGTERM."""
    from worker.outbound.webhooks import send_forever
    from worker.runtime.daemon import stop_on_signals

    settings = state.settings
    if not settings.webhooks.urls:
        raise click.ClickException("no webhooks configured: set [webhooks] urls")
    send_forever(state.runtime.redis, settings.webhooks, settings.events.stream, stop_on_signals())
