"""The extractor on the labelled dev set: floors that ratchet up as the rules improve.

Floors are the achieved figures minus a small margin; raise them when a change improves the
figures, never lower them to let a regression through.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from worker.evaluate import EvaluationReport, evaluate_files
from worker.extract.rules import RulesExtractor

pytestmark = pytest.mark.slow

FLOORS = {
    "commitments_f1": 0.845,
    "actor_accuracy": 0.86,
    "status_accuracy": 0.85,
    "entities_f1": 0.96,
}


@pytest.fixture(scope="module")
def report(rules: RulesExtractor, eval_dir: Path) -> EvaluationReport:
    return evaluate_files(eval_dir / "articles.jsonl", eval_dir / "dev.jsonl", rules)


def test_dev_set_scores_every_labelled_article(report: EvaluationReport) -> None:
    assert report.articles == 15
    assert report.commitments_overall.tp + report.commitments_overall.fn == 142


@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_dev_set_figures_stay_above_their_floors(report: EvaluationReport, figure: str) -> None:
    achieved = {
        "commitments_f1": report.commitments_overall.f1,
        "actor_accuracy": report.actor_accuracy,
        "status_accuracy": report.status_accuracy,
        "entities_f1": report.entities_overall.f1,
    }[figure]
    assert achieved >= FLOORS[figure], f"{figure} fell to {achieved:.3f}"
