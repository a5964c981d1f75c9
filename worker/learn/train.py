"""Training: labelled articles in, the type, status and actor models out.

Every sentence the walk yields becomes a type example (the types of the gold commitments whose
sentence it overlaps by half, the scoring rule); every gold commitment a status example and a
set of actor examples (its candidates, the right one positive). Type thresholds are chosen by
cross-validation over articles, never on held-out data: the validation split is only scored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from worker.domain import ArticleText
from worker.extract.entities import ArticleEntities
from worker.extract.lexicon import Lexicon
from worker.extract.rules import RulesExtractor, publisher_of
from worker.extract.scoring import (
    GoldArticle,
    GoldCommitment,
    gold_forms,
    normalise_name,
    parse_gold,
)
from worker.extract.sentences import Sentence, split_sentences
from worker.learn.corpus import labelled_articles
from worker.learn.linear import N_FEATURES, Features, LinearModel, fit
from worker.learn.models import TrainedModels
from worker.learn.walk import ArticleWalk, Candidate

# Inverse regularisation strength; chosen by cross-validation on the training split
# (0.1 to 2 all within 0.01 F1 there; 0.25 the best).
C = 0.25
FOLDS = 5
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.05, 0.91, 0.05))

Analysed = tuple[ArticleText, ArticleEntities, dict[str, Any]]


@dataclass(slots=True)
class Examples:
    """Feature rows and labels for the three models; ``groups`` is each type row's article."""

    type_rows: list[Features] = field(default_factory=list)
    type_labels: list[frozenset[str]] = field(default_factory=list)
    rule_types: list[frozenset[str]] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)
    status_rows: list[Features] = field(default_factory=list)
    status_labels: list[str] = field(default_factory=list)
    actor_rows: list[Features] = field(default_factory=list)
    actor_labels: list[str] = field(default_factory=list)


def _overlaps(gold: GoldCommitment, sentence: Sentence) -> bool:
    overlap = min(gold.end, sentence.end) - max(gold.start, sentence.start)
    shorter = min(gold.end - gold.start, sentence.end - sentence.start)
    return shorter > 0 and 2 * overlap >= shorter


def _forms(entities: ArticleEntities) -> dict[str, set[str]]:
    forms = {e.key: {normalise_name(e.name)} for e in entities.entities}
    for mention in entities.mentions:
        forms.setdefault(mention.entity_key, set()).add(normalise_name(mention.text))
    return forms


def _right(
    gold: GoldArticle,
    commitment: GoldCommitment,
    candidates: list[Candidate],
    forms: dict[str, set[str]],
) -> list[Candidate]:
    """The candidates that are the gold actor, else any of its right actors (speaker, co-actors)."""
    for names in ((commitment.actor,), commitment.right_actors):
        wanted = set().union(*(gold_forms(gold, n) for n in names))
        right = [c for c in candidates if forms.get(c.key, set()) & wanted]
        if right:
            return right
    return []


def collect(lexicon: Lexicon, analysed: Iterable[Analysed]) -> Examples:
    """Examples from articles with their resolved entities and gold rows."""
    examples = Examples()
    for index, (article, entities, row) in enumerate(analysed):
        gold = parse_gold(row, article.text)
        _collect_article(examples, index, lexicon, article, entities, gold)
    return examples


def _collect_article(
    examples: Examples,
    index: int,
    lexicon: Lexicon,
    article: ArticleText,
    entities: ArticleEntities,
    gold: GoldArticle,
) -> None:
    forms = _forms(entities)
    sentences = split_sentences(article.text)
    walk = ArticleWalk(lexicon, entities, publisher_of(article.url, lexicon))
    walk.begin(sentences)
    for sentence in sentences:
        step = walk.step(sentence)
        if step is None:
            continue
        matched = [g for g in gold.commitments if _overlaps(g, sentence)]
        examples.type_rows.append(step.type_features)
        examples.type_labels.append(frozenset(g.type for g in matched))
        examples.rule_types.append(frozenset(c.type for c in step.rules))
        examples.groups.append(index)
        for commitment in matched:
            examples.status_rows.append(walk.status_features(step, commitment.type))
            examples.status_labels.append(commitment.status)
            _, candidates = walk.candidates(step, commitment.type)
            right = _right(gold, commitment, candidates, forms)
            if not right:
                continue
            examples.actor_rows += [c.features for c in candidates]
            examples.actor_labels += ["1" if c in right else "0" for c in candidates]
        walk.settle(step, sentence)


# --- fitting -----------------------------------------------------------------------------------


