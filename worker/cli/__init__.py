"""The ``commitwatch`` command line: thin wrappers that build adapters and call the services."""

from __future__ import annotations

from worker.cli.main import main

__all__ = ["main"]
