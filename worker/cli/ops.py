"""Operating the service: ``stats``, ``health`` and ``serve-metrics``.

All three read the same figures and checks (``worker.ops``), so what a person sees at a
terminal is what Prometheus scrapes and what docker's healthcheck tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import click
import redis

from worker import defaults
from worker.cli.common import State, pass_state
from worker.cli.render import render_figures
from worker.ops.figures import gather_figures
from worker.ops.health import Check, check_database, check_redis, report


@contextmanager
def _redis(state: State) -> Iterator[redis.Redis]:
    client = state.runtime.figures_redis()
    try:
        yield client
    finally:
        client.close()


def _checks(state: State, client: redis.Redis) -> list[Check]:
    return [
        check_database(state.runtime.database),
        check_redis(client, state.settings.redis_url),
    ]


@click.command("stats")
@click.option("--examples", default=3, show_default=True, help="Example commitments to show.")
@pass_state
def stats_command(state: State, examples: int) -> None:
    """Counts, queue depth, extraction time and lag: the figures /metrics serves."""
    with _redis(state) as client:
        figures = gather_figures(
            state.runtime.sessions, client, state.settings.queue.name, examples=examples
        )
    if figures.store is None:
        raise click.ClickException(f"database unavailable: {figures.errors['database']}")
    click.echo(render_figures(figures))


@click.command("health")
@pass_state
def health(state: State) -> None:
    """Check the database and Redis; print the report as JSON, exit 1 if one is down."""
    with _redis(state) as client:
        healthy, body = report(_checks(state, client))
    click.echo(json.dumps(body, indent=2))
    if not healthy:
        raise SystemExit(1)


@click.command("serve-metrics")
@click.option("--host", default=defaults.METRICS_HOST, show_default=True, help="Interface.")
@click.option("--port", type=int, default=defaults.METRICS_PORT, show_default=True)
@pass_state
def serve_metrics(state: State, host: str, port: int) -> None:
    """Serve /metrics (Prometheus) and /healthz (200, or 503 naming what is down)."""
    from worker.ops.metrics import make_registry
    from worker.ops.server import make_app, serve
    from worker.runtime.daemon import stop_on_signals

    queue = state.settings.queue.name
    with _redis(state) as client:
        registry = make_registry(lambda: gather_figures(state.runtime.sessions, client, queue))
        app = make_app(registry, lambda: _checks(state, client))
        try:
            serve(app, host, port, stop_on_signals())
        except OSError as exc:  # the port is taken, or the host is not ours
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc}") from None
