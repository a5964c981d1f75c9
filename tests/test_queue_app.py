"""The Celery app's start-up: each pool process builds its extractor before its first task."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from celery.signals import worker_process_init

from tests.conftest import make_settings
from worker.queue.app import PROCESS_START_SECONDS, preload_in_pool_processes
from worker.runtime.wiring import Runtime


def test_queue_app_pool_processes_preload_the_extractor(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'db.sqlite'}", extract={"name": "minimal"})
    runtime = Runtime(settings)
    receivers = list(worker_process_init.receivers)
    preload_in_pool_processes(runtime)
    try:
        with caplog.at_level(logging.INFO, logger="worker.queue.app"):
            worker_process_init.send(sender=None)
    finally:
        worker_process_init.receivers[:] = receivers
    assert "extractor" in runtime.__dict__  # built, not left for the first task
    assert "ready: extractor" in caplog.text


def test_queue_app_waits_for_a_pool_process_loading_its_model(tmp_path: Path) -> None:
    app = Runtime(make_settings(f"sqlite:///{tmp_path / 'db.sqlite'}")).celery
    assert app.conf.worker_proc_alive_timeout == PROCESS_START_SECONDS > 4
