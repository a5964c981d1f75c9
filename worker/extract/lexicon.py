"""The extractor's curated data: commitment types, status cues, entities, discourse words.

One mechanism, two layers. The defaults ship inside the package (``worker/data/extract/*.toml``,
read with ``importlib.resources``), so an installed wheel or a Docker image works with no files
beside it. An operator directory (``config/extract/`` by default, relative to the working
directory like ``config/commitwatch.toml``) is layered on top, file by file: tables merge key by
key, lists replace, and ``[[entity]]`` records are added (a record whose ``key`` exists replaces
it). So adding a commitment type is a ``config/extract/types.toml`` holding one
``[types.<name>]`` table, and nothing else changes.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from worker.errors import ConfigError

# The operator layer read when the extractor is built by name: the repository's own directory.
DEFAULT_LEXICON_DIR = Path("config/extract")
FILES = ("entities.toml", "types.toml", "statuses.toml", "discourse.toml")
_FLAGS = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class Cue:
    """All ``patterns`` must match somewhere in a sentence; ``first`` locates the cue."""

    patterns: tuple[re.Pattern[str], ...]

    def find(self, text: str) -> re.Match[str] | None:
        first = self.patterns[0].search(text)
        if first is None or not all(p.search(text) for p in self.patterns[1:]):
            return None
        return first

    def finditer(self, text: str) -> list[re.Match[str]]:
        if not all(p.search(text) for p in self.patterns[1:]):
            return []
        return list(self.patterns[0].finditer(text))


@dataclass(frozen=True, slots=True)
class CommitmentType:
    name: str
    cues: tuple[Cue, ...]
    weak_cues: tuple[Cue, ...] = ()
    context_cues: tuple[Cue, ...] = ()
    yields_to: tuple[str, ...] = ()
    target_before: re.Pattern[str] | None = None
    owner_is_target: bool = False


@dataclass(frozen=True, slots=True)
class StatusRule:
    """Cues for one status; several rules may yield the same status at different ranks."""

    name: str
    rank: int
    cues: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class EntityEntry:
    key: str
    name: str
    type: str
    aliases: tuple[str, ...]
    wikidata: str | None = None
    role: str | None = None
    context_aliases: tuple[str, ...] = ()
    context_triggers: tuple[str, ...] = ()
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The merged lexicon; ``fingerprint`` identifies operator overrides (None: defaults)."""

    fingerprint: str | None
    types: tuple[CommitmentType, ...]
    statuses: tuple[StatusRule, ...]
    past_status: str
    present_status: str
    past_cues: tuple[re.Pattern[str], ...]
    modifiers: tuple[tuple[str, re.Pattern[str]], ...]
    entities: tuple[EntityEntry, ...]
    forecast_cues: tuple[re.Pattern[str], ...]
    enumeration_cues: tuple[re.Pattern[str], ...]
    effect_cues: tuple[re.Pattern[str], ...]
    conditional_openers: tuple[re.Pattern[str], ...]
    question_openers: tuple[re.Pattern[str], ...]
    reporting_verbs: str
    honorifics: frozenset[str]
    roles: tuple[str, ...]
    role_abbreviations: dict[str, str]
    demonyms: dict[str, str]
    publishers: dict[str, str]
    media: frozenset[str]
    we_groups: tuple[str, ...]
    non_entities: tuple[re.Pattern[str], ...]
    agent_nouns: tuple[str, ...]
    group_nouns: dict[str, str]
    capitals: dict[str, str]
    owner_acts: frozenset[str]
    owned_nouns: frozenset[str]
    country_abbreviations: frozenset[str]


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, _FLAGS)
    except re.error as exc:
        raise ConfigError(f"{where}: bad regular expression {pattern!r}: {exc}") from exc


def _cue(spec: str, where: str) -> Cue:
    return Cue(tuple(_compile(part.strip(), where) for part in spec.split("&&")))


def _cues(specs: list[str], where: str) -> tuple[Cue, ...]:
    """Single-part cues are joined into one alternation: one regex pass per type, not twenty."""
    for spec in specs:
        _cue(spec, where)  # validate each on its own, so an error names the bad pattern
    simple = [s for s in specs if "&&" not in s]
    joined = (_cue("|".join(f"(?:{s})" for s in simple), where),) if simple else ()
    return joined + tuple(_cue(s, where) for s in specs if "&&" in s)


def _words_before(words: list[str], where: str) -> re.Pattern[str] | None:
    """Words that stand right before an entity (an optional "the" between)."""
    if not words:
        return None
    return _compile(rf"\b(?:{'|'.join(words)})\s+(?:the\s+)?$", where)


