"""Configuration: file, then environment on top, validated with errors naming the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from worker.config import load_settings
from worker.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_defaults_need_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no config/commitwatch.toml here
    settings = load_settings()
    assert settings.database_url == "sqlite:///commitwatch.db"
    assert settings.queue.max_attempts == 5
    assert settings.fetch.allow_private_networks is False


def test_config_file_values_are_used(tmp_path: Path) -> None:
    path = write(tmp_path, 'database_url = "sqlite:///x.db"\n[poll]\njitter = 0.1\n')
    settings = load_settings(path)
    assert settings.database_url == "sqlite:///x.db"
    assert settings.poll.jitter == 0.1


def test_config_environment_overrides_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, 'redis_url = "redis://file:6379/0"\n[poll]\njitter = 0.1\n')
    monkeypatch.setenv("REDIS_URL", "redis://env:6379/1")
    monkeypatch.setenv("COMMITWATCH_POLL__JITTER", "0.3")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/cw")
    settings = load_settings(path)
    assert settings.redis_url == "redis://env:6379/1"
    assert settings.poll.jitter == 0.3
    assert settings.database_url == "postgresql://u@db/cw"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[poll]\njitter = 2\n", "poll.jitter"),
        ("[queue]\nmax_attempts = 0\n", "queue.max_attempts"),
        ("[fetch]\nbogus = 1\n", "fetch.bogus"),
        ("not toml [", "not valid TOML"),
    ],
)
def test_config_invalid_values_are_named(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        load_settings(write(tmp_path, text))


def test_config_missing_named_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.toml")