def fit_types(
    rows: Sequence[Features], labels: Sequence[frozenset[str]], types: Sequence[str], c: float = C
) -> LinearModel:
    """One binary model per type, stacked; a type with no example never fires."""
    coefs, intercepts = [], []
    for kind in types:
        target = ["1" if kind in label else "0" for label in labels]
        if len(set(target)) < 2:
            coefs.append(np.zeros((1, N_FEATURES), np.float32))
            intercepts.append(np.array([-20.0], np.float32))
            continue
        model = fit(rows, target, c)
        coefs.append(model.coef)
        intercepts.append(model.intercept)
    return LinearModel(tuple(types), np.vstack(coefs), np.concatenate(intercepts))


def out_of_fold(
    examples: Examples, types: Sequence[str], c: float = C, folds: int = FOLDS
) -> np.ndarray:
    """Type probabilities of every row from a model that never saw its article."""
    groups = np.array(examples.groups)
    fold_of = np.array(
        [int(hashlib.sha256(str(g).encode()).hexdigest(), 16) % folds for g in groups]
    )
    result = np.zeros((len(examples.type_rows), len(types)))
    for fold in range(folds):
        train = np.flatnonzero(fold_of != fold)
        test = np.flatnonzero(fold_of == fold)
        if not len(test):
            continue
        model = fit_types(
            [examples.type_rows[i] for i in train],
            [examples.type_labels[i] for i in train],
            types,
            c,
        )
        result[test] = model.independent_probabilities([examples.type_rows[i] for i in test])
    return result


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _counts(predicted: np.ndarray, truth: np.ndarray) -> tuple[int, int, int]:
    return (
        int((predicted & truth).sum()),
        int((predicted & ~truth).sum()),
        int((~predicted & truth).sum()),
    )


def choose_thresholds(
    probabilities: np.ndarray,
    examples: Examples,
    types: Sequence[str],
) -> dict[str, float | None]:
    """Per type, the threshold with the best out-of-fold sentence-level F1, or None where the
    rules' own decisions score better on the same sentences (rare types with few examples)."""
    chosen: dict[str, float | None] = {}
    for j, kind in enumerate(types):
        truth = np.array([kind in label for label in examples.type_labels])
        best = max(THRESHOLDS, key=lambda t: _f1(*_counts(probabilities[:, j] >= t, truth)))
        model_f1 = _f1(*_counts(probabilities[:, j] >= best, truth))
        rules = np.array([kind in found for found in examples.rule_types])
        chosen[kind] = None if _f1(*_counts(rules, truth)) > model_f1 else float(best)
    return chosen


def train_models(
    examples: Examples, types: Sequence[str], card: dict[str, Any], c: float = C
) -> TrainedModels:
    """Fit the three models on all examples; thresholds from cross-validation."""
    thresholds = choose_thresholds(out_of_fold(examples, types, c), examples, types)
    type_model = fit_types(examples.type_rows, examples.type_labels, types, c)
    status = fit(examples.status_rows, examples.status_labels, c)
    actor = fit(examples.actor_rows, examples.actor_labels, c)
    digest = hashlib.sha256(type_model.coef.tobytes() + status.coef.tobytes()).hexdigest()[:8]
    trained = datetime.now(UTC).date().isoformat()
    full_card = {
        "name": card.get("name") or f"cw-{trained}-{digest}",
        "trained": trained,
        "examples": {
            "sentences": len(examples.type_rows),
            "sentences_with_commitments": sum(1 for label in examples.type_labels if label),
            "status": len(examples.status_rows),
            "actor_candidates": len(examples.actor_rows),
        },
        **{k: v for k, v in card.items() if k != "name"},
    }
    return TrainedModels(type_model, thresholds, status, actor, full_card)


# --- from files --------------------------------------------------------------------------------


def train_from_files(
    pairs: Sequence[tuple[Path, Path]],
    out: Path,
    lexicon_dir: Path | None = None,
    card: dict[str, Any] | None = None,
) -> TrainedModels:
    """Train on every labelled article of ``pairs`` and save the set to ``out``."""
    labelled = labelled_articles(pairs)
    analyser = RulesExtractor(lexicon_dir)
    articles = [a for a, _ in labelled]
    analysed = (
        (article, entities, gold)
        for (article, entities), (_, gold) in zip(analyser.analyse(articles), labelled, strict=True)
    )
    examples = collect(analyser.lexicon, analysed)
    types = [t.name for t in analyser.lexicon.types]
    data = [{"articles": a.name, "labels": g.name} for a, g in pairs]
    models = train_models(
        examples, types, {"data": data, "articles": len(labelled), **(card or {})}
    )
    models.save(out)
    return models
