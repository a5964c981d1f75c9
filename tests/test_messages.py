"""The published message contracts: schema files in step with the models, clear rejections."""

from __future__ import annotations

import json
from typing import Any

import pytest

from worker.errors import InvalidArticleError
from worker.messages import SCHEMA_DIR, SCHEMAS, json_schema, parse_submission

VALID: dict[str, Any] = {
    "source": "newsroom-wire",
    "source_id": "2026-11-25-0001",
    "url": "https://news.test/a",
    "title": "Sanctions",
    "text": "The United Kingdom will impose sanctions on Russia.",
    "published": "2026-11-25T08:00:00+01:00",
}


@pytest.mark.parametrize("filename", sorted(SCHEMAS))
def test_published_schema_files_match_the_models(filename: str) -> None:
    committed = (SCHEMA_DIR / filename).read_text(encoding="utf-8")
    assert committed == json_schema(SCHEMAS[filename]), (
        f"{filename} is stale: run python -m worker.messages"
    )


def test_submission_schema_requires_an_identity_for_other_languages() -> None:
    schema = json.loads((SCHEMA_DIR / "article-submission.v1.json").read_text())
    assert schema["required"] == ["source", "text"]
    assert schema["anyOf"] == [{"required": ["source_id"]}, {"required": ["url"]}]
    assert schema["additionalProperties"] is False


def test_a_valid_submission_parses_from_a_dict_or_json_text() -> None:
    for payload in (VALID, json.dumps(VALID), json.dumps(VALID).encode()):
        submission = parse_submission(payload)
        assert submission.key == "2026-11-25-0001"
        assert submission.published is not None
        assert submission.published.utcoffset() is not None


def test_the_url_identifies_a_submission_without_a_source_id() -> None:
    payload = {k: v for k, v in VALID.items() if k != "source_id"}
    assert parse_submission(payload).key == "https://news.test/a"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"text": None}, "text"),
        ({"text": "   "}, "text: String should have at least 1 character"),
        ({"source_id": None, "url": None}, "give source_id or url"),
        ({"url": "javascript:alert(1)"}, "url: String should match pattern"),
        ({"source": "../../etc"}, "source: String should match pattern"),
        ({"published": "2026-11-25T08:00:00"}, "published: Input should have timezone info"),
        ({"extra": 1}, "extra: Extra inputs are not permitted"),
        ({"schema": "commitwatch.article-submission/2"}, "schema: Input should be"),
        ({"text": "x" * 1_000_001}, "text: String should have at most 1000000 characters"),
    ],
)
def test_an_invalid_submission_is_rejected_naming_the_field(
    change: dict[str, Any], reason: str
) -> None:
    payload = {**VALID, **change}
    payload = {k: v for k, v in payload.items() if v is not None}
    with pytest.raises(InvalidArticleError) as caught:
        parse_submission(payload)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [("{not json", "not JSON"), ([VALID], "expected a JSON object, got list"), (7, "got int")],
)
def test_a_message_that_is_not_an_object_is_rejected(payload: Any, reason: str) -> None:
    with pytest.raises(InvalidArticleError, match=reason):
        parse_submission(payload)
