"""The validation split is a pure function of the id: stable, a third of news, never open texts."""

from __future__ import annotations

import pytest

from worker.learn.split import split_of


@pytest.mark.parametrize(
    ("article_id", "expected"),
    [
        # Computed once from sha256(id) % 3 when the split was fixed; they must never move.
        ("news-bbc-cambodia-counts-cost-border-war-thailand-2025", "validation"),
        ("news-example-a", "train"),
        ("news-example-c", "validation"),
    ],
)
def test_split_of_is_fixed_by_the_id(article_id: str, expected: str) -> None:
    assert split_of(article_id, news=True) == expected


def test_split_of_holds_out_about_a_third_of_news() -> None:
    held = sum(split_of(f"news-{i}", news=True) == "validation" for i in range(3000))
    assert 900 < held < 1100


def test_split_of_never_holds_out_open_texts() -> None:
    assert {split_of(f"open-{i}", news=False) for i in range(300)} == {"train"}
