"""Linear models learn from feature strings, and survive a save and load without pickles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from worker.learn.linear import N_FEATURES, LinearModel, buckets, fit

ROWS = [["w=sanctions", "w=imposed"], ["w=weather", "w=sunny"]] * 10


def test_buckets_are_stable_and_collapse_duplicates() -> None:
    assert list(buckets(["w=a", "w=a", "w=b"])) == sorted(buckets(["w=b", "w=a"]))
    assert all(0 <= b < N_FEATURES for b in buckets(["x", "y", "z"]))


def test_fit_binary_separates_what_it_was_shown() -> None:
    model = fit(ROWS, ["1", "0"] * 10)
    positive, negative = model.probabilities([["w=sanctions"], ["w=weather"]])[:, 1]
    assert positive > 0.5 > negative


def test_binary_probabilities_are_a_distribution_over_both_classes() -> None:
    model = fit(ROWS, ["announced", "pledged"] * 10)
    [row] = model.probabilities([["w=weather"]])
    assert row.sum() == pytest.approx(1.0)
    assert model.classes[int(row.argmax())] == "pledged"


def test_fit_multiclass_gives_a_distribution() -> None:
    rows = [["w=will"], ["w=imposed"], ["w=urged"]] * 6
    model = fit(rows, ["pledged", "announced", "proposed"] * 6)
    scores = model.probabilities([["w=urged"]])[0]
    assert scores.sum() == pytest.approx(1.0)
    assert model.classes[int(scores.argmax())] == "proposed"


def test_saved_model_loads_identical_without_pickles(tmp_path: Path) -> None:
    model = fit(ROWS, ["1", "0"] * 10)
    model.save(tmp_path, "m")
    loaded = LinearModel.load(tmp_path, "m")
    assert loaded.classes == model.classes
    np.testing.assert_allclose(loaded.probabilities(ROWS[:2]), model.probabilities(ROWS[:2]))
    with np.load(tmp_path / "m.npz", allow_pickle=False) as arrays:
        assert {a.dtype.kind for a in arrays.values()} == {"f"}


def test_load_refuses_other_feature_hashing(tmp_path: Path) -> None:
    fit(ROWS, ["1", "0"] * 10).save(tmp_path, "m")
    (tmp_path / "m.json").write_text('{"classes": ["0", "1"], "n_features": 1024}')
    with pytest.raises(ValueError, match="other feature hashing"):
        LinearModel.load(tmp_path, "m")
