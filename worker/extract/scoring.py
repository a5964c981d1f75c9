"""Scoring one extraction against one article's gold labels: the matching rules, pure.

``worker.evaluate`` loads files, runs an extractor and totals these per-article counts; the
rules (one-to-one greedy matching, alias normalisation) are described in its docstring.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rigour.territories import lookup_territory

from worker.domain import ENTITY_TYPES, Extraction


@dataclass(frozen=True, slots=True)
class GoldEntity:
    """A labelled entity: canonical name, type and the surface forms the text uses."""

    name: str
    type: str
    mentions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GoldCommitment:
    """A labelled commitment located in the text; ``right_actors`` are actor, co-actors, speaker."""

    type: str
    status: str
    actor: str
    start: int
    end: int
    right_actors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """One article's labels."""

    id: str
    entities: tuple[GoldEntity, ...]
    commitments: tuple[GoldCommitment, ...]


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, false positives and false negatives of one category."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(frozen=True, slots=True)
class ArticleScore:
    """One article's counts; ``errors`` lists unmatched or mislabelled commitments for review."""

    commitments: dict[str, Counts]
    entities: dict[str, Counts]
    matched: int = 0
    actor_right: int = 0
    status_right: int = 0
    errors: tuple[str, ...] = ()


# --- gold labels ---------------------------------------------------------------


def _gold_commitment(row: dict[str, Any], text: str) -> GoldCommitment:
    start = text.find(row["sentence"])
    if start < 0:
        raise ValueError(f"gold sentence not in text: {row['sentence'][:60]!r}")
    speaker = row.get("speaker")
    right = (row["actor"], *(row.get("co_actors") or ()), *([speaker] if speaker else []))
    return GoldCommitment(
        type=row["type"],
        status=row["status"],
        actor=row["actor"],
        start=start,
        end=start + len(row["sentence"]),
        right_actors=tuple(right),
    )


def parse_gold(row: dict[str, Any], text: str) -> GoldArticle:
    """One gold line; sentences are located in ``text`` (first occurrence)."""
    entities = tuple(
        GoldEntity(e["name"], e["type"], tuple(e.get("mentions") or ())) for e in row["entities"]
    )
    commitments = tuple(_gold_commitment(c, text) for c in row.get("commitments") or ())
    return GoldArticle(row["id"], entities, commitments)


# --- matching ------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def normalise_name(name: str) -> str:
    """Alias normalisation: a country name becomes its code, anything else is case folded."""
    territory = lookup_territory(name)
    if territory is not None and territory.is_country:
        return f"country:{territory.code}"
    return name.casefold().strip()


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


Candidate = tuple[tuple[int, ...], int, int]  # (score, gold index, predicted index)


def _greedy(candidates: list[Candidate]) -> list[tuple[int, int]]:
    """Pick (gold, predicted) pairs by descending score, each index used once."""
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _, g, p in sorted(candidates, key=lambda c: (tuple(-s for s in c[0]), c[1], c[2])):
        if g not in used_gold and p not in used_pred:
            used_gold.add(g)
            used_pred.add(p)
            pairs.append((g, p))
    return pairs


def _entity_forms(extraction: Extraction) -> dict[str, set[str]]:
    forms: dict[str, set[str]] = {e.key: {e.name.casefold()} for e in extraction.entities}
    for mention in extraction.mentions:
        forms.setdefault(mention.entity_key, set()).add(mention.text.casefold())
    return forms


def gold_forms(gold: GoldArticle, name: str) -> set[str]:
    """The normalised forms of a gold entity by its canonical name (name and mentions)."""
    for entity in gold.entities:
        if entity.name == name:
            return {normalise_name(f) for f in (entity.name, *entity.mentions)}
    return {normalise_name(name)}


def score_entities(gold: GoldArticle, extraction: Extraction) -> dict[str, Counts]:
    forms = _entity_forms(extraction)
    preds = list(extraction.entities)
    candidates: list[Candidate] = []
    for g, ge in enumerate(gold.entities):
        gold_forms = {f.casefold() for f in (ge.name, *ge.mentions)}
        for p, pe in enumerate(preds):
            shared = len(gold_forms & forms.get(pe.key, set()))
            if pe.type == ge.type and shared:
                candidates.append(((shared,), g, p))
    pairs = _greedy(candidates)
    result: dict[str, Counts] = {}
    for kind in ENTITY_TYPES:
        tp = sum(1 for g, _ in pairs if gold.entities[g].type == kind)
        n_gold = sum(1 for e in gold.entities if e.type == kind)
        n_pred = sum(1 for e in preds if e.type == kind)
        result[kind] = Counts(tp, n_pred - tp, n_gold - tp)
    return result


def _actor_right(gold: GoldArticle, gc: GoldCommitment, forms: set[str]) -> bool:
    normalised = {normalise_name(f) for f in forms}
    return any(normalised & gold_forms(gold, name) for name in gc.right_actors)


def score_article(gold: GoldArticle, text: str, extraction: Extraction) -> ArticleScore:
    """Counts for one article; ``text`` is the article text the spans refer to."""
    forms = _entity_forms(extraction)
    preds = list(extraction.commitments)
    candidates: list[Candidate] = []
    for g, gc in enumerate(gold.commitments):
        for p, pc in enumerate(preds):
            overlap = _overlap((gc.start, gc.end), (pc.start, pc.end))
            shorter = min(gc.end - gc.start, pc.end - pc.start)
            if pc.type == gc.type and shorter > 0 and 2 * overlap >= shorter:
                agree = int(pc.status == gc.status) + int(
                    _actor_right(gold, gc, forms.get(pc.actor_key or "", set()))
                )
                candidates.append(((overlap, agree), g, p))
    pairs = _greedy(candidates)
    types = {c.type for c in gold.commitments} | {c.type for c in preds}
    counts = {}
    for kind in types:
        tp = sum(1 for g, _ in pairs if gold.commitments[g].type == kind)
        counts[kind] = Counts(
            tp,
            sum(1 for c in preds if c.type == kind) - tp,
            sum(1 for c in gold.commitments if c.type == kind) - tp,
        )
    actor_right = status_right = 0
    errors = []
    for g, p in pairs:
        gc, pc = gold.commitments[g], preds[p]
        a_ok = _actor_right(gold, gc, forms.get(pc.actor_key or "", set()))
        s_ok = pc.status == gc.status
        actor_right += a_ok
        status_right += s_ok
        if not (a_ok and s_ok):
            errors.append(
                f"{gold.id} MISLABEL {gc.type} gold={gc.status}/{gc.actor} "
                f"pred={pc.status}/{pc.actor_key}: {text[gc.start : gc.end][:90]}"
            )
    matched_g = {g for g, _ in pairs}
    matched_p = {p for _, p in pairs}
    errors += [
        f"{gold.id} MISSED {gc.type} {gc.status}/{gc.actor}: {text[gc.start : gc.end][:90]}"
        for g, gc in enumerate(gold.commitments)
        if g not in matched_g
    ]
    errors += [
        f"{gold.id} SPURIOUS {pc.type} {pc.status}/{pc.actor_key}: {pc.sentence[:90]}"
        for p, pc in enumerate(preds)
        if p not in matched_p
    ]
    return ArticleScore(
        counts,
        score_entities(gold, extraction),
        len(pairs),
        actor_right,
        status_right,
        tuple(errors),
    )
