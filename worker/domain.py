"""Domain values passed between the pure core and the adapters.

Frozen dataclasses and nothing else: no I/O, no framework imports. ORM classes live only in
``worker.store``; these are what the feed parser and the extractor return and what the store
persists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

EntityType = Literal["PERSON", "ORG", "GPE"]
ENTITY_TYPES: tuple[EntityType, ...] = ("PERSON", "ORG", "GPE")

CommitmentStatus = Literal["announced", "pledged", "proposed", "refused"]


class ArticleStatus:
    """Where an article is in its life: stored, extracted, or given up on."""

    PENDING = "pending"
    DONE = "done"
    DEAD = "dead"


def utcnow() -> datetime:
    """Timezone-aware now, the service's one clock: every timestamp it stores is UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry of a feed, reduced to what identifies and describes an article.

    ``key`` identifies the entry within its feed (guid, else link, else a hash of title and
    text); ``content_hash`` changes when the publisher edits the entry, so an edit is re-processed.
    """

    key: str
    title: str
    link: str | None
    text: str
    published: datetime | None
    content_hash: str


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What a feed document yields: its entries plus the hints the scheduler uses."""

    title: str
    entries: tuple[FeedEntry, ...]
    ttl_minutes: int | None = None
    bozo_message: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleText:
    """The extractor's input: an article as plain text (the title is context, not labelled)."""

    text: str
    title: str | None = None
    published: datetime | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    """A real-world entity named in an article.

    ``key`` is stable across articles ("gpe:gb", "org:nato", "person:keir-starmer") so the store
    can keep one row per entity; ``roles`` are what the text calls a person ("Prime Minister").
    ``parent_key`` is the key of the body it belongs to ("org:european-commission" ->
    "org:eu", "org:us-state-department" -> "gpe:us"), so a query for the parent finds it.
    """

    key: str
    name: str
    type: EntityType
    wikidata_id: str | None = None
    roles: tuple[str, ...] = ()
    parent_key: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of an entity: ``text == article_text[start:end]``."""

    entity_key: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Commitment:
    """An actor's announced, pledged, proposed or refused action of one commitment type.

    ``sentence`` is the evidence, ``text[start:end]`` of the article. Entity fields hold entity
    keys from the same extraction; ``speaker_key`` is who said it when speaking for a group.
    """

    type: str
    status: CommitmentStatus
    actor_key: str | None
    target_key: str | None
    sentence: str
    start: int
    end: int
    confidence: float
    speaker_key: str | None = None
    co_actor_keys: tuple[str, ...] = ()
    beneficiary_key: str | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one article by one extractor version."""

    extractor_version: str
    entities: tuple[Entity, ...] = ()
    mentions: tuple[Mention, ...] = ()
    commitments: tuple[Commitment, ...] = ()
