"""The rules extractor end to end on texts the project may copy: the seed and a White House
readout. Entities are canonical with verbatim spans; commitments carry actor, status, speaker."""

from __future__ import annotations

import pytest

from worker.domain import ArticleText, Extraction
from worker.extract import load_extractor
from worker.extract.rules import VERSION, RulesExtractor

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seed_extraction(rules: RulesExtractor, seed: ArticleText) -> Extraction:
    return rules.extract(seed)


def surfaces(extraction: Extraction, key: str) -> set[str]:
    return {m.text for m in extraction.mentions if m.entity_key == key}


def test_rules_is_registered_and_versioned() -> None:
    extractor = load_extractor("rules")
    assert extractor.version == VERSION
    assert extractor.extract(ArticleText(text="")).extractor_version == VERSION


def test_rules_mentions_are_verbatim_and_keyed(
    seed_extraction: Extraction, seed: ArticleText
) -> None:
    keys = {e.key for e in seed_extraction.entities}
    for mention in seed_extraction.mentions:
        assert seed.text[mention.start : mention.end] == mention.text
        assert mention.entity_key in keys
    assert len(keys) == len(seed_extraction.entities)  # one entity per real-world thing


@pytest.mark.parametrize(
    ("key", "name", "kind", "forms"),
    [
        (
            "person:keir-starmer",
            "Keir Starmer",
            "PERSON",
            {"Keir Starmer", "Sir Keir", "Mr Starmer"},
        ),
        ("gpe:gb", "United Kingdom", "GPE", {"Britain", "UK"}),
        ("org:nato", "NATO", "ORG", {"Nato"}),
        (
            "person:volodymyr-zelensky",
            "Volodymyr Zelensky",
            "PERSON",
            {"Zelenskyy", "President Zelensky"},
        ),
        (
            "org:coalition-of-the-willing",
            "Coalition of the Willing",
            "ORG",
            {"coalition of the willing"},
        ),
        ("org:x-twitter", "X (Twitter)", "ORG", {"Twitter /X"}),
        ("gpe:us", "United States", "GPE", {"US"}),
        ("gpe:moscow", "Moscow", "GPE", {"Moscow"}),
    ],
)
def test_rules_entities_are_canonical(
    seed_extraction: Extraction, key: str, name: str, kind: str, forms: set[str]
) -> None:
    entity = next(e for e in seed_extraction.entities if e.key == key)
    assert (entity.name, entity.type) == (name, kind)
    assert forms <= surfaces(seed_extraction, key)


def test_rules_entities_carry_wikidata_and_roles(seed_extraction: Extraction) -> None:
    by_key = {e.key: e for e in seed_extraction.entities}
    assert by_key["gpe:gb"].wikidata_id == "Q145"  # from rigour
    assert by_key["person:vladimir-putin"].wikidata_id == "Q7747"  # from the curated list
    assert "Italian Prime Minister" in by_key["person:giorgia-meloni"].roles
    assert "Nato secretary-general" in by_key["person:mark-rutte"].roles
    assert not any(e.name == "European" for e in seed_extraction.entities)  # NORP is not kept


def find(
    extraction: Extraction, kind: str, starts: str
) -> list[tuple[str, str | None, str | None]]:
    return [
        (c.status, c.actor_key, c.speaker_key)
        for c in extraction.commitments
        if c.type == kind and c.sentence.startswith(starts)
    ]


@pytest.mark.parametrize(
    ("kind", "starts", "expected"),
    [
        (
            "sanctions",
            "After the meeting, President Zelensky",
            ("proposed", "person:volodymyr-zelensky", None),
        ),
        (
            "military_aid",
            "“We will build up",
            ("pledged", "org:coalition-of-the-willing", "person:keir-starmer"),
        ),
        ("ceasefire", "Mr Starmer accused Putin", ("refused", "person:vladimir-putin", None)),
        (
            "peacekeeping",
            "The Prime Minister confirmed",
            ("announced", "person:keir-starmer", None),
        ),
        ("ceasefire", "Putin has indicated", ("proposed", "person:vladimir-putin", None)),
    ],
)
def test_rules_commitments_on_the_seed(
    seed_extraction: Extraction, kind: str, starts: str, expected: tuple[str, str, str | None]
) -> None:
    assert expected in find(seed_extraction, kind, starts)


def test_rules_commitment_spans_are_verbatim(
    seed_extraction: Extraction, seed: ArticleText
) -> None:
    assert seed_extraction.commitments
    for c in seed_extraction.commitments:
        assert seed.text[c.start : c.end] == c.sentence
        assert 0.0 < c.confidence <= 1.0
        assert c.actor_key in {e.key for e in seed_extraction.entities}


def test_rules_forecasts_are_not_commitments(seed_extraction: Extraction) -> None:
    assert not find(seed_extraction, "diplomatic_talks", "Donald Trump said on Friday")
    assert not find(seed_extraction, "ceasefire", "Donald Trump said on Friday")


def test_rules_joint_actions_and_capitals(rules: RulesExtractor, black_sea: ArticleText) -> None:
    extraction = rules.extract(black_sea)
    by_key = {e.key: e for e in extraction.entities}
    assert by_key["gpe:riyadh"].name == "Riyadh"  # a capital stays a GPE of its own
    assert {"Saudi Arabia", "Kingdom of Saudi Arabia"} <= surfaces(extraction, "gpe:sa")
    agreed = [
        c
        for c in extraction.commitments
        if c.sentence.startswith("The United States and Russia have")
    ]
    assert [(c.type, c.status, c.actor_key, c.co_actor_keys) for c in agreed] == [
        ("ceasefire", "announced", "gpe:us", ("gpe:ru",))
    ]
    relief = find(extraction, "sanctions", "The United States will help restore")
    assert relief == [("pledged", "gpe:us", None)]


