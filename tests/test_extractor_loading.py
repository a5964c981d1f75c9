"""Extractors are chosen by name, or plugged in by import path."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import ScriptedExtractor
from worker.errors import ConfigError
from worker.extract import load_extractor
from worker.extract.minimal import MinimalExtractor


def scripted() -> ScriptedExtractor:
    return ScriptedExtractor(version="plugged-1")


def test_extractor_loads_a_registered_name() -> None:
    assert isinstance(load_extractor("minimal"), MinimalExtractor)


def test_extractor_loads_an_import_path() -> None:
    assert load_extractor("tests.test_extractor_loading:scripted").version == "plugged-1"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("nonsense", "unknown extractor 'nonsense'"),
        ("no_such_module:factory", "cannot load extractor"),
        ("tests.test_extractor_loading:absent", "cannot load extractor"),
    ],
)
def test_extractor_bad_names_are_config_errors(name: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_extractor(name)


def test_extractor_configured_lexicon_dir_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not a directory"):
        load_extractor("minimal", lexicon_dir=tmp_path / "absent")
