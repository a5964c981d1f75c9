"""Top-level commands: run, poll, worker, extract, db; the rest are added from their modules."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TextIO

import click

from worker import __version__
from worker.cli.common import State, pass_state
from worker.cli.data import dead_letters, export
from worker.cli.feeds import feeds
from worker.cli.integrations import events, rejections, submit, webhooks
from worker.cli.learn import evaluate, train
from worker.cli.ops import health, serve_metrics, stats_command
from worker.cli.render import render_stats
from worker.domain import ArticleText
from worker.errors import CommitwatchError
from worker.logs import LogFormat
from worker.redact import mask_url, redact


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="TOML config file [default: $COMMITWATCH_CONFIG or config/commitwatch.toml].",
)
@click.option("--log-level", help="DEBUG, INFO, WARNING or ERROR [default: from config, INFO].")
@click.option(
    "--log-format",
    type=click.Choice(["auto", "json", "text"]),
    help="Log lines as JSON or text [default: $COMMITWATCH_LOG_FORMAT, or auto: JSON unless "
    "stderr is a terminal].",
)
@click.version_option(__version__, prog_name="commitwatch")
@click.pass_context
def cli(
    ctx: click.Context, config: Path | None, log_level: str | None, log_format: LogFormat | None
) -> None:
    """Watch news feeds for what governments and alliances commit to."""
    ctx.obj = State(config, log_level, log_format)
    ctx.call_on_close(ctx.obj.close)


@cli.command()
@click.option(
    "--seeds",
    "seeds_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=Path("seeds"),
    show_default=True,
    help="Folder of sample feeds to ingest.",
)
@pass_state
def run(state: State, seeds_dir: Path) -> None:
    """Ingest the sample feeds into SQLite and extract them, all in this process.

    The embedded default: no Redis or PostgreSQL needed. Running it again adds nothing new.
    """
    from worker.runtime.embedded import run_embedded

    state.log_level = state.log_level or "WARNING"  # the progress lines are the user's view
    settings = state.settings
    click.echo(f"commitwatch {__version__}: database {mask_url(settings.database_url)}", err=True)
    _, summary = run_embedded(settings, seeds_dir, lambda line: click.echo(line, err=True))
    click.echo(render_stats(summary))
    click.echo(
        "\nnext: commitwatch export --format csv > commitments.csv   "
        "(or: stats, feeds add URL, --help)",
        err=True,
    )


@cli.command()
@click.option("--forever", is_flag=True, help="Run as a daemon: poll feeds as they fall due.")
@click.option("--all", "force", is_flag=True, help="Check every enabled feed now, due or not.")
@pass_state
def poll(state: State, forever: bool, force: bool) -> None:
    """Check due feeds, store new articles and enqueue them for the workers (needs Redis).

    Any number of pollers may run: each feed is leased by one before it is fetched.
    """
    from worker.runtime.daemon import poll_forever, poll_once

    settings = state.settings
    if forever:
        poll_forever(settings)
        return
    for report in poll_once(settings, force=force):
        detail = report.error or f"{report.new_articles} new"
        click.echo(redact(f"feed {report.feed_id} {report.outcome}: {detail}  {report.url}"))


@cli.command()
@click.option("--concurrency", type=int, help="Worker processes [default: from config, or cores].")
@pass_state
def worker(state: State, concurrency: int | None) -> None:
    """Run a Celery worker that extracts queued articles (needs Redis and the database)."""
    from worker.logs import wants_json
    from worker.queue.app import keep_our_logging, preload_in_pool_processes

    settings = state.settings
    app = state.runtime.celery
    keep_our_logging()
    preload_in_pool_processes(state.runtime)
    # The banner is many lines of text on stdout; with JSON logs "ready" is logged instead.
    quiet = ["--quiet"] if wants_json(state.log_format or settings.log_format, sys.stderr) else []
    argv = [
        *quiet,
        "worker",
        "--loglevel",
        settings.log_level,
        "--queues",
        settings.queue.name,
        "--pool",
        "prefork",
        "--without-gossip",
        "--without-mingle",
    ]
    if n := concurrency or settings.queue.concurrency:
        argv += ["--concurrency", str(n)]
    app.worker_main(argv)


@cli.command()
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.option("--title", help="The article's title (context for the extractor).")
@pass_state
def extract(state: State, source: TextIO, title: str | None) -> None:
    """Extract one article (a text FILE, or - for stdin) and print the result as JSON."""
    text = source.read()
    if not text.strip():
        raise click.ClickException("the article is empty")
    try:
        result = state.runtime.extractor.extract(ArticleText(text=text, title=title))
    except CommitwatchError as exc:
        raise click.ClickException(str(exc)) from None
    json.dump(asdict(result), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


@cli.group()
def db() -> None:
    """Database schema commands."""


@db.command()
@pass_state
def upgrade(state: State) -> None:
    """Apply every pending migration (safe to run on each deploy)."""
    from worker.store.db import upgrade_database

    upgrade_database(state.settings.database_url)
    click.echo("database is up to date", err=True)


cli.add_command(feeds)
cli.add_command(evaluate)
cli.add_command(train)
cli.add_command(export)
cli.add_command(stats_command)
cli.add_command(dead_letters)
cli.add_command(health)
cli.add_command(serve_metrics)
cli.add_command(submit)
cli.add_command(events)
cli.add_command(rejections)
cli.add_command(webhooks)


def main() -> None:
    cli(prog_name="commitwatch")
