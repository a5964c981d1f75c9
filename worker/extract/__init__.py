"""Extraction: article text in, entities and commitments out. Pure: no I/O frameworks here.

Extractors are chosen by name in ``config/`` (``extract.name``) and built once per process by
``load_extractor``; the pipeline only knows the ``Extractor`` protocol.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol, cast

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


ExtractorFactory = Callable[[], Extractor]
RegisteredFactory = Callable[[Path | None, Path | None], Extractor]


def _minimal(lexicon_dir: Path | None, model_dir: Path | None) -> Extractor:
    from worker.extract.minimal import MinimalExtractor

    return MinimalExtractor()


def _rules(lexicon_dir: Path | None, model_dir: Path | None) -> Extractor:
    from worker.extract.rules import RulesExtractor

    return RulesExtractor(lexicon_dir) if lexicon_dir else RulesExtractor()


def _learned(lexicon_dir: Path | None, model_dir: Path | None) -> Extractor:
    from worker.extract.lexicon import DEFAULT_LEXICON_DIR
    from worker.learn.extractor import LearnedExtractor
    from worker.learn.models import DEFAULT_MODEL_DIR

    return LearnedExtractor(model_dir or DEFAULT_MODEL_DIR, lexicon_dir or DEFAULT_LEXICON_DIR)


EXTRACTORS: dict[str, RegisteredFactory] = {
    "minimal": _minimal,
    "rules": _rules,
    "learned": _learned,
}


def load_extractor(
    name: str, *, lexicon_dir: Path | None = None, model_dir: Path | None = None
) -> Extractor:
    """Build the extractor named ``name``; load models here, once per process.

    ``name`` is a registered name (``learned``, ``rules``, ``minimal``) or an import path
    ``package.module:factory`` (called with no arguments) to plug in an extractor of your own
    without touching this code. ``lexicon_dir`` overrides the registered extractors' lexicons;
    ``model_dir`` selects a trained set for ``learned`` (``commitwatch train`` makes one).
    """
    if lexicon_dir is not None and not lexicon_dir.is_dir():
        raise ConfigError(f"extract.lexicon_dir {str(lexicon_dir)!r} is not a directory")
    if model_dir is not None and not model_dir.is_dir():
        raise ConfigError(f"extract.model_dir {str(model_dir)!r} is not a directory")
    if name in EXTRACTORS:
        return EXTRACTORS[name](lexicon_dir, model_dir)
    return _imported_factory(name)()


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
