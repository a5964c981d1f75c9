"""A deliberately small extractor: keyword cues per sentence, no model, no entities.

It exists so the pipeline and its tests run in milliseconds without loading spaCy; it is never
the default for real feeds. Its output has the same shape as the full extractor's.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from worker.domain import ArticleText, Commitment, Extraction
from worker.extract import ExtractorSettings

VERSION = "minimal-1"
TYPES_FILE = "types.toml"

# One quick cue per known type, faster and looser than the rules extractor's. The types
# themselves come from the data (``types.toml``, with the operator's layer): a type added
# there is found by its own cues (the first part of each) until it gets a quick one here.
_QUICK_CUES: dict[str, re.Pattern[str]] = {
    "sanctions": re.compile(r"\bsanction", re.I),
    "frozen_assets": re.compile(
        r"\b(frozen|freez\w*|seiz\w*|immobilis\w*) (state )?assets?\b", re.I
    ),
    "military_meeting": re.compile(r"\bmilitary chiefs|defen[cs]e ministers\b", re.I),
    "peacekeeping": re.compile(r"\bpeacekeep", re.I),
    "ceasefire": re.compile(r"\bceasefire|cease-fire|truce\b", re.I),
    "military_aid": re.compile(r"\bmilitary aid|air defen[cs]e systems?\b", re.I),
    "diplomatic_talks": re.compile(r"\bpeace talks|negotiat", re.I),
}
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def commitment_types(lexicon_dir: Path | None = None) -> dict[str, dict[str, Any]]:
    """The commitment types in data order: the package's ``types.toml``, then the layer's."""
    package = resources.files("worker").joinpath("data", "extract", TYPES_FILE)
    types: dict[str, dict[str, Any]] = dict(tomllib.loads(package.read_text("utf-8"))["types"])
    layer = lexicon_dir / TYPES_FILE if lexicon_dir is not None else None
    if layer is not None and layer.is_file():
        for name, spec in tomllib.loads(layer.read_text("utf-8")).get("types", {}).items():
            types[name] = {**types.get(name, {}), **spec}
    return types


def _cue(name: str, spec: dict[str, Any]) -> re.Pattern[str]:
    if name in _QUICK_CUES:
        return _QUICK_CUES[name]
    parts = [cue.split("&&")[0].strip() for cue in spec.get("cues", [])] or [re.escape(name)]
    return re.compile("|".join(f"(?:{part})" for part in parts), re.I)


class MinimalExtractor:
    """One ``proposed`` commitment per (sentence, cue type), actor unknown, low confidence."""

    version = VERSION

    def __init__(self, settings: ExtractorSettings | None = None) -> None:
        types = commitment_types(settings.lexicon_dir if settings else None)
        self._cues = {name: _cue(name, spec) for name, spec in types.items()}

    def extract(self, article: ArticleText) -> Extraction:
        commitments = []
        for match in _SENTENCE.finditer(article.text):
            sentence = match.group().strip()
            if not sentence:
                continue
            start = match.start() + match.group().index(sentence)
            for kind, cue in self._cues.items():
                if cue.search(sentence):
                    commitments.append(
                        Commitment(
                            type=kind,
                            status="proposed",
                            actor_key=None,
                            target_key=None,
                            sentence=sentence,
                            start=start,
                            end=start + len(sentence),
                            confidence=0.1,
                        )
                    )
        return Extraction(extractor_version=VERSION, commitments=tuple(commitments))

    def extract_many(self, articles: Iterable[ArticleText]) -> Iterator[Extraction]:
        return (self.extract(article) for article in articles)
