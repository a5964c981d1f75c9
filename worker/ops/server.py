"""``commitwatch serve-metrics``: ``/metrics`` for Prometheus and ``/healthz`` for docker.

Its own small process (like a Prometheus exporter) rather than a thread in the poller or the
workers: the figures come from the database and Redis, so any one process can serve them,
scrapes never slow down polling or extraction, and the endpoint stays up while the poller is
stopped, which is when it is most needed. The standard library's WSGI server with one thread
per request is plenty for a scrape every few seconds.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer

from worker.ops.health import Check, report

log = logging.getLogger(__name__)

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def make_app(registry: CollectorRegistry, checks: Callable[[], list[Check]]) -> WSGIApp:
    """Route ``/metrics`` to prometheus_client's exposition, ``/healthz`` to the checks."""
    metrics = make_wsgi_app(registry)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            return metrics(environ, start_response)  # type: ignore[no-any-return]
        if path == "/healthz":
            healthy, body = report(checks())
            if not healthy:
                log.warning("health check failed: %s", ", ".join(body["down"]))
            return _json(start_response, "200 OK" if healthy else "503 Service Unavailable", body)
        return _json(start_response, "404 Not Found", {"error": "try /metrics or /healthz"})

    return app


def _json(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]


class _QuietHandler(WSGIRequestHandler):
    """No access line per scrape on stderr: it would break the JSON log stream."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


def start_server(app: WSGIApp, host: str, port: int) -> ThreadingWSGIServer:
    """Listen (``port`` 0: any free port) and serve in a background thread."""
    server = make_server(host, port, app, ThreadingWSGIServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics-http", daemon=True).start()
    return server


def serve(app: WSGIApp, host: str, port: int, stop: threading.Event) -> None:
    """Serve until ``stop`` is set (SIGTERM); requests in flight finish first."""
    server = start_server(app, host, port)
    log.info("serving /metrics and /healthz on http://%s:%d", host, server.server_port)
    try:
        stop.wait()
    finally:
        server.shutdown()
        server.server_close()
    log.info("metrics server stopped")
