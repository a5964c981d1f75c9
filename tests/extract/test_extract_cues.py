"""Type cues and statuses read from the lexicon: the label rules as data (no model)."""

from __future__ import annotations

import pytest

from worker.extract.cues import find_cues, is_forecast, status_of
from worker.extract.lexicon import Lexicon, load_lexicon


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(None)


def statuses(text: str, lexicon: Lexicon) -> dict[str, str]:
    return {h.type: status_of(text, h, lexicon)[0] for h in find_cues(text, lexicon, set())}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Council adopted a new package of sanctions.", {"sanctions": "announced"}),
        ("Britain will impose sanctions on Moscow.", {"sanctions": "pledged"}),
        ("Zelensky called for tougher sanctions.", {"sanctions": "proposed"}),
        ("Hungary rejected the sanctions.", {"sanctions": "refused"}),
        ("The minister ruled out sending troops to Ukraine.", {"peacekeeping": "refused"}),
        (
            "We are announcing today that we will provide air defense systems.",
            {"military_aid": "announced"},
        ),
        ("Allies must be prepared to help strengthen Ukraine.", {"military_aid": "proposed"}),
        ("Grossi put forward a proposed ceasefire window.", {"ceasefire": "proposed"}),
        ("The US decided to pause military aid.", {"military_aid": "announced"}),
    ],
)
def test_cues_status_follows_the_label_definitions(
    text: str, expected: dict[str, str], lexicon: Lexicon
) -> None:
    assert statuses(text, lexicon) == expected


def test_cues_in_conditions_and_questions_do_not_count(lexicon: Lexicon) -> None:
    text = "Troops are ready to deploy if Russia and Ukraine agree on a ceasefire."
    assert {h.type for h in find_cues(text, lexicon, set())} == {"peacekeeping"}
    asked = "Asked about a ceasefire, she said military chiefs would meet."
    assert {h.type for h in find_cues(asked, lexicon, set())} == {"military_meeting"}


def test_cues_several_types_in_one_sentence(lexicon: Lexicon) -> None:
    text = "Leaders agreed to tighten sanctions and to use frozen assets for a loan."
    assert {h.type for h in find_cues(text, lexicon, set())} == {"sanctions", "frozen_assets"}


def test_cues_context_needs_an_earlier_cue(lexicon: Lexicon) -> None:
    text = "The funds will be disbursed by December."
    assert find_cues(text, lexicon, set()) == []
    assert {h.type for h in find_cues(text, lexicon, {"frozen_assets"})} == {"frozen_assets"}


@pytest.mark.parametrize(
    "text",
    [
        "In our view, sanctions are unlikely to change the course of the war.",
        "Russia is likely to make slow but steady territorial gains.",
        "It also lists 165 goods under embargo.",
    ],
)
def test_cues_forecasts_and_enumerations_are_not_commitments(text: str, lexicon: Lexicon) -> None:
    assert is_forecast(text, lexicon)