def test_rules_extract_many_keeps_order(
    rules: RulesExtractor, seed: ArticleText, black_sea: ArticleText
) -> None:
    many = list(rules.extract_many([black_sea, seed, black_sea]))
    assert [len(x.entities) for x in many] == [
        len(rules.extract(black_sea).entities),
        len(rules.extract(seed).entities),
        len(rules.extract(black_sea).entities),
    ]


def test_rules_leaders_call_is_talks_only_in_a_topical_article(rules: RulesExtractor) -> None:
    call = "President Biden spoke with President Zelenskyy of Ukraine on Monday."
    topical = call + " The United States will impose new sanctions on Russia."
    found = rules.extract(ArticleText(text=topical)).commitments
    assert ("diplomatic_talks", "announced", "person:joe-biden") in {
        (c.type, c.status, c.actor_key) for c in found
    }
    assert rules.extract(ArticleText(text=call)).commitments == ()


def test_rules_administration_is_its_state(rules: RulesExtractor) -> None:
    text = "The Biden administration announced new sanctions on Russia on Friday."
    extraction = rules.extract(ArticleText(text=text))
    assert [(c.type, c.status, c.actor_key) for c in extraction.commitments] == [
        ("sanctions", "announced", "gpe:us")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The EU imposed new sanctions on Russia on Friday.",
            ("sanctions", "org:eu", "gpe:ru", None),
        ),
        (
            "The G7 agreed a $50bn loan to Ukraine backed by Russia's frozen assets.",
            ("frozen_assets", "org:g7", "gpe:ru", "gpe:ua"),
        ),
        (
            "Germany will provide Ukraine with two more Patriot systems.",
            ("military_aid", "gpe:de", "gpe:ua", None),
        ),
    ],
)
def test_rules_targets_and_beneficiaries_follow_the_label_conventions(
    rules: RulesExtractor, text: str, expected: tuple[str, str, str, str | None]
) -> None:
    found = {
        (c.type, c.actor_key, c.target_key, c.beneficiary_key)
        for c in rules.extract(ArticleText(text=text)).commitments
    }
    assert expected in found


def test_rules_entities_drop_headings_but_keep_surnames(rules: RulesExtractor) -> None:
    text = (
        "Swedish Finance Minister Elisabeth Svantesson spoke in Brussels. "
        "Svantesson said the decision was important.\nBackground\nCruise ships can keep calling."
    )
    extraction = rules.extract(ArticleText(text=text))
    assert [(m.text, m.entity_key) for m in extraction.mentions] == [
        ("Elisabeth Svantesson", "person:elisabeth-svantesson"),
        ("Brussels", "gpe:brussels"),
        ("Svantesson", "person:elisabeth-svantesson"),
    ]
    person = next(e for e in extraction.entities if e.type == "PERSON")
    assert person.roles == ("Swedish Finance Minister",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # refusal and negation
        (
            "Russia rejected the proposal for a 30-day ceasefire.",
            {("ceasefire", "refused", "gpe:ru")},
        ),
        (
            "The UK ruled out sending troops to Ukraine without a US backstop.",
            {("peacekeeping", "refused", "gpe:gb")},
        ),
        # a conditional threat is a pledge; the condition itself is not a commitment
        (
            "Sanctions will be imposed if Russia refuses to negotiate, the EU said.",
            {("sanctions", "pledged", "org:eu")},
        ),
        # several commitments in one sentence
        (
            "China called for a ceasefire and peace talks.",
            {("ceasefire", "proposed", "gpe:cn"), ("diplomatic_talks", "proposed", "gpe:cn")},
        ),
        # reported speech: the speaker's country acts
        (
            "Putin said Russia was ready for talks but would not give up any territory.",
            {
                ("diplomatic_talks", "pledged", "gpe:ru"),
                ("diplomatic_talks", "refused", "person:vladimir-putin"),
            },
        ),
        # forecasts are not commitments
        ("Analysts expect the EU to adopt a new sanctions package next month.", set()),
        ("The ceasefire collapsed within hours as both sides traded accusations.", set()),
    ],
)
def test_rules_hard_cases(
    rules: RulesExtractor, text: str, expected: set[tuple[str, str, str]]
) -> None:
    found = rules.extract(ArticleText(text=text)).commitments
    assert {(c.type, c.status, c.actor_key) for c in found} == expected


def test_rules_camel_case_names_are_organisations(rules: RulesExtractor) -> None:
    text = (
        "OpenAI released a model. Yann LeCun, chief AI scientist at Meta, disagreed. "
        "LeCun said so. BlackRock declined to comment."
    )
    entities = {(e.key, e.type) for e in rules.extract(ArticleText(text=text)).entities}
    assert {
        ("org:openai", "ORG"),
        ("org:blackrock", "ORG"),
        ("person:yann-lecun", "PERSON"),
    } <= entities


def test_rules_model_runs_on_one_openblas_thread(rules: RulesExtractor) -> None:
    """blis is slower here than OpenBLAS; OpenBLAS on two threads would fight the other worker."""
    from threadpoolctl import threadpool_info

    ner = rules._nlp.get_pipe("ner")
    assert getattr(ner.model.ops, "use_blis", True) is False
    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")
