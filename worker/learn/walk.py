"""One article walked sentence by sentence: the features each learned decision reads.

Training and extraction walk articles the same way, so a model sees at run time exactly the
features it was trained on. The walk keeps the rule resolver's discourse focus (last person,
subject, quote speaker, last actor) and offers every actor candidate a reader would weigh:
the rules' actor, speaker and co-actors, each entity of the sentence, the actor in focus, the
publisher.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from worker.domain import Commitment, Mention
from worker.extract.actors import FOCUS_SENTENCES, Attribution
from worker.extract.commitments import MAX_SENTENCE_CHARS, ArticleCommitments, Reading
from worker.extract.cues import CueHit, clause_bounds, find_cues, inside, status_of
from worker.extract.entities import ArticleEntities
from worker.extract.lexicon import Lexicon
from worker.extract.sentences import Sentence
from worker.extract.targets import Targets
from worker.learn.features import around, conjoin, sentence_words, shape, words


@dataclass(frozen=True, slots=True)
class Step:
    """One sentence with what the decisions about it read: the rules' reading, the mentions
    outside masked clauses (the actor and target candidates) and the type features."""

    sentence: Sentence
    reading: Reading
    mentions: tuple[Mention, ...]
    type_features: tuple[str, ...]

    @property
    def hits(self) -> tuple[CueHit, ...]:
        return self.reading.hits

    @property
    def regions(self) -> tuple[tuple[int, int], ...]:
        return self.reading.regions

    @property
    def rules(self) -> tuple[Commitment, ...]:
        return self.reading.commitments

    def cue_at(self, kind: str) -> int:
        """Where the type is cued: its first cue, else the first cue of any type, else 0."""
        own = [h.start for h in self.hits if h.type == kind]
        return (own or [h.start for h in self.hits] or [0])[0]


@dataclass(frozen=True, slots=True)
class Candidate:
    key: str
    features: tuple[str, ...]


class ArticleWalk:
    """Walks one article; ``step`` then ``settle`` for each sentence, in order.

    The rules read each sentence first (cues, masks, their own commitments); the walk turns
    that reading into features, and the rules' discourse focus moves on at ``settle``.
    """

    def __init__(self, lexicon: Lexicon, entities: ArticleEntities, publisher: str | None) -> None:
        self._lex = lexicon
        self._publisher = publisher
        self._rules = ArticleCommitments(lexicon, entities, publisher)
        self._actors = self._rules.actors
        self._targets = Targets(lexicon, {e.key for e in entities.entities})
        self._types = {e.key: e.type for e in entities.entities}
        self._roles = {e.key for e in entities.entities if e.roles}
        self._counts = Counter(m.entity_key for m in entities.mentions)
        self._index = 0
        self._previous_cues: frozenset[str] = frozenset()

    def begin(self, sentences: list[Sentence]) -> None:
        self._rules.begin(sentences)

    def step(self, sentence: Sentence) -> Step | None:
        """The sentence's step, or None for one too long to be evidence."""
        reading = self._rules.read(sentence)
        if len(sentence.text) > MAX_SENTENCE_CHARS:
            self._rules.advance(sentence, reading)
            self._index += 1
            return None
        start, regions = sentence.start, list(reading.regions)
        unmasked = tuple(m for m in reading.mentions if not inside(m.start - start, regions))
        features = self._type_features(sentence.text, reading)
        self._previous_cues = frozenset(h.type for h in reading.hits)
        return Step(sentence, reading, unmasked, tuple(features))

    def settle(self, step: Step | None, sentence: Sentence) -> None:
        """After the sentence's commitments are decided: the discourse focus moves on."""
        if step is not None:
            self._rules.advance(sentence, step.reading)
            self._index += 1

    # --- types ----------------------------------------------------------------------------

    def _type_features(self, text: str, reading: Reading) -> list[str]:
        hits = reading.hits
        kinds = (self._types.get(m.entity_key, "") for m in reading.mentions)
        found = sentence_words(text)
        found += shape(text, kinds, self._index)
        found += [f"cue={h.type}" for h in hits]
        found += [f"cue={h.type}:{h.strength}" for h in hits]
        found += ["nocue"] if not hits else []
        if reading.regions:
            unmasked = {h.type for h in find_cues(text, self._lex, set(), True, [])}
            found += [f"masked={t}" for t in unmasked - {h.type for h in hits}]
        found += ["forecast"] if reading.forecast else []
        found += [f"prevcue={t}" for t in self._previous_cues]
        found += [
            f"rst={r.name}" for r in self._lex.statuses if any(c.search(text) for c in r.cues)
        ]
        found += [f"rt={c.type}" for c in reading.commitments]
        found += [f"rt={c.type}:{c.status}" for c in reading.commitments]
        return found

    # --- status ---------------------------------------------------------------------------

    def status_features(self, step: Step, kind: str) -> list[str]:
        text = step.sentence.text
        cue_at = step.cue_at(kind)
        hit = CueHit(kind, cue_at, cue_at, 0.0)
        rule, explicit = status_of(text, hit, self._lex, list(step.regions))
        local = [*around(text, cue_at), f"rule={rule}", f"explicit={explicit}"]
        local += [f"rt_status={c.status}" for c in step.rules if c.type == kind]
        clause_start, clause_end = clause_bounds(text, cue_at)
        local += [f"clause={w}" for w in words(text[clause_start:clause_end])]
        return [*sentence_words(text), *local, *conjoin(kind, local)]

    # --- actors ---------------------------------------------------------------------------

    def candidates(self, step: Step, kind: str) -> tuple[Attribution, list[Candidate]]:
        """The rules' attribution and every candidate actor with its features."""
        text, offset = step.sentence.text, step.sentence.start
        cue_at = step.cue_at(kind)
        clause_start, _ = clause_bounds(text, cue_at)
        who = self._actors.attribute(
            text, offset, list(step.mentions), (kind, cue_at, clause_start)
        )
        focus = self._actors.focus
        keys = [who.actor, who.speaker, *who.co_actors, *(m.entity_key for m in step.mentions)]
        keys += [focus.actor if focus.actor_age <= FOCUS_SENTENCES else None, self._publisher]
        keys += [focus.group]
        known = [k for k in dict.fromkeys(keys) if k is not None and k in self._types]
        return who, [Candidate(k, tuple(self._actor_features(step, kind, k, who))) for k in known]

    def _actor_features(self, step: Step, kind: str, key: str, who: Attribution) -> list[str]:
        text, offset = step.sentence.text, step.sentence.start
        cue_at = step.cue_at(kind)
        focus = self._actors.focus
        found = [f"etype={self._types[key]}"]
        found += ["rule"] if key == who.actor else []
        found += ["rule_speaker"] if key == who.speaker else []
        found += ["rule_co"] if key in who.co_actors else []
        found += ["rule_inherited"] if key == who.actor and not who.from_sentence else []
        found += (
            ["rt_actor"] if any(c.actor_key == key for c in step.rules if c.type == kind) else []
        )
        found += ["rt_any_actor"] if any(c.actor_key == key for c in step.rules) else []
        found += ["focus"] if key == focus.actor and focus.actor_age <= FOCUS_SENTENCES else []
        found += ["publisher"] if key == self._publisher else []
        found += ["group"] if key == focus.group else []
        found += ["media"] if key in self._lex.media else []
        found += ["role"] if key in self._roles else []
        found += [f"freq={min(self._counts[key], 6)}"]
        own = [m for m in step.mentions if m.entity_key == key]
        if own:
            first = own[0]
            rel = first.start - offset
            found += ["in_sentence", f"side={'before' if rel < cue_at else 'after'}"]
            found += ["first"] if first is step.mentions[0] else []
            found += [f"prev={w}" for w in words(text[max(0, rel - 30) : rel])[-2:]]
            found += [f"next={w}" for w in words(text[first.end - offset :])[:2]]
            found += ["possessive"] if text[first.end - offset :].startswith(("'s", "’s")) else []
        else:
            found += ["outside"]
        return [*found, *conjoin(kind, found)]

    def target(self, step: Step, kind: str, taken: set[str | None]) -> str | None:
        text, offset = step.sentence.text, step.sentence.start
        cue_at = step.cue_at(kind)
        clause_start, _ = clause_bounds(text, cue_at)
        cue = (kind, cue_at, clause_start)
        return self._targets.target(text, offset, list(step.mentions), cue, taken)

    def beneficiary(self, step: Step) -> str | None:
        text, offset = step.sentence.text, step.sentence.start
        return self._targets.beneficiary(text, offset, list(step.mentions))
