"""Commitments: per sentence, each cued type with its status, actor, target and evidence.

A sentence yields at most one commitment per (type, status) and per (type, clause): one that
announces one aid package and pledges another yields two, a type named twice in one clause
yields one. A sentence that forecasts, describes effects or re-states a measure yields none,
and so does a cue without an identifiable actor: the label rules count only decisions and
statements of someone who can be named. Confidence grows with the cue's strength, an actor
named in the sentence itself and an explicit status verb.
"""

from __future__ import annotations

from dataclasses import dataclass

from worker.domain import Commitment, CommitmentStatus, Mention
from worker.extract.actors import ActorResolver, Attribution
from worker.extract.cues import (
    CueHit,
    clause_bounds,
    find_cues,
    has_strong_cue,
    inside,
    is_forecast,
    masked_regions,
    status_of,
)
from worker.extract.entities import ArticleEntities
from worker.extract.lexicon import Lexicon
from worker.extract.sentences import Sentence
from worker.extract.targets import Targets

# Longer "sentences" are tables, lists or markup run together, not evidence a reader would
# quote; skipping them also bounds the per-sentence rules, which look at every mention.
MAX_SENTENCE_CHARS = 2000


def _confidence(hit: CueHit, who: Attribution, explicit_status: bool) -> float:
    score = 0.35 + 0.25 * hit.strength
    score += 0.2 if who.from_sentence else 0.0
    score += 0.15 if explicit_status else 0.0
    return round(min(score, 0.95), 2)


def _without_guesses(found: list[tuple[Commitment, bool]]) -> list[Commitment]:
    """Drop a commitment whose actor is only inherited when the sentence names one of its type."""
    named = {c.type for c, from_sentence in found if from_sentence}
    return [c for c, from_sentence in found if from_sentence or c.type not in named]


@dataclass(frozen=True, slots=True)
class Reading:
    """What the rules read in one sentence: its mentions, cues, masked regions, whether it
    forecasts (or restates a measure), and the commitments they make of it."""

    mentions: tuple[Mention, ...] = ()
    hits: tuple[CueHit, ...] = ()
    regions: tuple[tuple[int, int], ...] = ()
    forecast: bool = False
    commitments: tuple[Commitment, ...] = ()


class ArticleCommitments:
    """Walks the sentences of one article in order, keeping discourse focus between them."""

    def __init__(self, lexicon: Lexicon, entities: ArticleEntities, publisher: str | None) -> None:
        self._lex = lexicon
        self._actors = ActorResolver(lexicon, entities, publisher)
        self._targets = Targets(lexicon, {e.key for e in entities.entities})
        self._mentions = sorted(entities.mentions, key=lambda m: m.start)
        self._seen: set[str] = set()
        self._topical = False

    def run(self, sentences: list[Sentence]) -> list[Commitment]:
        """All commitments of the article, sentence by sentence, in order."""
        self.begin(sentences)
        return [c for sentence in sentences for c in self.sentence(sentence)]

    def begin(self, sentences: list[Sentence]) -> None:
        """Read the whole article once: weak cues count only where a strong one is somewhere."""
        self._topical = any(has_strong_cue(s.text, self._lex) for s in sentences)

    @property
    def actors(self) -> ActorResolver:
        """The actor resolver, with the discourse focus these sentences left."""
        return self._actors

    def sentence(self, sentence: Sentence) -> list[Commitment]:
        reading = self.read(sentence)
        self.advance(sentence, reading)
        return list(reading.commitments)

    def read(self, sentence: Sentence) -> Reading:
        """The sentence's cues and commitments, before its names join the discourse focus."""
        mentions = [m for m in self._mentions if sentence.start <= m.start < sentence.end]
        if len(sentence.text) > MAX_SENTENCE_CHARS:
            return Reading(tuple(mentions))
        regions = masked_regions(sentence.text, self._lex)
        hits = find_cues(sentence.text, self._lex, self._seen, self._topical, regions)
        self._seen |= {h.type for h in hits if h.strength >= 1.0}
        forecast = is_forecast(sentence.text, self._lex)
        found = [] if forecast else self._commitments(sentence, mentions, hits, regions)
        return Reading(tuple(mentions), tuple(hits), tuple(regions), forecast, tuple(found))

    def advance(self, sentence: Sentence, reading: Reading) -> None:
        """After a sentence is read: its names and its first actor join the discourse focus."""
        self._actors.remember(sentence.text, sentence.start, list(reading.mentions))
        if reading.commitments:
            self._actors.focus.actor = reading.commitments[0].actor_key
            self._actors.focus.actor_age = 0

    def _commitments(
        self,
        sentence: Sentence,
        mentions: list[Mention],
        hits: list[CueHit],
        regions: list[tuple[int, int]],
    ) -> list[Commitment]:
        candidates = [m for m in mentions if not inside(m.start - sentence.start, regions)]
        found: list[tuple[Commitment, bool]] = []
        keys: set[tuple[str, object]] = set()
        for hit in hits:
            status, explicit = status_of(sentence.text, hit, self._lex, regions)
            clause_start, _ = clause_bounds(sentence.text, hit.start)
            if {(hit.type, status), (hit.type, clause_start)} & keys:
                continue
            if hit.strength < 1.0 and not explicit:
                continue
            cue = (hit.type, hit.start, clause_start)
            who = self._actors.attribute(sentence.text, sentence.start, candidates, cue)
            if who.actor is None:
                continue
            keys |= {(hit.type, status), (hit.type, clause_start)}
            commitment = self._build(sentence, candidates, cue, status, who, explicit, hit)
            found.append((commitment, who.from_sentence))
        return _without_guesses(found)

    def _build(
        self,
        sentence: Sentence,
        mentions: list[Mention],
        cue: tuple[str, int, int],
        status: str,
        who: Attribution,
        explicit: bool,
        hit: CueHit,
    ) -> Commitment:
        kind: CommitmentStatus = status  # type: ignore[assignment]
        taken = {who.actor, who.speaker, *who.co_actors}
        text, offset = sentence.text, sentence.start
        beneficiary = None
        if hit.type == "frozen_assets":
            beneficiary = self._targets.beneficiary(text, offset, mentions)
        return Commitment(
            type=hit.type,
            status=kind,
            actor_key=who.actor,
            target_key=self._targets.target(text, offset, mentions, cue, taken),
            beneficiary_key=beneficiary,
            sentence=sentence.text,
            start=sentence.start,
            end=sentence.end,
            confidence=_confidence(hit, who, explicit),
            speaker_key=who.speaker,
            co_actor_keys=who.co_actors,
        )
