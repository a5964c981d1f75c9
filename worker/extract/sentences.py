"""Sentence boundaries without a parser: a rule-based splitter over the raw text.

The spaCy parser is excluded for speed (the NER runs alone), and news text needs only a few
rules: a newline always ends a sentence; ``. ! ?`` (with trailing quotes or brackets) end one
when the next word starts a sentence; abbreviations and initials ("Gen.", "U.S.", "A.") do not.
Offsets index the original text, so ``text[start:end]`` is the verbatim sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations after which a full stop rarely ends a sentence in news copy.
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "adm",
        "sgt",
        "capt",
        "rep",
        "sen",
        "gov",
        "st",
        "jr",
        "sr",
        "no",
        "vs",
        "etc",
        "inc",
        "corp",
        "ltd",
        "co",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "approx",
        "est",
        "dept",
        "govt",
    ]
)
_WORD_BEFORE = re.compile(r"[\w.]*$")
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word = _WORD_BEFORE.search(text, max(0, dot - 40), dot)
    token = word.group() if word else ""
    if not token:
        return False
    if "." in token or (len(token) == 1 and token.isupper()):
        return True  # "U.S." or an initial such as "A."
    return token.lower() in ABBREVIATIONS


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    cursor = start
    for match in _END.finditer(text, start, end):
        if _is_abbreviation(text, match.start()):
            continue
        spans.append((cursor, match.end()))
        cursor = match.end()
    spans.append((cursor, end))
    return spans


def _trimmed(text: str, start: int, end: int) -> Sentence | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(start, end, text[start:end]) if end > start else None


def split_sentences(text: str) -> list[Sentence]:
    """Sentences in order, each a verbatim slice of ``text``."""
    sentences = []
    offset = 0
    for line in text.split("\n"):
        for start, end in _split_line(text, offset, offset + len(line)):
            sentence = _trimmed(text, start, end)
            if sentence is not None:
                sentences.append(sentence)
        offset += len(line) + 1
    return sentences
