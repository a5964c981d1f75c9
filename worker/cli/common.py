"""What every command shares: loading settings once, opening the store, failing clearly."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from worker.config import Settings, load_settings
from worker.errors import CommitwatchError
from worker.extract import Extractor
from worker.logs import LogFormat, configure_logging
from worker.runtime.wiring import Runtime, build_extractor
from worker.store.db import Session


class State:
    """Per-invocation state: the settings are read once, on first use; ``close`` at exit."""

    def __init__(
        self, config: Path | None, log_level: str | None, log_format: LogFormat | None = None
    ) -> None:
        self.config = config
        self.log_level = log_level
        self.log_format = log_format
        self._settings: Settings | None = None
        self._runtime: Runtime | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings(self.config)
            except CommitwatchError as exc:
                raise click.ClickException(str(exc)) from None
            configure_logging(
                self.log_level or self._settings.log_level,
                self.log_format or self._settings.log_format,
            )
        return self._settings

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            self._runtime = Runtime(self.settings)
        return self._runtime

    def runtime_extractor(self, name: str | None = None) -> Extractor:
        """The configured extractor, or the one named (same lexicon and model settings)."""
        try:
            return build_extractor(self.settings.extract, name)
        except CommitwatchError as exc:
            raise click.ClickException(str(exc)) from None

    def close(self) -> None:
        if self._runtime is not None:
            self._runtime.close()


pass_state = click.make_pass_decorator(State)


@contextmanager
def session_scope(state: State) -> Iterator[Session]:
    """A transaction for one command; errors of ours become a clear message and exit 1."""
    try:
        with state.runtime.sessions.begin() as session:
            yield session
    except CommitwatchError as exc:
        raise click.ClickException(str(exc)) from None
