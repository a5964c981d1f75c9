"""The ``commitwatch`` command line: thin wrappers that build a runtime and call the services.

The top layer, with the coming web/API beside it (``worker.api``: the same runtime, the
store's read-only ``queries``). May import everything; nothing imports it.
"""

from __future__ import annotations

from worker.cli.main import main

__all__ = ["main"]
