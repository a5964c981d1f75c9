"""The lexicon: package defaults, an operator directory layered on top, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from worker.errors import ConfigError
from worker.extract.cues import find_cues
from worker.extract.lexicon import load_lexicon


def test_lexicon_defaults_ship_in_the_package() -> None:
    lexicon = load_lexicon(None)
    assert [t.name for t in lexicon.types] == [
        "sanctions",
        "frozen_assets",
        "military_meeting",
        "peacekeeping",
        "ceasefire",
        "military_aid",
        "diplomatic_talks",
    ]
    assert {r.name for r in lexicon.statuses} == {"announced", "pledged", "proposed", "refused"}
    assert any(e.key == "org:nato" and "Nato" in e.aliases for e in lexicon.entities)


def test_lexicon_missing_directory_means_defaults(tmp_path: Path) -> None:
    assert load_lexicon(tmp_path / "absent").types == load_lexicon(None).types


def test_lexicon_operator_adds_a_type_without_code(tmp_path: Path) -> None:
    (tmp_path / "types.toml").write_text(
        "[types.humanitarian_aid]\ncues = ['\\bhumanitarian (aid|corridor)s?\\b']\n",
        encoding="utf-8",
    )
    lexicon = load_lexicon(tmp_path)
    assert [t.name for t in lexicon.types][-1] == "humanitarian_aid"
    assert len(lexicon.types) == 8  # the seven defaults are kept
    hits = find_cues("The UN opened humanitarian corridors.", lexicon, set())
    assert [h.type for h in hits] == ["humanitarian_aid"]


def test_lexicon_operator_entity_replaces_by_key(tmp_path: Path) -> None:
    (tmp_path / "entities.toml").write_text(
        '[[entity]]\nkey = "org:nato"\nname = "NATO"\ntype = "ORG"\naliases = ["Alliance HQ"]\n',
        encoding="utf-8",
    )
    nato = [e for e in load_lexicon(tmp_path).entities if e.key == "org:nato"]
    assert [e.aliases for e in nato] == [("Alliance HQ",)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[types.broken]\ncues = ['(unclosed']\n", "bad regular expression"),
        ("[types.broken\n", "invalid TOML"),
    ],
)
def test_lexicon_errors_name_the_problem(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "types.toml").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_lexicon(tmp_path)


def test_lexicon_overrides_are_fingerprinted(tmp_path: Path) -> None:
    assert load_lexicon(None).fingerprint is None
    assert load_lexicon(tmp_path).fingerprint is None  # an empty directory changes nothing
    (tmp_path / "types.toml").write_text("[types.x]\ncues = ['x']\n", encoding="utf-8")
    first = load_lexicon(tmp_path).fingerprint
    (tmp_path / "types.toml").write_text("[types.x]\ncues = ['y']\n", encoding="utf-8")
    assert first is not None and load_lexicon(tmp_path).fingerprint not in (None, first)
