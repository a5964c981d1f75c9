"""Whatever the text, the extractor returns well-formed output or raises ExtractionError."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worker.domain import ArticleText
from worker.errors import ExtractionError
from worker.extract.rules import RulesExtractor

pytestmark = pytest.mark.slow

WORDS = st.sampled_from(
    [
        "Nato",
        "Putin",
        "said",
        "will",
        "sanctions",
        "ceasefire",
        "“",
        "”",
        "we",
        "the UK",
        ".",
        ",",
        "if",
        "Asked",
        "Mr",
        "U.S.",
        "\n",
        "frozen assets",
        "–",
        "He",
        "Kyiv",
        "’s",
        "  ",
    ]
)
TEXTS = st.one_of(st.text(max_size=300), st.lists(WORDS, max_size=60).map(" ".join))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
def test_properties_any_text_yields_valid_output_or_extraction_error(
    rules: RulesExtractor, text: str
) -> None:
    try:
        extraction = rules.extract(ArticleText(text=text))
    except ExtractionError:
        return
    keys = {e.key for e in extraction.entities}
    for mention in extraction.mentions:
        assert text[mention.start : mention.end] == mention.text
        assert mention.entity_key in keys
    for commitment in extraction.commitments:
        assert text[commitment.start : commitment.end] == commitment.sentence
        assert commitment.actor_key is None or commitment.actor_key in keys


def test_properties_oversized_text_is_an_extraction_error(rules: RulesExtractor) -> None:
    with pytest.raises(ExtractionError, match="exceeds the model limit"):
        rules.extract(ArticleText(text="a " * 600_000))


def test_properties_run_on_text_stays_fast(rules: RulesExtractor) -> None:
    """A 120,000-character run-on "sentence" (a table or list) must not go quadratic."""
    text = "Putin said Russia will impose sanctions on Ukraine and Nato, " * 2000
    started = time.perf_counter()
    extraction = rules.extract(ArticleText(text=text))
    assert extraction.commitments == ()  # not evidence a reader would quote
    assert time.perf_counter() - started < 30  # generous: seconds, not minutes, on any CI box
