"""Extraction: article text in, entities and commitments out. Pure: no I/O frameworks here.

Extractors are chosen by name in ``config/`` (``extract.name``) and built once per process by
``load_extractor``; the pipeline only knows the ``Extractor`` protocol. Every factory,
registered here or plugged in as ``module:factory``, receives its ``ExtractorSettings``.
May import the domain, the errors and the data files; never the store, the queue, Redis,
HTTP or any service package.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, cast

from worker.domain import ArticleText, Extraction
from worker.errors import ConfigError


class Extractor(Protocol):
    """Turns articles into extractions. Implementations must be safe to call repeatedly."""

    version: str

    def extract(self, article: ArticleText) -> Extraction:
        """Extract one article."""
        ...

    def extract_many(self, articles: Iterable[ArticleText]) -> Iterator[Extraction]:
        """Extract articles in order, batching where the implementation can."""
        ...


@dataclass(frozen=True, slots=True)
class ExtractorSettings:
    """What every extractor factory receives: its part of the ``[extract]`` section.

    ``lexicon_dir`` overrides the data files in ``worker/data/extract/``; ``model_dir`` selects
    a trained set for ``learned`` (``commitwatch train`` makes one); ``options`` is the
    ``[extract.options]`` table, free-form, for a plugged-in extractor's own settings.
    """

    lexicon_dir: Path | None = None
    model_dir: Path | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


ExtractorFactory = Callable[[ExtractorSettings], Extractor]


def _minimal(settings: ExtractorSettings) -> Extractor:
    from worker.extract.minimal import MinimalExtractor

    return MinimalExtractor(settings)


def _rules(settings: ExtractorSettings) -> Extractor:
    from worker.extract.rules import RulesExtractor

    return RulesExtractor(settings.lexicon_dir) if settings.lexicon_dir else RulesExtractor()


def _learned(settings: ExtractorSettings) -> Extractor:
    from worker.extract.lexicon import DEFAULT_LEXICON_DIR
    from worker.learn.extractor import LearnedExtractor
    from worker.learn.models import DEFAULT_MODEL_DIR

    return LearnedExtractor(
        settings.model_dir or DEFAULT_MODEL_DIR, settings.lexicon_dir or DEFAULT_LEXICON_DIR
    )


EXTRACTORS: dict[str, ExtractorFactory] = {
    "minimal": _minimal,
    "rules": _rules,
    "learned": _learned,
}


def load_extractor(
    name: str,
    *,
    lexicon_dir: Path | None = None,
    model_dir: Path | None = None,
    options: Mapping[str, Any] | None = None,
) -> Extractor:
    """Build the extractor named ``name``; load models here, once per process.

    ``name`` is a registered name (``learned``, ``rules``, ``minimal``) or an import path
    ``package.module:factory`` to plug in an extractor of your own without touching this
    code. Every factory, registered or plugged in, is called with one ``ExtractorSettings``.
    """
    if lexicon_dir is not None and not lexicon_dir.is_dir():
        raise ConfigError(f"extract.lexicon_dir {str(lexicon_dir)!r} is not a directory")
    if model_dir is not None and not model_dir.is_dir():
        raise ConfigError(f"extract.model_dir {str(model_dir)!r} is not a directory")
    settings = ExtractorSettings(lexicon_dir, model_dir, dict(options or {}))
    factory = EXTRACTORS[name] if name in EXTRACTORS else _imported_factory(name)
    return factory(settings)


def _imported_factory(path: str) -> ExtractorFactory:
    known = ", ".join(sorted(EXTRACTORS))
    module_name, _, attribute = path.partition(":")
    if not attribute:
        raise ConfigError(f"unknown extractor {path!r}; choose one of {known}, or module:factory")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot load extractor {path!r}: {exc}") from None
    if not callable(factory):
        raise ConfigError(f"extractor {path!r} is not callable")
    return cast(ExtractorFactory, factory)
