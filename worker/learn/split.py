"""The validation split, fixed before any label was written and never tuned on.

A third of the copyrighted news articles (``shared/train/news.jsonl``) is held out by a stable
hash of the article id: the same id always lands in the same split, whoever labels it and
whenever. Nothing (rule, lexicon entry, threshold, model choice) may be chosen by looking at
the validation sentences; they are only scored. Government texts and the dev set are never
held out here: dev has its own role (tuning), and the open texts train.
"""

from __future__ import annotations

import hashlib
from typing import Literal

Split = Literal["train", "validation"]

# One in VALIDATION_MODULUS news articles is held out: a third, as the corpus plan fixes.
VALIDATION_MODULUS = 3


def split_of(article_id: str, *, news: bool) -> Split:
    """Where a labelled training article belongs: only news articles are ever held out."""
    if not news:
        return "train"
    digest = int(hashlib.sha256(article_id.encode("utf-8")).hexdigest(), 16)
    return "validation" if digest % VALIDATION_MODULUS == 0 else "train"
