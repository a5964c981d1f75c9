"""Extractors are chosen by name, or plugged in by import path."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import ScriptedExtractor
from worker.domain import ArticleText
from worker.errors import ConfigError
from worker.extract import ExtractorSettings, load_extractor
from worker.extract.minimal import MinimalExtractor


def scripted(settings: ExtractorSettings) -> ScriptedExtractor:
    return ScriptedExtractor(version=str(settings.options.get("version", "plugged-1")))


def test_extractor_loads_a_registered_name() -> None:
    assert isinstance(load_extractor("minimal"), MinimalExtractor)


def test_extractor_loads_an_import_path() -> None:
    assert load_extractor("tests.test_extractor_loading:scripted").version == "plugged-1"


def test_extractor_plugin_factories_receive_their_options() -> None:
    plugged = load_extractor("tests.test_extractor_loading:scripted", options={"version": "v2"})
    assert plugged.version == "v2"


def test_extractor_minimal_reads_its_types_from_the_data(tmp_path: Path) -> None:
    (tmp_path / "types.toml").write_text("[types.blockade]\ncues = ['\\bblockade\\b']\n")
    minimal = load_extractor("minimal", lexicon_dir=tmp_path)
    text = "The navy announced a blockade. Sanctions follow."
    found = [c.type for c in minimal.extract(ArticleText(text)).commitments]
    assert found == ["blockade", "sanctions"]


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
