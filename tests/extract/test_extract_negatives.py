"""Articles with no commitment must yield none, including ones that use the vocabulary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from worker.domain import ArticleText
from worker.extract.rules import RulesExtractor

pytestmark = pytest.mark.slow

# Hand-written hard negatives in the spirit of the gold set's (not copies of any article).
HARD_NEGATIVES = [
    "Prime Minister Shehbaz Sharif spoke by phone with the cricket board chairman on Sunday "
    "about the venue of the T20 World Cup match. The board said the team would travel to Colombo.",
    "Researchers in Potsdam warned that droughts could threaten food security across Europe. "
    "The report describes climate change as a threat multiplier for conflict.",
    "UEFA moved the Kyiv match to a neutral venue in Poland for security reasons. "
    "Dynamo will play its home games there until further notice.",
    "The company will cut 11,000 jobs in Germany by 2028, its chief executive said on Tuesday.",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_negatives_hand_written_yield_no_commitment(rules: RulesExtractor, text: str) -> None:
    assert rules.extract(ArticleText(text=text)).commitments == ()


def test_negatives_in_the_dev_set_yield_no_commitment(
    rules: RulesExtractor, eval_dir: Path
) -> None:
    gold = [json.loads(line) for line in (eval_dir / "dev.jsonl").read_text().splitlines() if line]
    negatives = {g["id"] for g in gold if not g["commitments"]}
    assert negatives, "the dev set has negative articles"
    for line in (eval_dir / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] in negatives:
            extraction = rules.extract(ArticleText(text=row["text"], url=row.get("source_url")))
            assert extraction.commitments == (), row["id"]
