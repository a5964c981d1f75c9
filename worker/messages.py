"""The two message contracts other systems code against: submissions in, commitment events out.

Each is a versioned pydantic model; the JSON Schema files in ``worker/schemas/`` are generated
from them (``python -m worker.messages`` rewrites them, a test fails when they drift), so the
model is the one source of truth and producers or consumers in any language get the file.
Pure: no I/O beyond reading nothing, no framework imports.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

from worker.errors import InvalidArticleError

SUBMISSION_SCHEMA: Final = "commitwatch.article-submission/1"
EVENT_SCHEMA: Final = "commitwatch.commitment-event/1"
SCHEMA_DIR = Path(__file__).with_name("schemas")

# A submission's text may be long (it is capped to extract.max_article_chars when stored), but a
# message over 1 MB of text is a broken or hostile producer, not an article.
MAX_SUBMITTED_TEXT = 1_000_000

EventType = Literal["commitment.created", "commitment.updated", "commitment.withdrawn"]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ArticleSubmission(_Message):
    """One article pushed in by another system, without a feed.

    ``source`` names the producer; ``source_id`` is the article's id there. At least one of
    ``source_id`` and ``url`` is required: they are how a duplicate is recognised.
    """

    model_config = ConfigDict(
        title="commitwatch article submission, version 1",
        json_schema_extra={
            "$id": "https://commitwatch.invalid/schemas/article-submission.v1.json",
            "anyOf": [{"required": ["source_id"]}, {"required": ["url"]}],
        },
    )

    schema_: Literal["commitwatch.article-submission/1"] = Field(
        SUBMISSION_SCHEMA, alias="schema", description="Schema name and version."
    )
    source: str = Field(
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$",
        description="The producing system, e.g. 'newsroom-wire'.",
    )
    source_id: str | None = Field(
        None, min_length=1, max_length=1024, description="The article's id in the producer."
    )
    url: str | None = Field(
        None, min_length=1, max_length=2048, pattern=r"^https?://", description="Canonical URL."
    )
    title: str = Field("", max_length=2000)
    text: str = Field(min_length=1, max_length=MAX_SUBMITTED_TEXT, description="Plain text.")
    published: AwareDatetime | None = Field(
        None, description="Publication time, RFC 3339 with an offset."
    )

    @model_validator(mode="after")
    def _identified(self) -> ArticleSubmission:
        if self.source_id is None and self.url is None:
            raise ValueError("give source_id or url, so a duplicate can be recognised")
        return self

    @property
    def key(self) -> str:
        """What identifies the article within its source: the producer's id, else the URL."""
        return self.source_id or str(self.url)


def parse_submission(payload: Any) -> ArticleSubmission:
    """Validate a decoded message; ``InvalidArticleError`` says what is wrong, field by field."""
    if isinstance(payload, str | bytes):
        try:
            payload = json.loads(payload)
        except ValueError as exc:
            raise InvalidArticleError(f"not JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise InvalidArticleError(f"expected a JSON object, got {type(payload).__name__}")
    try:
        return ArticleSubmission.model_validate(payload)
    except ValidationError as exc:
        raise InvalidArticleError(_describe(exc)) from exc


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in error["loc"]) or "message"
        problems.append(f"{where}: {error['msg'].removeprefix('Value error, ')}")
    return "; ".join(problems)


class EventEntity(_Message):
    """An entity as events carry it: the stable key first, the display name after."""

    key: str = Field(description="Stable across articles: 'gpe:gb', 'org:nato', 'person:...'.")
    name: str
    type: Literal["PERSON", "ORG", "GPE"]
    wikidata_id: str | None = None
    roles: list[str] = Field(default_factory=list, description="What the article calls them.")


class EventCommitment(_Message):
    """The commitment as extracted; entity fields hold keys into the event's ``entities``."""

    key: str = Field(description="Stable id of this commitment across re-extractions.")
    type: str
    status: Literal["announced", "pledged", "proposed", "refused"]
    actor: str | None
    target: str | None
    speaker: str | None = None
    beneficiary: str | None = None
    co_actors: list[str] = Field(default_factory=list)
    sentence: str = Field(description="The evidence: article text[start:end].")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    confidence: float = Field(ge=0, le=1)
    extractor_version: str


class EventArticle(_Message):
    id: int
    url: str | None
    title: str
    published_at: datetime | None
    content_hash: str


class EventSource(_Message):
    """Where the article came from: a polled feed, or a producer that submitted it."""

    kind: Literal["feed", "submission"]
    name: str = Field(description="The feed's URL, or the submitting system's name.")
    title: str | None = None
    source_id: str | None = Field(None, description="The producer's id (submissions only).")


class CommitmentEvent(_Message):
    """A commitment was created, changed, or withdrawn (a re-extraction no longer finds it).

    ``event_id`` is unique and stays the same if the event is published again (delivery is at
    least once): consumers deduplicate on it.
    """

    model_config = ConfigDict(
        title="commitwatch commitment event, version 1",
        json_schema_extra={"$id": "https://commitwatch.invalid/schemas/commitment-event.v1.json"},
    )

    schema_: Literal["commitwatch.commitment-event/1"] = Field(EVENT_SCHEMA, alias="schema")
    event_id: str
    type: EventType
    occurred_at: datetime
    commitment: EventCommitment
    entities: list[EventEntity] = Field(description="Every entity the commitment names.")
    article: EventArticle
    source: EventSource


SCHEMAS: dict[str, type[BaseModel]] = {
    "article-submission.v1.json": ArticleSubmission,
    "commitment-event.v1.json": CommitmentEvent,
}


def json_schema(model: type[BaseModel]) -> str:
    """The published JSON Schema text of ``model`` (what a producer or consumer validates with)."""
    schema = model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    for filename, model in SCHEMAS.items():
        (SCHEMA_DIR / filename).write_text(json_schema(model), encoding="utf-8")
        print(f"wrote {SCHEMA_DIR / filename}")
