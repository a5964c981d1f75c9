"""Fixtures for the extractor: one spaCy load per session, and the shared evaluation set.

The evaluation texts are news copyright and stay in ``../shared/eval/``: tests read them at run
time and skip, saying why, when that directory is absent (in CI, where it must be, they fail).
Only the seed and the public-domain government texts are copied here (``data/``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import unavailable
from worker.domain import ArticleText
from worker.extract.rules import RulesExtractor

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
EVAL = ROOT.parent / "shared" / "eval"


@pytest.fixture(scope="session")
def rules() -> RulesExtractor:
    """The production extractor with the package's own lexicon (no operator overrides)."""
    return RulesExtractor(lexicon_dir=None)


@pytest.fixture(scope="session")
def seed() -> ArticleText:
    return ArticleText(text=(DATA / "seed_starmer_coalition.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def black_sea() -> ArticleText:
    text = (DATA / "wh_black_sea_us_russia_2025.txt").read_text(encoding="utf-8")
    return ArticleText(text=text, url="https://www.whitehouse.gov/briefings-statements/2025/03/")


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    if not (EVAL / "dev.jsonl").is_file() or not (EVAL / "articles.jsonl").is_file():
        unavailable(f"evaluation set not found at {EVAL} (it lives beside the repository)")
    return EVAL
