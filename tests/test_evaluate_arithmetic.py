"""The scorer's arithmetic, pinned on small hand-made articles (no model loaded)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from worker.domain import ArticleText, Commitment, Entity, Extraction, Mention
from worker.evaluate import (
    Counts,
    combine,
    evaluate_files,
    parse_gold,
    render_report,
    score_article,
)

TEXT = "Britain will impose sanctions on Russia. The UK and France agreed a ceasefire plan."
FIRST = TEXT.split(". ")[0] + "."
SECOND = TEXT[len(FIRST) + 1 :]


def gold_row(*commitments: dict[str, object]) -> dict[str, object]:
    return {
        "id": "a1",
        "entities": [
            {"name": "United Kingdom", "type": "GPE", "mentions": ["Britain", "UK"]},
            {"name": "Russia", "type": "GPE", "mentions": ["Russia"]},
            {"name": "France", "type": "GPE", "mentions": ["France"]},
        ],
        "commitments": list(commitments),
    }


def commitment(kind: str, status: str, actor: str | None, sentence: str) -> Commitment:
    start = TEXT.index(sentence)
    return Commitment(kind, status, actor, None, sentence, start, start + len(sentence), 0.5)  # type: ignore[arg-type]


UK = Entity("gpe:gb", "United Kingdom", "GPE")
FR = Entity("gpe:fr", "France", "GPE")
RU = Entity("gpe:ru", "Russia", "GPE")


def mention(key: str, surface: str) -> Mention:
    start = TEXT.index(surface)
    return Mention(key, start, start + len(surface), surface)


def extraction(*commitments: Commitment, entities: tuple[Entity, ...] = (UK, RU)) -> Extraction:
    mentions = [mention("gpe:gb", "Britain"), mention("gpe:gb", "UK"), mention("gpe:ru", "Russia")]
    if FR in entities:
        mentions.append(mention("gpe:fr", "France"))
    return Extraction("test-1", entities, tuple(mentions), commitments)


def test_counts_precision_recall_f1() -> None:
    counts = Counts(tp=3, fp=1, fn=2)
    assert counts.precision == pytest.approx(0.75)
    assert counts.recall == pytest.approx(0.6)
    assert counts.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert Counts().f1 == 0.0
    assert Counts(1, 0, 0) + Counts(0, 2, 3) == Counts(1, 2, 3)


def test_evaluate_matches_type_and_overlapping_sentence() -> None:
    gold = parse_gold(
        gold_row(
            {"type": "sanctions", "actor": "United Kingdom", "status": "pledged", "sentence": FIRST}
        ),
        TEXT,
    )
    right = commitment("sanctions", "pledged", "gpe:gb", FIRST)
    wrong_type = commitment("ceasefire", "pledged", "gpe:gb", FIRST)
    score = score_article(gold, TEXT, extraction(right, wrong_type))
    assert score.commitments["sanctions"] == Counts(1, 0, 0)
    assert score.commitments["ceasefire"] == Counts(0, 1, 0)
    assert (score.matched, score.actor_right, score.status_right) == (1, 1, 1)


@pytest.mark.parametrize(
    ("pred_span", "matches"),
    [
        ((0, 20), True),  # 20 of the 40 gold characters: exactly half the shorter span
        ((0, 19), True),  # 19 of a 19-character prediction: the shorter one is inside
        ((10, 50), True),  # 30 shared characters of 40
        ((21, 80), False),  # 19 shared characters of a 40-character gold sentence
    ],
)
def test_evaluate_overlap_is_half_the_shorter_span(
    pred_span: tuple[int, int], matches: bool
) -> None:
    text = "x" * 40 + " " + "y" * 40
    gold = parse_gold(
        {
            "id": "a",
            "entities": [],
            "commitments": [
                {"type": "sanctions", "actor": "EU", "status": "announced", "sentence": "x" * 40}
            ],
        },
        text,
    )
    start, end = pred_span
    pred = Commitment("sanctions", "announced", None, None, text[start:end], start, end, 0.5)
    score = score_article(gold, text, Extraction("t", commitments=(pred,)))
    assert score.commitments["sanctions"].tp == int(matches)


def test_evaluate_matching_is_one_to_one() -> None:
    gold = parse_gold(
        gold_row(
            {"type": "sanctions", "actor": "United Kingdom", "status": "pledged", "sentence": FIRST}
        ),
        TEXT,
    )
    twice = commitment("sanctions", "pledged", "gpe:gb", FIRST)
    score = score_article(gold, TEXT, extraction(twice, twice))
    assert score.commitments["sanctions"] == Counts(tp=1, fp=1, fn=0)


def test_evaluate_tie_prefers_the_pair_that_agrees() -> None:
    gold = parse_gold(
        gold_row(
            {"type": "ceasefire", "actor": "France", "status": "proposed", "sentence": SECOND},
            {
                "type": "ceasefire",
                "actor": "United Kingdom",
                "status": "announced",
                "sentence": SECOND,
            },
        ),
        TEXT,
    )
    preds = (
        commitment("ceasefire", "announced", "gpe:gb", SECOND),
        commitment("ceasefire", "proposed", "gpe:fr", SECOND),
    )
    score = score_article(gold, TEXT, extraction(*preds, entities=(UK, RU, FR)))
    assert (score.matched, score.actor_right, score.status_right) == (2, 2, 2)


@pytest.mark.parametrize(
    ("actor_key", "gold_extra", "right"),
    [
        ("gpe:gb", {}, True),  # predicted entity named "United Kingdom" with mention "UK"
        ("gpe:fr", {}, False),
        ("gpe:fr", {"co_actors": ["France"]}, True),
        ("gpe:fr", {"speaker": "France"}, True),
        (None, {}, False),
    ],
)
def test_evaluate_actor_accuracy_uses_aliases_co_actors_and_speaker(
    actor_key: str | None, gold_extra: dict[str, object], right: bool
) -> None:
    row = {"type": "ceasefire", "actor": "UK", "status": "announced", "sentence": SECOND}
    gold = parse_gold(gold_row({**row, **gold_extra}), TEXT)
    pred = commitment("ceasefire", "announced", actor_key, SECOND)
    score = score_article(gold, TEXT, extraction(pred, entities=(UK, RU, FR)))
    assert score.matched == 1
    assert score.actor_right == int(right)


def test_evaluate_entities_match_by_name_or_mention_per_type() -> None:
    gold = parse_gold(gold_row(), TEXT)
    wrong_type = Entity("org:france", "France", "ORG")
    pred = extraction(entities=(UK, RU, wrong_type))
    pred = Extraction(
        pred.extractor_version, pred.entities, (*pred.mentions, mention("org:france", "France"))
    )
    score = score_article(gold, TEXT, pred)
    assert score.entities["GPE"] == Counts(tp=2, fp=0, fn=1)
    assert score.entities["ORG"] == Counts(tp=0, fp=1, fn=0)
    assert score.entities["PERSON"] == Counts()


def test_evaluate_combines_articles_micro_averaged() -> None:
    gold = parse_gold(
        gold_row(
            {"type": "sanctions", "actor": "United Kingdom", "status": "pledged", "sentence": FIRST}
        ),
        TEXT,
    )
    hit = score_article(gold, TEXT, extraction(commitment("sanctions", "refused", "gpe:gb", FIRST)))
    miss = score_article(gold, TEXT, extraction())
    report = combine([hit, miss])
    assert report.commitments_overall == Counts(tp=1, fp=0, fn=1)
    assert report.status_accuracy == 0.0
    assert report.actor_accuracy == 1.0
    assert report.entities_overall == Counts(tp=4, fp=0, fn=2)


class FixedExtractor:
    """Returns one pledged UK sanctions commitment on the first sentence of every article."""

    version = "fixed-1"

    def extract(self, article: ArticleText) -> Extraction:
        return extraction(commitment("sanctions", "pledged", "gpe:gb", FIRST))

    def extract_many(self, articles: Iterable[ArticleText]) -> Iterator[Extraction]:
        return (self.extract(a) for a in articles)


def test_evaluate_files_scores_only_labelled_articles(tmp_path: Path) -> None:
    articles = tmp_path / "articles.jsonl"
    gold = tmp_path / "gold.jsonl"
    rows = [{"id": "a1", "text": TEXT}, {"id": "unlabelled", "text": TEXT}]
    articles.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    label = {"type": "sanctions", "actor": "Britain", "status": "pledged", "sentence": FIRST}
    gold.write_text(json.dumps(gold_row(label)) + "\n", encoding="utf-8")
    report = evaluate_files(articles, gold, FixedExtractor())
    assert report.articles == 1
    assert report.commitments_overall == Counts(1, 0, 0)
    figures = json.loads(json.dumps(report.as_dict()))
    assert figures["commitments"]["overall"]["f1"] == 1.0
    assert figures["commitments"]["actor_accuracy"] == 1.0
    assert figures["entities"]["by_type"]["GPE"]["recall"] == pytest.approx(0.6667, abs=1e-4)
    table = render_report(report)
    assert "sanctions" in table and "actor accuracy  1.000 (1/1)" in table


def test_evaluate_rejects_gold_sentences_not_in_the_text() -> None:
    row = gold_row({"type": "sanctions", "actor": "UK", "status": "pledged", "sentence": "Absent."})
    with pytest.raises(ValueError, match="gold sentence not in text"):
        parse_gold(row, TEXT)
