"""Linear classifiers over hashed string features, stored as arrays and JSON, never pickles.

Feature strings ("w=sanctions", "cue=ceasefire") are hashed into a fixed number of buckets, so
no vocabulary of the training text is ever stored: the weights learned from copyrighted news
are numbers, not words. The hash is CRC-32 from the standard library: stable across Python and
library versions (a stored model must mean the same thing forever), and it keeps scikit-learn
out of the worker's start-up, which only sums the weights of a sentence's buckets. Training
uses scikit-learn's ``LogisticRegression``, imported only when training.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

# 2**18 buckets: the corpus has tens of thousands of distinct features, so collisions are rare,
# and a 7-class weight matrix stays a few MB on disk once compressed.
N_FEATURES = 2**18

Features = Sequence[str]


def buckets(row: Features) -> NDArray[np.int64]:
    """The distinct buckets of one row's features (binary features: duplicates collapse)."""
    hashed = np.fromiter((zlib.crc32(f.encode("utf-8")) for f in row), np.int64, len(row))
    return np.unique(hashed % N_FEATURES)


def design_matrix(rows: Sequence[Features]) -> Any:
    """The sparse 0/1 matrix scikit-learn trains on (scipy is imported only for training)."""
    from scipy.sparse import csr_matrix

    columns = [buckets(row) for row in rows]
    indptr = np.cumsum([0, *(len(c) for c in columns)])
    indices = np.concatenate(columns) if columns else np.zeros(0, np.int64)
    data = np.ones(len(indices), np.float64)
    return csr_matrix((data, indices, indptr), shape=(len(rows), N_FEATURES))


class LinearModel:
    """Weights of one logistic regression: binary (one row) or one row per class."""

    def __init__(
        self, classes: tuple[str, ...], coef: NDArray[np.float32], intercept: NDArray[np.float32]
    ) -> None:
        self.classes = classes
        self.coef = coef
        self.intercept = intercept
        # Row per bucket: a sentence's scores are the sum of a few dozen contiguous rows.
        self._by_bucket = np.ascontiguousarray(coef.T, dtype=np.float64)

    def logits(self, rows: Sequence[Features]) -> NDArray[np.float64]:
        """Raw scores, one row per input and one column per row of weights."""
        sums = [self._by_bucket[buckets(row)].sum(axis=0) for row in rows]
        return np.asarray(sums, np.float64).reshape(len(rows), -1) + self.intercept

    def independent_probabilities(self, rows: Sequence[Features]) -> NDArray[np.float64]:
        """Each row of weights as its own binary model (one per type): a sigmoid per column."""
        return np.asarray(1.0 / (1.0 + np.exp(-self.logits(rows))))

    def probabilities(self, rows: Sequence[Features]) -> NDArray[np.float64]:
        """One probability per class (in ``classes`` order) for each row, binary or not."""
        logits = self.logits(rows)
        if len(self.classes) == 2:
            positive = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.column_stack([1.0 - positive, positive])
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        return np.asarray(shifted / shifted.sum(axis=1, keepdims=True))

    def save(self, directory: Path, name: str) -> None:
        np.savez_compressed(directory / f"{name}.npz", coef=self.coef, intercept=self.intercept)
        meta = {"classes": list(self.classes), "n_features": N_FEATURES, "hash": "crc32"}
        (directory / f"{name}.json").write_text(json.dumps(meta) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, name: str) -> LinearModel:
        meta = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
        if meta["n_features"] != N_FEATURES or meta.get("hash") != "crc32":
            raise ValueError(f"model {name} was trained with other feature hashing: {meta}")
        with np.load(directory / f"{name}.npz", allow_pickle=False) as arrays:
            coef, intercept = arrays["coef"], arrays["intercept"]
        return cls(tuple(meta["classes"]), coef, intercept)


def fit(rows: Sequence[Features], labels: Sequence[str], c: float = 1.0) -> LinearModel:
    """A logistic regression on feature rows; two distinct labels make a binary model.

    Classes are balanced: positives are a small share of sentences, and an unweighted model
    would buy accuracy by saying "no commitment" everywhere.
    """
    from sklearn.linear_model import LogisticRegression

    binary = len(set(labels)) <= 2
    model = LogisticRegression(
        C=c, class_weight="balanced", max_iter=2000, solver="liblinear" if binary else "lbfgs"
    )
    model.fit(design_matrix(rows), list(labels))
    return LinearModel(
        tuple(str(k) for k in model.classes_),
        model.coef_.astype(np.float32),
        model.intercept_.astype(np.float32),
    )
