"""Feature strings for the three learned decisions: which types, which status, which actor.

Words are the backbone; the lexicon's cues, status rules, conditional masks and forecast cues
and the rule resolver's choice of actor come in as features, so the rules that generalise keep
their say and the model learns how far to trust each one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

_WORD = re.compile(r"[a-z][a-z'’-]*|\d+")
_FIRST_PERSON = re.compile(r"\b(we|our|us)\b", re.I)
_QUOTE = re.compile(r"[“”\"]")
# Words on each side of a cue that say most about its status ("will impose", "ruled out").
STATUS_WINDOW = 6
MODALS = frozenset({"will", "would", "could", "may", "might", "should", "must", "can", "shall"})


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _bucket(n: int) -> str:
    return str(n) if n < 3 else "3+" if n < 6 else "6+"


def sentence_words(text: str) -> list[str]:
    """Unigrams and bigrams of the sentence."""
    tokens = words(text)
    return [f"w={t}" for t in tokens] + [f"b={a}_{b}" for a, b in pairwise(tokens)]


def shape(text: str, entity_types: Iterable[str], index: int) -> list[str]:
    """Sentence-level signals that are not words: quotes, first person, entities, position."""
    kinds = list(entity_types)
    found = [f"ent={k}" for k in sorted(set(kinds))] + [f"nent={_bucket(len(kinds))}"]
    found += ["quote"] if _QUOTE.search(text) else []
    found += ["we"] if _FIRST_PERSON.search(text) else []
    found += ["lead"] if index == 0 else []
    found += [f"len={_bucket(len(text) // 80)}"]
    return found


def around(text: str, position: int) -> list[str]:
    """Words just before and after ``position``, tagged by side."""
    before = words(text[:position])[-STATUS_WINDOW:]
    after = words(text[position:])[:STATUS_WINDOW]
    found = [f"pre={w}" for w in before] + [f"post={w}" for w in after]
    found += [f"modal={w}" for w in before + after if w in MODALS]
    return found


def conjoin(prefix: str, features: Iterable[str]) -> list[str]:
    return [f"{prefix}|{f}" for f in features]