def _merge(base: dict[str, Any], layer: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in layer.items():
        if key == "entity" and isinstance(value, list):
            replaced = {e.get("key") for e in value}
            merged[key] = [e for e in base.get(key, []) if e.get("key") not in replaced] + value
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_layers(directory: Path | None) -> tuple[dict[str, Any], str | None]:
    data: dict[str, Any] = {}
    digest = hashlib.sha256()
    layered = False
    package = resources.files("worker").joinpath("data", "extract")
    for name in FILES:
        data = _merge(data, tomllib.loads(package.joinpath(name).read_text(encoding="utf-8")))
        override = directory / name if directory is not None else None
        if override is not None and override.is_file():
            content = override.read_text(encoding="utf-8")
            digest.update(name.encode() + b"\0" + content.encode())
            layered = True
            try:
                data = _merge(data, tomllib.loads(content))
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"{override}: invalid TOML: {exc}") from exc
    return data, (digest.hexdigest()[:8] if layered else None)


def _types(data: dict[str, Any]) -> tuple[CommitmentType, ...]:
    result = []
    for name, spec in data.get("types", {}).items():
        where = f"types.{name}"
        result.append(
            CommitmentType(
                name=name,
                cues=_cues(spec.get("cues", []), where),
                weak_cues=_cues(spec.get("weak_cues", []), where),
                context_cues=_cues(spec.get("context_cues", []), where),
                yields_to=tuple(spec.get("yields_to", [])),
                target_before=_words_before(spec.get("target_before", []), where),
                owner_is_target=bool(spec.get("owner_is_target", False)),
            )
        )
    return tuple(result)


def _statuses(data: dict[str, Any]) -> tuple[StatusRule, ...]:
    rules = [
        StatusRule(
            spec.get("status", name),
            int(spec["rank"]),
            tuple(_compile(c, name) for c in spec["cues"]),
        )
        for name, spec in data.get("statuses", {}).items()
    ]
    return tuple(sorted(rules, key=lambda r: r.rank))


def _entity(spec: dict[str, Any]) -> EntityEntry:
    try:
        return EntityEntry(
            key=spec["key"],
            name=spec["name"],
            type=spec["type"],
            aliases=tuple(spec.get("aliases", [])),
            wikidata=spec.get("wikidata"),
            role=spec.get("role"),
            context_aliases=tuple(spec.get("context_aliases", [])),
            context_triggers=tuple(spec.get("context_triggers", [])),
            parent=spec.get("parent"),
        )
    except KeyError as exc:
        raise ConfigError(f"entity {spec!r} lacks {exc}") from exc


def _checked_parents(entities: tuple[EntityEntry, ...]) -> tuple[EntityEntry, ...]:
    """Each parent chain ends: no entity is its own ancestor (a roll-up would never stop)."""
    parents = {e.key: e.parent for e in entities if e.parent}
    for key in parents:
        seen = {key}
        parent = parents.get(key)
        while parent is not None:
            if parent in seen:
                raise ConfigError(f"entity {key!r}: its parent chain loops at {parent!r}")
            seen.add(parent)
            parent = parents.get(parent)
    return entities


def load_lexicon(directory: Path | None = DEFAULT_LEXICON_DIR) -> Lexicon:
    """Package defaults, with ``directory``'s TOML files layered on top when it exists."""
    data, fingerprint = _read_layers(directory)
    defaults = data.get("defaults", {})
    return Lexicon(
        fingerprint=fingerprint,
        types=_types(data),
        statuses=_statuses(data),
        past_status=defaults.get("past", "announced"),
        present_status=defaults.get("present", "proposed"),
        past_cues=tuple(_compile(c, "defaults") for c in defaults.get("past_cues", [])),
        modifiers=tuple(
            (status, _compile(rf"\b({'|'.join(words)})\s+([\w-]+\s+)?$", "modifiers"))
            for status, words in data.get("modifiers", {}).items()
        ),
        entities=_checked_parents(tuple(_entity(e) for e in data.get("entity", []))),
        forecast_cues=tuple(_compile(c, "forecast") for c in data.get("forecast_cues", [])),
        enumeration_cues=tuple(_compile(c, "enum") for c in data.get("enumeration_cues", [])),
        effect_cues=tuple(_compile(c, "effect") for c in data.get("effect_cues", [])),
        conditional_openers=tuple(_compile(c, "cond") for c in data.get("conditional_openers", [])),
        question_openers=tuple(_compile(c, "question") for c in data.get("question_openers", [])),
        reporting_verbs=data.get("reporting_verbs", "(said|says)"),
        honorifics=frozenset(data.get("honorifics", [])),
        roles=tuple(data.get("roles", [])),
        role_abbreviations=dict(data.get("role_abbreviations", {})),
        demonyms=dict(data.get("demonyms", {})),
        publishers=dict(data.get("publishers", {})),
        media=frozenset(data.get("media", [])),
        we_groups=tuple(data.get("we_groups", [])),
        non_entities=tuple(
            re.compile(p)
            for p in data.get("non_entities", [])  # case-sensitive: names
        ),
        country_abbreviations=frozenset(data.get("country_abbreviations", [])),
        agent_nouns=tuple(data.get("agent_nouns", [])),
        group_nouns=dict(data.get("group_nouns", {})),
        capitals=dict(data.get("capitals", {})),
        owner_acts=frozenset(data.get("owner_acts", [])),
        owned_nouns=frozenset(data.get("owned_nouns", [])),
    )
