"""Configuration: a TOML file, overridden by environment variables, validated at start-up.

Precedence, highest first: ``COMMITWATCH_*`` variables (nested with ``__``, e.g.
``COMMITWATCH_POLL__MAX_INTERVAL_SECONDS``), the usual ``DATABASE_URL`` and ``REDIS_URL``, the
TOML file (``--config``, else ``COMMITWATCH_CONFIG``, else ``config/commitwatch.toml`` when it
exists), then the defaults in ``worker.defaults``.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from worker import defaults
from worker.errors import ConfigError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FetchConfig(_Section):
    """How feeds and pages are fetched over HTTP."""

    connect_timeout: float = Field(defaults.CONNECT_TIMEOUT, gt=0)
    read_timeout: float = Field(defaults.READ_TIMEOUT, gt=0)
    deadline_seconds: float = Field(defaults.FETCH_DEADLINE, gt=0)
    max_body_bytes: int = Field(defaults.MAX_BODY_BYTES, gt=0)
    max_redirects: int = Field(defaults.MAX_REDIRECTS, ge=0)
    user_agent: str | None = None  # None or empty: defaults.USER_AGENT
    allow_private_networks: bool = False
    per_host_concurrency: int = Field(defaults.PER_HOST_CONCURRENCY, ge=1)
    full_text: bool = defaults.FULL_TEXT


class PollConfig(_Section):
    """When feeds are checked."""

    min_interval_seconds: int = Field(defaults.MIN_INTERVAL_SECONDS, ge=1)
    max_interval_seconds: int = Field(defaults.MAX_INTERVAL_SECONDS, ge=1)
    jitter: float = Field(defaults.JITTER, ge=0, le=1)
    concurrency: int = Field(defaults.POLL_CONCURRENCY, ge=1)
    lease_seconds: int = Field(defaults.POLL_LEASE_SECONDS, ge=1)
    idle_seconds: float = Field(defaults.POLL_IDLE_SECONDS, gt=0)
    requeue_after_seconds: int = Field(defaults.REQUEUE_AFTER_SECONDS, ge=1)
    max_entries_per_fetch: int = Field(defaults.MAX_ENTRIES_PER_FETCH, ge=1)

    @model_validator(mode="after")
    def _bounds_in_order(self) -> PollConfig:
        if self.min_interval_seconds > self.max_interval_seconds:
            raise ValueError("min_interval_seconds must not exceed max_interval_seconds")
        return self


class QueueConfig(_Section):
    """How articles move through Celery."""

    name: str = defaults.QUEUE_NAME
    max_attempts: int = Field(defaults.MAX_ATTEMPTS, ge=1)
    retry_backoff_seconds: float = Field(defaults.RETRY_BACKOFF_SECONDS, gt=0)
    retry_backoff_max_seconds: float = Field(defaults.RETRY_BACKOFF_MAX_SECONDS, gt=0)
    soft_time_limit: int = Field(defaults.TASK_SOFT_TIME_LIMIT, ge=1)
    time_limit: int = Field(defaults.TASK_TIME_LIMIT, ge=1)
    visibility_timeout: int = Field(defaults.VISIBILITY_TIMEOUT, ge=1)
    soft_shutdown_seconds: float = Field(defaults.SOFT_SHUTDOWN_SECONDS, ge=0)
    concurrency: int | None = Field(None, ge=1)


class ExtractConfig(_Section):
    """Which extractor runs, and where its lexicons live."""

    name: str = defaults.EXTRACTOR
    lexicon_dir: Path | None = None
    # A trained set for the learned extractor (`commitwatch train --out DIR`); default: shipped.
    model_dir: Path | None = None
    # [extract.options]: free-form settings handed to the extractor's factory (plugins').
    options: dict[str, Any] = Field(default_factory=dict)
    max_article_chars: int = Field(defaults.MAX_ARTICLE_CHARS, ge=1)


class EventsConfig(_Section):
    """The commitment event stream (Redis Stream) fed from the outbox."""

    stream: str = Field(defaults.EVENTS_STREAM, min_length=1)
    max_length: int = Field(defaults.EVENTS_MAX_LENGTH, ge=1)
    publish_batch: int = Field(defaults.EVENTS_PUBLISH_BATCH, ge=1)
    retention_days: float = Field(defaults.OUTBOX_RETENTION_DAYS, gt=0)


class WebhooksConfig(_Section):
    """Optional signed HTTP delivery of the commitment events (``commitwatch webhooks``)."""

    urls: list[str] = Field(default_factory=list)
    # Never in a file in the repository: COMMITWATCH_WEBHOOKS__SECRET in the environment.
    secret: SecretStr | None = None
    timeout_seconds: float = Field(defaults.WEBHOOK_TIMEOUT_SECONDS, gt=0)
    max_attempts: int = Field(defaults.WEBHOOK_MAX_ATTEMPTS, ge=1)
    backoff_seconds: float = Field(defaults.WEBHOOK_BACKOFF_SECONDS, gt=0)
    backoff_max_seconds: float = Field(defaults.WEBHOOK_BACKOFF_MAX_SECONDS, gt=0)

    @model_validator(mode="after")
    def _signed(self) -> WebhooksConfig:
        if self.urls and (self.secret is None or not self.secret.get_secret_value()):
            raise ValueError("webhooks need a secret to sign with (COMMITWATCH_WEBHOOKS__SECRET)")
        for url in self.urls:
            if not url.startswith(("https://", "http://")):
                raise ValueError(f"webhook URL must be http(s): {url!r}")
        return self


class Settings(BaseSettings):
    """All settings of one process; built once at start-up and passed down."""

    model_config = SettingsConfigDict(
        env_prefix="COMMITWATCH_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
        populate_by_name=True,
    )

    database_url: str = Field(
        defaults.DATABASE_URL,
        validation_alias=AliasChoices("database_url", "COMMITWATCH_DATABASE_URL", "DATABASE_URL"),
    )
    redis_url: str = Field(
        defaults.REDIS_URL,
        validation_alias=AliasChoices("redis_url", "COMMITWATCH_REDIS_URL", "REDIS_URL"),
    )
    log_level: str = defaults.LOG_LEVEL
    # "auto": JSON lines unless stderr is a terminal; "json" or "text" force one.
    log_format: Literal["auto", "json", "text"] = defaults.LOG_FORMAT
    fetch: FetchConfig = FetchConfig()
    poll: PollConfig = PollConfig()
    queue: QueueConfig = QueueConfig()
    extract: ExtractConfig = ExtractConfig()
    events: EventsConfig = EventsConfig()
    webhooks: WebhooksConfig = WebhooksConfig()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The file's values arrive as init arguments; the environment must win over them.
        return env_settings, init_settings


def config_path(explicit: Path | None = None) -> Path | None:
    """The file to read: the explicit one, ``COMMITWATCH_CONFIG``, or the default if present."""
    if explicit is not None:
        return explicit
    if named := os.environ.get("COMMITWATCH_CONFIG"):
        return Path(named)
    default = Path(defaults.CONFIG_FILE)
    return default if default.is_file() else None


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Read, merge and validate the configuration; ``ConfigError`` names what is wrong."""
    values = _read_toml(config_path(path))
    values.update(overrides)
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from None


def _read_toml(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
