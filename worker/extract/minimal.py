"""A deliberately small extractor: keyword cues per sentence, no model, no entities.

It exists so the pipeline and its tests run in milliseconds without loading spaCy; it is never
the default for real feeds. Its output has the same shape as the full extractor's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from worker.domain import ArticleText, Commitment, Extraction

VERSION = "minimal-1"

_CUES: dict[str, re.Pattern[str]] = {
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


class MinimalExtractor:
    """One ``proposed`` commitment per (sentence, cue type), actor unknown, low confidence."""

    version = VERSION

    def extract(self, article: ArticleText) -> Extraction:
        commitments = []
        for match in _SENTENCE.finditer(article.text):
            sentence = match.group().strip()
            if not sentence:
                continue
            start = match.start() + match.group().index(sentence)
            for kind, cue in _CUES.items():
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
