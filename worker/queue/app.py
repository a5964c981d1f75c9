"""The Celery app, configured so that no article is lost or processed twice in effect.

Each setting below answers a known way Celery on Redis loses or duplicates work
(see ../shared/RESEARCH.md and the Celery "Using Redis" caveats).
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from celery import Celery as Celery  # re-exported: the app's type, for the runtime
from celery import signals

from worker.config import QueueConfig
from worker.queue.tasks import TaskServices, register_tasks

# Publishing retries a dead broker briefly, then gives up: the article is already stored as
# pending and the poller's stale sweep re-enqueues it, so the poller itself never blocks.
PUBLISH_RETRY_POLICY = {
    "max_retries": 3,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 2,
}
# kombu finds messages whose visibility timeout has passed on a timer (10 s by default) but
# scans only on every 10th tick, so an abandoned message came back up to 100 s late whatever
# the timeout (kombu PR #2558). Scanning on every tick keeps the delay under this.
UNACKED_RESTORE_SECONDS = 10

# A pool process loads the spaCy model as it starts (about 2 s, several on a busy machine):
# Celery's default wait of 4 s for a new process would kill it mid-load and start another.
PROCESS_START_SECONDS = 120.0

log = logging.getLogger(__name__)


def create_app(config: QueueConfig, broker_url: str, services: TaskServices) -> Celery:
    """Build the app and register its tasks over ``services``; one per process.

    Only ``worker.runtime`` calls this: it owns the services and builds the app once.
    """
    app = Celery("commitwatch", broker=broker_url, set_as_current=False)
    app.conf.update(celery_settings(config))
    register_tasks(app, services, config)
    return app


def preload_in_pool_processes(services: TaskServices) -> None:
    """Build each pool process's extractor as the process starts, not inside its first task.

    The first tasks would otherwise wait for the model and count it as their latency. A load
    that fails is logged and left to the tasks, which raise it again and retry, as before.
    """

    def load(**_: Any) -> None:
        started = time.perf_counter()
        try:
            version = services.extractor_version()
        except Exception:
            log.exception("pool process %s: the extractor failed to load", os.getpid())
            return
        seconds = time.perf_counter() - started
        log.info("pool process %s ready: extractor %s in %.1f s", os.getpid(), version, seconds)

    signals.worker_process_init.connect(load, weak=False)


def celery_settings(queue: QueueConfig) -> dict[str, Any]:
    return {
        # JSON only: never unpickle what comes off the queue.
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        # Results live in the database; a result backend would only grow.
        "task_ignore_result": True,
        "task_default_queue": queue.name,
        # Ack after the task ran, so a worker crash returns the message instead of losing it.
        "task_acks_late": True,
        # A killed pool process requeues its message too. On Redis that can loop forever on an
        # article that kills its worker; the attempt counter in the database bounds it.
        "task_reject_on_worker_lost": True,
        # Take one message at a time: with late acks, prefetched messages wait behind a slow one.
        "worker_prefetch_multiplier": 1,
        "worker_proc_alive_timeout": PROCESS_START_SECONDS,
        "task_soft_time_limit": queue.soft_time_limit,
        "task_time_limit": queue.time_limit,
        "broker_transport_options": {
            # Longer than the time limit and the longest retry countdown, or Redis redelivers a
            # message that is still running or waiting for its ETA.
            "visibility_timeout": queue.visibility_timeout,
            "unacked_restore_interval": UNACKED_RESTORE_SECONDS,
            "unacked_restore_throttle": 1,
            "socket_timeout": 30,
            "socket_connect_timeout": 10,
            "health_check_interval": 25,
            "retry_on_timeout": True,
        },
        "task_publish_retry_policy": PUBLISH_RETRY_POLICY,
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,  # a worker waits out a Redis outage
        # After a lost connection the messages come back; stop running them here too.
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        # SIGTERM: let in-flight tasks finish for this long, then return them to the queue.
        "worker_soft_shutdown_timeout": queue.soft_shutdown_seconds,
        "worker_enable_soft_shutdown_on_idle": True,
        "worker_hijack_root_logger": False,
        "worker_send_task_events": False,
        "enable_utc": True,
    }


def keep_our_logging() -> None:
    """Stop Celery from configuring logging: the command line already has (JSON or text).

    Any receiver of ``setup_logging`` makes Celery skip its own handlers and its stdout
    redirection, in the main process and in the forked pool, so worker and task records go
    through the root handler of ``worker.logs``: JSON lines, ids attached, secrets masked.
    """
    signals.setup_logging.connect(_configured_already, weak=False)


def _configured_already(**_kwargs: Any) -> None:
    """The receiver: logging was set up by the command line before the worker started."""
