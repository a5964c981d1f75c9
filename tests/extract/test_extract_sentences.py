"""The rule-based sentence splitter: verbatim spans, abbreviations, quotes, newlines."""

from __future__ import annotations

import pytest

from worker.extract.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two.", ["One.", "Two."]),
        ("The U.S. said so. Then it left.", ["The U.S. said so.", "Then it left."]),
        ("Gen. Mark A. Milley spoke. He left.", ["Gen. Mark A. Milley spoke.", "He left."]),
        ("On Sept. 1, 2022, staff arrived.", ["On Sept. 1, 2022, staff arrived."]),
        ('He said: "I had it." Then more.', ['He said: "I had it."', "Then more."]),
        ("“It is done,” he said. “Yes.”", ["“It is done,” he said.", "“Yes.”"]),
        ("Headline\nBody text. More", ["Headline", "Body text.", "More"]),
        (
            "benefited defense capabilities...\nAnd today",
            ["benefited defense capabilities...", "And today"],
        ),
        ("  \n\n ", []),
    ],
)
def test_sentences_split_news_text(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


def test_sentences_are_verbatim_slices() -> None:
    text = "  Mr Starmer spoke.  The EU agreed!\nNato? Yes. "
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
