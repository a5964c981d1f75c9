"""Small builders for tests: entries, extractions and extractors written by hand."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from worker.domain import ArticleText, Commitment, Entity, Extraction, FeedEntry, Mention

TEXT = "The United Kingdom will impose sanctions on Russia. Talks resume on Monday."


def entry(key: str, text: str = TEXT, title: str = "A title") -> FeedEntry:
    digest = hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
    return FeedEntry(
        key, title, f"https://news.test/{key}", text, datetime(2025, 3, 15, tzinfo=UTC), digest
    )


def extraction(version: str = "test-1") -> Extraction:
    """An extraction of ``TEXT``: two entities, their mentions, one commitment."""
    uk = Entity("gpe:gb", "United Kingdom", "GPE", "Q145")
    ru = Entity("gpe:ru", "Russia", "GPE", "Q159")
    sentence = TEXT.split(". ")[0] + "."
    return Extraction(
        extractor_version=version,
        entities=(uk, ru),
        mentions=(Mention("gpe:gb", 4, 18, "United Kingdom"), Mention("gpe:ru", 44, 50, "Russia")),
        commitments=(
            Commitment("sanctions", "pledged", "gpe:gb", "gpe:ru", sentence, 0, len(sentence), 0.9),
        ),
    )


@dataclass
class ScriptedExtractor:
    """Returns ``extraction()``, or raises the next scripted error; counts its calls."""

    errors: list[Exception] = field(default_factory=list)
    version: str = "test-1"
    calls: int = 0

    def extract(self, article: ArticleText) -> Extraction:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return extraction(self.version)

    def extract_many(self, articles: Iterable[ArticleText]) -> Iterator[Extraction]:
        return (self.extract(a) for a in articles)
