"""Commitment identity across re-extractions, and the events a change produces (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from tests.helpers import extraction
from worker.domain import Commitment, Entity
from worker.events import commitment_event, commitment_keys, diff_commitments
from worker.messages import CommitmentEvent, EventArticle, EventSource

SENTENCE = "The United Kingdom will impose sanctions on Russia."
BASE = Commitment("sanctions", "pledged", "gpe:gb", "gpe:ru", SENTENCE, 0, len(SENTENCE), 0.9)


def test_a_key_ignores_status_target_offsets_and_spacing() -> None:
    moved = replace(BASE, status="announced", target_key="gpe:by", start=10, end=61)
    respaced = replace(BASE, sentence=SENTENCE.replace(" ", "  "))
    assert (
        commitment_keys(1, [BASE]) == commitment_keys(1, [moved]) == commitment_keys(1, [respaced])
    )


def test_a_key_changes_with_article_type_actor_or_sentence() -> None:
    (key,) = commitment_keys(1, [BASE])
    others = [
        commitment_keys(2, [BASE]),
        commitment_keys(1, [replace(BASE, type="frozen_assets")]),
        commitment_keys(1, [replace(BASE, actor_key="org:eu")]),
        commitment_keys(1, [replace(BASE, sentence="The UK will impose sanctions on Belarus.")]),
    ]
    assert all(other != [key] for other in others)


def test_repeats_of_one_identity_get_distinct_keys_in_order() -> None:
    keys = commitment_keys(1, [BASE, replace(BASE, target_key="gpe:by"), BASE])
    assert len(set(keys)) == 3
    assert keys[1] == f"{keys[0]}-2" and keys[2] == f"{keys[0]}-3"


def test_diff_names_created_updated_and_withdrawn_and_skips_unchanged() -> None:
    kept, changed, gone, new = (replace(BASE, type=t) for t in ("a", "b", "c", "d"))
    before = {"k": kept, "u": changed, "w": gone}
    after = {"k": kept, "u": replace(changed, status="refused"), "n": new}
    changes = [(c.type, c.key, c.commitment.type) for c in diff_commitments(before, after)]
    assert changes == [
        ("commitment.updated", "u", "b"),
        ("commitment.created", "n", "d"),
        ("commitment.withdrawn", "w", "c"),
    ]
    assert diff_commitments(before, dict(before)) == []


def test_an_event_carries_the_commitment_its_named_entities_article_and_source() -> None:
    result = extraction()
    (change,) = diff_commitments({}, {"key-1": result.commitments[0]})
    bystander = Entity("org:un", "United Nations", "ORG")
    entities = {e.key: e for e in (*result.entities, bystander)}
    event = commitment_event(
        change,
        event_id="e-1",
        occurred_at=datetime(2026, 11, 25, tzinfo=UTC),
        entities=entities,
        version="v1",
        article=EventArticle(id=7, url=None, title="t", published_at=None, content_hash="h"),
        source=EventSource(kind="submission", name="wire", source_id="a1"),
    )
    assert event.commitment.key == "key-1"
    assert (event.commitment.actor, event.commitment.target) == ("gpe:gb", "gpe:ru")
    assert [e.key for e in event.entities] == ["gpe:gb", "gpe:ru"]  # not the bystander
    text = event.model_dump_json(by_alias=True)
    assert CommitmentEvent.model_validate_json(text) == event
    assert '"schema":"commitwatch.commitment-event/1"' in text
