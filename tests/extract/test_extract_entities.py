"""Entities: whole organisation names, lists kept apart, parents, and what is not an entity."""

from __future__ import annotations

from pathlib import Path

import pytest

from worker.domain import ArticleText, Extraction
from worker.errors import ConfigError
from worker.extract.lexicon import load_lexicon
from worker.extract.rules import RulesExtractor


def _extract(rules: RulesExtractor, text: str) -> Extraction:
    return rules.extract(ArticleText(text=text))


def _names(extraction: Extraction) -> dict[str, str]:
    return {e.name: e.type for e in extraction.entities}


def test_eu_institutions_stay_distinct_and_carry_the_union_as_parent(
    rules: RulesExtractor,
) -> None:
    text = (
        "The European Commission proposed a package. The Council of the EU adopted it and the "
        "European Council welcomed it. The European Union said more would follow."
    )
    by_key = {e.key: e for e in _extract(rules, text).entities}
    for key in ("org:european-commission", "org:council-of-the-eu", "org:european-council"):
        assert by_key[key].parent_key == "org:eu"
    assert by_key["org:eu"].parent_key is None


def test_state_bodies_roll_up_to_their_state(rules: RulesExtractor) -> None:
    text = "The Office of Foreign Assets Control and the State Department named ten banks."
    by_key = {e.key: e for e in _extract(rules, text).entities}
    assert by_key["org:ofac"].parent_key == "org:us-treasury"
    assert by_key["org:us-state-department"].parent_key == "gpe:us"


@pytest.mark.parametrize(
    ("text", "name", "parent"),
    [
        (
            "Diplomats met the UN Human Rights Monitoring Mission in Ukraine on Friday.",
            "UN Human Rights Monitoring Mission in Ukraine",
            "org:un",
        ),
        (
            "Funds went through the U.S. Agency for International Development last year.",
            "USAID",
            "gpe:us",
        ),
        (
            "They met the Presidential Leadership Council President in Aden.",
            "Presidential Leadership Council",
            None,
        ),
        (
            "Officials at the National Security Council said little.",
            "National Security Council",
            None,
        ),
    ],
)
def test_names_cut_by_the_model_are_made_whole(
    rules: RulesExtractor, text: str, name: str, parent: str | None
) -> None:
    entities = {e.name: e for e in _extract(rules, text).entities}
    assert entities[name].type == "ORG"
    assert entities[name].parent_key == parent


def test_lists_are_not_merged(rules: RulesExtractor) -> None:
    names = _names(_extract(rules, "The EU, NATO and the G7 agreed on Monday."))
    assert {"European Union", "NATO", "G7"} <= set(names)
    assert all("," not in n and " and " not in n for n in names)


def test_governments_stand_for_their_state(rules: RulesExtractor) -> None:
    text = "The U.S. Government and the Government of Angola signed it."
    assert {e.key for e in _extract(rules, text).entities} == {"gpe:us", "gpe:ao"}


def test_products_documents_events_and_rooms_are_not_entities(rules: RulesExtractor) -> None:
    text = (
        "Ukraine received Bradley Infantry Fighting Vehicles and Patriots under the Inflation "
        "Reduction Act, Blinken said in the Benjamin Franklin Room before the Madrid Summit."
    )
    names = _names(_extract(rules, text))
    assert not any(w in n for n in names for w in ("Vehicles", "Patriots", "Act", "Room", "Summit"))


def test_speaker_labels_join_the_person_and_shouted_words_are_dropped(
    rules: RulesExtractor,
) -> None:
    text = "SECRETARY BLINKEN: Thank you.\nQUESTION: What about COVID?\nSECRETARY BLINKEN: Yes."
    extraction = _extract(rules, text)
    assert {e.key for e in extraction.entities} == {"person:antony-blinken"}
    assert "SECRETARY BLINKEN" in {m.text for m in extraction.mentions}


def test_a_surname_mention_carries_its_title(rules: RulesExtractor) -> None:
    text = "On Monday, Prime Minister Kishida met President Abbas in Ramallah."
    mentions = {m.text for m in _extract(rules, text).mentions}
    assert {"Prime Minister Kishida", "President Abbas"} <= mentions


def test_banks_and_villages_are_not_people(rules: RulesExtractor) -> None:
    text = "The US listed Promsvyazbank. Fighting went on near Novopavlivka and Komsomolske."
    types = _names(_extract(rules, text))
    assert types.get("Promsvyazbank") == "ORG"
    assert types.get("Novopavlivka") == "GPE"


def test_a_parent_chain_that_loops_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "entities.toml").write_text(
        '[[entity]]\nkey = "org:a"\nname = "A"\ntype = "ORG"\nparent = "org:b"\naliases = []\n'
        '[[entity]]\nkey = "org:b"\nname = "B"\ntype = "ORG"\nparent = "org:a"\naliases = []\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="loops"):
        load_lexicon(tmp_path)


def test_countries_joined_by_hyphens_are_a_list(rules: RulesExtractor) -> None:
    text = "Leaders met in the Japan-Australia-India-U.S. format and the U.S.-Japan Alliance grew."
    keys = {e.key for e in _extract(rules, text).entities}
    assert {"gpe:jp", "gpe:au", "gpe:in", "gpe:us"} <= keys
