"""Extraction: article text in, entities and commitments out. Pure: no I/O frameworks here.

Extractors are chosen by name in ``config/`` (``extract.name``) and built once per process by
``load_extractor``; the pipeline only knows the ``Extractor`` protocol.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

from worker.domain import ArticleText, Extraction


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


def _minimal() -> Extractor:
    from worker.extract.minimal import MinimalExtractor

    return MinimalExtractor()


def _rules() -> Extractor:
    from worker.extract.rules import RulesExtractor

    return RulesExtractor()


EXTRACTORS: dict[str, ExtractorFactory] = {"minimal": _minimal, "rules": _rules}


def load_extractor(name: str) -> Extractor:
    """Build the extractor registered under ``name``; load models here, once per process."""
    try:
        factory = EXTRACTORS[name]
    except KeyError:
        known = ", ".join(sorted(EXTRACTORS))
        raise ValueError(f"unknown extractor {name!r}; choose one of: {known}") from None
    return factory()
