"""The trained set: type, status and actor models with their thresholds and model card.

A model directory holds ``card.json`` (name, training data, thresholds, validation figures),
``MODEL_CARD.md`` for people, and one ``.npz`` + ``.json`` pair per linear model. The card's
``name`` goes into the extractor version recorded with every commitment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from worker.learn.linear import Features, LinearModel

# The shipped set, built by `make model` from the project's labels (see its MODEL_CARD.md).
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "model"


@dataclass(frozen=True, slots=True)
class TrainedModels:
    """Everything the learned extractor decides with."""

    types: LinearModel  # one independent binary row per commitment type
    # Per type: the probability that fires it, or None where the rules decide that type.
    thresholds: dict[str, float | None]
    status: LinearModel
    actor: LinearModel
    card: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.card.get("name", "unnamed"))

    def type_probabilities(self, rows: list[Features]) -> NDArray[np.float64]:
        """P(type) per row and type, each type on its own (a sentence may carry several)."""
        return self.types.independent_probabilities(rows)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.types.save(directory, "types")
        self.status.save(directory, "status")
        self.actor.save(directory, "actor")
        card = {**self.card, "thresholds": self.thresholds}
        (directory / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> TrainedModels:
        card = json.loads((directory / "card.json").read_text(encoding="utf-8"))
        return cls(
            types=LinearModel.load(directory, "types"),
            thresholds={k: None if v is None else float(v) for k, v in card["thresholds"].items()},
            status=LinearModel.load(directory, "status"),
            actor=LinearModel.load(directory, "actor"),
            card=card,
        )
