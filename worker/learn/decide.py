"""The commitments of one article, decided by the trained models over the walk's features.

Per sentence: every type whose probability clears its threshold (several may; for a type the
training found the rules better at, the rules' say-so instead), then for each
its status (the status model), its actor (the best-scored candidate; no candidate, no
commitment: the label rules count only decisions of someone who can be named), its target and
beneficiary by the rules.
"""

from __future__ import annotations

from worker.domain import Commitment, CommitmentStatus
from worker.extract.entities import ArticleEntities
from worker.extract.lexicon import Lexicon
from worker.extract.sentences import Sentence
from worker.learn.models import TrainedModels
from worker.learn.walk import ArticleWalk, Step


def decide_article(
    models: TrainedModels,
    lexicon: Lexicon,
    entities: ArticleEntities,
    publisher: str | None,
    sentences: list[Sentence],
) -> list[Commitment]:
    walk = ArticleWalk(lexicon, entities, publisher)
    walk.begin(sentences)
    found: list[Commitment] = []
    for sentence in sentences:
        step = walk.step(sentence)
        here = _decide_step(models, walk, step) if step is not None else []
        walk.settle(step, sentence)
        found += here
    return found


def _decide_step(models: TrainedModels, walk: ArticleWalk, step: Step) -> list[Commitment]:
    probabilities = models.type_probabilities([list(step.type_features)])[0]
    by_rules = {c.type for c in step.rules}
    found = []
    for kind, p in zip(models.types.classes, probabilities, strict=True):
        threshold = models.thresholds.get(kind, 0.5)
        if (kind not in by_rules) if threshold is None else (p < threshold):
            continue
        commitment = _commitment(models, walk, step, kind, float(p))
        if commitment is not None:
            found.append(commitment)
    return found


def _commitment(
    models: TrainedModels, walk: ArticleWalk, step: Step, kind: str, p: float
) -> Commitment | None:
    who, candidates = walk.candidates(step, kind)
    if not candidates:
        return None
    actor_scores = models.actor.probabilities([list(c.features) for c in candidates])[:, -1]
    actor = candidates[int(actor_scores.argmax())].key
    status_scores = models.status.probabilities([walk.status_features(step, kind)])[0]
    status: CommitmentStatus = models.status.classes[int(status_scores.argmax())]  # type: ignore[assignment]
    speaker = who.speaker if who.speaker != actor else None
    co_actors = tuple(k for k in who.co_actors if k != actor)
    sentence = step.sentence
    return Commitment(
        type=kind,
        status=status,
        actor_key=actor,
        target_key=walk.target(step, kind, {actor, speaker, *co_actors}),
        beneficiary_key=walk.beneficiary(step) if kind == "frozen_assets" else None,
        sentence=sentence.text,
        start=sentence.start,
        end=sentence.end,
        confidence=round(p, 2),
        speaker_key=speaker,
        co_actor_keys=co_actors,
    )
