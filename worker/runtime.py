"""What one process needs at run time, built once from the settings and passed down.

Built lazily: Celery forks its pool after start-up, and a database engine or a loaded model
must be created in the process that uses it, not inherited across ``fork``.
"""

from __future__ import annotations

from functools import cached_property

from worker.config import Settings
from worker.extract import Extractor, load_extractor
from worker.store.db import Sessions, make_engine, make_sessions


class Runtime:
    """The process's database sessions and extractor, created on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def sessions(self) -> Sessions:
        return make_sessions(make_engine(self.settings.database_url))

    @cached_property
    def extractor(self) -> Extractor:
        return load_extractor(self.settings.extract.name)
