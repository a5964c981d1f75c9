"""``commitwatch feeds``: add (also from OPML), list and remove the feeds to watch."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import click

from worker.cli.common import State, pass_state, session_scope
from worker.errors import CommitwatchError
from worker.redact import mask_url, redact
from worker.store.feeds import add_feed, list_feeds, remove_feed


@click.group()
def feeds() -> None:
    """Manage the feeds to watch."""


@feeds.command("add")
@click.argument("urls", nargs=-1)
@click.option(
    "--opml",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Import every feed of an OPML subscription list.",
)
@pass_state
def add(state: State, urls: tuple[str, ...], opml: Path | None) -> None:
    """Add feeds by URL (http, https, or file:// for a local file)."""
    entries: list[tuple[str, str | None]] = [(url, None) for url in urls]
    if opml:
        from worker.feeds.opml import parse_opml

        try:
            entries += [(feed.url, feed.title) for feed in parse_opml(opml.read_bytes())]
        except CommitwatchError as exc:
            raise click.ClickException(f"{opml}: {exc}") from None
    if not entries:
        raise click.UsageError("give at least one URL or --opml FILE")
    for url, _ in entries:
        if urlsplit(url).scheme not in ("http", "https", "file"):
            raise click.BadParameter(f"{url!r} is not an http(s) or file:// URL", param_hint="URLS")
    with session_scope(state) as session:
        for url, title in entries:
            feed, created = add_feed(session, url, title)
            click.echo(f"{'added' if created else 'exists'} {feed.id} {mask_url(url)}")


@feeds.command("list")
@pass_state
def list_(state: State) -> None:
    """Show every feed with its schedule and health."""
    with session_scope(state) as session:
        rows = list_feeds(session)
        if not rows:
            click.echo("no feeds; add one with: commitwatch feeds add URL", err=True)
        for feed in rows:
            health = (
                "disabled: " + (feed.disabled_reason or "")
                if not feed.enabled
                else (
                    f"{feed.consecutive_errors} errors: {feed.last_error}"
                    if feed.consecutive_errors
                    else "ok"
                )
            )
            line = f"{feed.id:>4}  next {feed.next_check_at:%Y-%m-%d %H:%M}  {health:<30.60}  "
            # A private feed's URL (and errors naming it) may carry basic-auth credentials.
            click.echo(redact(line + feed.url))


@feeds.command("remove")
@click.argument("ref")
@pass_state
def remove(state: State, ref: str) -> None:
    """Remove a feed (by id or URL) and its articles and extractions."""
    with session_scope(state) as session:
        feed = remove_feed(session, ref)
        if feed is None:
            raise click.ClickException(f"no feed {ref!r}; see: commitwatch feeds list")
        click.echo(f"removed {feed.id} {mask_url(feed.url)}")
