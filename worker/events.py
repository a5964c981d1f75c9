"""What changed between two extractions of one article, as commitment events.

Commitment rows are replaced on every re-extraction, so their database ids change; consumers
need an identity that does not. A commitment's ``key`` is a hash of what makes it the same
commitment (its article, type, actor and evidence sentence); status, target and offsets may
change under the same key, which is an update. Pure: the store calls it inside its transaction.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from worker.domain import Commitment, Entity, Extraction
from worker.messages import (
    CommitmentEvent,
    EventArticle,
    EventCommitment,
    EventEntity,
    EventSource,
    EventType,
)


def commitment_keys(article_id: int, commitments: Sequence[Commitment]) -> list[str]:
    """A stable key per commitment; repeats of the same identity get ``-2``, ``-3``... in order."""
    seen: Counter[str] = Counter()
    keys = []
    for c in commitments:
        sentence = " ".join(c.sentence.split())
        identity = "\x1f".join((str(article_id), c.type, c.actor_key or "", sentence))
        base = hashlib.sha256(identity.encode()).hexdigest()[:32]
        seen[base] += 1
        keys.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return keys


@dataclass(frozen=True, slots=True)
class Change:
    """One commitment event to publish: the commitment as it now is (or last was) and its key."""

    type: EventType
    key: str
    commitment: Commitment


def diff_commitments(
    before: Mapping[str, Commitment], after: Mapping[str, Commitment]
) -> list[Change]:
    """Created and updated in the new extraction's order, then withdrawn in the old order."""
    changes = [
        Change("commitment.created" if key not in before else "commitment.updated", key, new)
        for key, new in after.items()
        if before.get(key) != new
    ]
    changes += [
        Change("commitment.withdrawn", key, old) for key, old in before.items() if key not in after
    ]
    return changes


@dataclass(frozen=True, slots=True)
class ExtractionDiff:
    """What storing a new extraction changes: its commitments' keys and the events to stage."""

    keys: list[str]  # one per new commitment, in order
    changes: list[Change]
    entities: dict[str, Entity]  # every entity an event may name: the old ones, then the new


def diff_extraction(
    article_id: int,
    before: Sequence[Commitment],
    before_entities: Mapping[str, Entity],
    extraction: Extraction,
) -> ExtractionDiff:
    """Compare an article's stored commitments with a new extraction's, by commitment key."""
    keys = commitment_keys(article_id, extraction.commitments)
    changes = diff_commitments(
        dict(zip(commitment_keys(article_id, before), before, strict=True)),
        dict(zip(keys, extraction.commitments, strict=True)),
    )
    entities = {**before_entities, **{e.key: e for e in extraction.entities}}
    return ExtractionDiff(keys, changes, entities)


def commitment_event(
    change: Change,
    *,
    event_id: str,
    occurred_at: datetime,
    entities: Mapping[str, Entity],
    version: str,
    article: EventArticle,
    source: EventSource,
) -> CommitmentEvent:
    """The published event: the commitment, every entity it names, its article and source."""
    c = change.commitment
    named = [c.actor_key, c.target_key, c.speaker_key, c.beneficiary_key, *c.co_actor_keys]
    return CommitmentEvent(
        event_id=event_id,
        type=change.type,
        occurred_at=occurred_at,
        commitment=EventCommitment(
            key=change.key,
            type=c.type,
            status=c.status,
            actor=c.actor_key,
            target=c.target_key,
            speaker=c.speaker_key,
            beneficiary=c.beneficiary_key,
            co_actors=list(c.co_actor_keys),
            sentence=c.sentence,
            start=c.start,
            end=c.end,
            confidence=c.confidence,
            extractor_version=version,
        ),
        entities=[_event_entity(entities[key]) for key in _unique(named) if key in entities],
        article=article,
        source=source,
    )


def _event_entity(entity: Entity) -> EventEntity:
    return EventEntity(
        key=entity.key,
        name=entity.name,
        type=entity.type,
        wikidata_id=entity.wikidata_id,
        roles=list(entity.roles),
    )


def _unique(keys: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(key for key in keys if key))
