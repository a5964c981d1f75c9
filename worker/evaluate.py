"""Score an extractor against hand-written gold labels (the rules of ``shared/eval/README.md``).

Pure: reads two JSONL files, runs the extractor it is given, and counts. The CLI formats it.

Matching is one-to-one and greedy, so a prediction is never credited twice:

* Commitments: every (gold, predicted) pair of the same article and type whose sentence spans
  overlap by at least half the shorter span is a candidate. Candidates are taken in order of
  overlap (largest first); on a tie the pair that also agrees on status and actor wins, so two
  commitments of one type in one sentence pair up the way a reader would pair them.
* Entities: a predicted entity and a gold one of the same type are candidates when the predicted
  canonical name or one of its mentions equals the gold name or one of the gold mentions, case
  folded. Candidates are taken by the number of shared forms, largest first.

Actor accuracy compares names after alias normalisation: case folding, plus country names mapped
to their ISO code by ``rigour`` ("UK" = "Britain" = "United Kingdom"); the gold entity's mentions,
its ``speaker`` and its ``co_actors`` also count as a right actor.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from worker.extract import Extractor
from worker.extract.scoring import (
    ArticleScore,
    Counts,
    GoldArticle,
    normalise_name,
    parse_gold,
    score_article,
    score_entities,
)
from worker.learn.corpus import Labelled, as_extraction, labelled_articles, load_gold

__all__ = [
    "ArticleScore",
    "Counts",
    "EvaluationReport",
    "GoldArticle",
    "combine",
    "compare_labels",
    "evaluate_files",
    "evaluate_labelled",
    "normalise_name",
    "parse_gold",
    "render_report",
    "score_article",
    "score_entities",
]


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """Micro totals over the scored articles; ``errors`` lists every missed, spurious or
    mislabelled commitment, so a reviewer sees what the figures hide."""

    articles: int
    commitments: dict[str, Counts]
    entities: dict[str, Counts]
    matched: int
    actor_right: int
    status_right: int
    errors: tuple[str, ...] = field(default=())

    @property
    def commitments_overall(self) -> Counts:
        return sum(self.commitments.values(), Counts())

    @property
    def entities_overall(self) -> Counts:
        return sum(self.entities.values(), Counts())

    @property
    def actor_accuracy(self) -> float:
        return self.actor_right / self.matched if self.matched else 0.0

    @property
    def status_accuracy(self) -> float:
        return self.status_right / self.matched if self.matched else 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable figures (errors included, for whoever reviews the run)."""
        return {
            "articles": self.articles,
            "commitments": {
                "overall": self.commitments_overall.as_dict(),
                "by_type": {k: v.as_dict() for k, v in sorted(self.commitments.items())},
                "matched": self.matched,
                "actor_accuracy": round(self.actor_accuracy, 4),
                "status_accuracy": round(self.status_accuracy, 4),
            },
            "entities": {
                "overall": self.entities_overall.as_dict(),
                "by_type": {k: v.as_dict() for k, v in sorted(self.entities.items())},
            },
            "errors": list(self.errors),
        }


# --- totals --------------------------------------------------------------------------------


def _sum_by_key(parts: Iterable[dict[str, Counts]]) -> dict[str, Counts]:
    total: dict[str, Counts] = {}
    for part in parts:
        for key, counts in part.items():
            total[key] = total.get(key, Counts()) + counts
    return total


def combine(scores: Sequence[ArticleScore]) -> EvaluationReport:
    return EvaluationReport(
        articles=len(scores),
        commitments=_sum_by_key(s.commitments for s in scores),
        entities=_sum_by_key(s.entities for s in scores),
        matched=sum(s.matched for s in scores),
        actor_right=sum(s.actor_right for s in scores),
        status_right=sum(s.status_right for s in scores),
        errors=tuple(e for s in scores for e in s.errors),
    )


def evaluate_files(articles_path: Path, gold_path: Path, extractor: Extractor) -> EvaluationReport:
    """Run ``extractor`` on the articles that have gold labels and score them."""
    return evaluate_labelled(labelled_articles([(articles_path, gold_path)]), extractor)


def evaluate_labelled(labelled: Labelled, extractor: Extractor) -> EvaluationReport:
    """Score ``extractor`` on labelled articles (gold rows in plain form)."""
    golds = [parse_gold(row, article.text) for article, row in labelled]
    extractions = extractor.extract_many(article for article, _ in labelled)
    scores = [
        score_article(g, article.text, x)
        for g, (article, _), x in zip(golds, labelled, extractions, strict=True)
    ]
    return combine(scores)


def compare_labels(labelled: Labelled, second: Path) -> EvaluationReport:
    """Agreement: a second labeller's file scored against ``labelled`` as if it were predicted.

    Only articles both labelled are scored; offsets in ``second`` are read like any labels.
    """
    texts = {row["id"]: article.text for article, row in labelled}
    others = {row["id"]: row for row in load_gold(texts, second)}
    both = [(article, row) for article, row in labelled if row["id"] in others]
    scores = [
        score_article(
            parse_gold(row, article.text),
            article.text,
            as_extraction(others[row["id"]], article.text),
        )
        for article, row in both
    ]
    return combine(scores)


def _row(label: str, counts: Counts) -> str:
    return (
        f"{label:<20} {counts.precision:>6.3f} {counts.recall:>6.3f} {counts.f1:>6.3f}"
        f" {counts.tp:>5} {counts.fp:>5} {counts.fn:>5}"
    )


def render_report(report: EvaluationReport) -> str:
    """A plain-text table: commitments overall and per type, accuracies, entities per type."""
    header = f"{'':<20} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}"
    lines = [f"Articles scored: {report.articles}", "", "Commitments", header]
    lines.append(_row("overall", report.commitments_overall))
    lines += [_row(k, v) for k, v in sorted(report.commitments.items())]
    lines += [
        f"actor accuracy  {report.actor_accuracy:.3f} ({report.actor_right}/{report.matched})",
        f"status accuracy {report.status_accuracy:.3f} ({report.status_right}/{report.matched})",
        "",
        "Entities",
        header,
        _row("overall", report.entities_overall),
    ]
    lines += [_row(k, v) for k, v in sorted(report.entities.items())]
    return "\n".join(lines)
