"""Labels as offsets round-trip to the plain gold format, and refuse what does not fit the text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from worker.learn.corpus import as_extraction, as_offsets, labelled_articles, with_text

TEXT = "Britain imposed sanctions on Russia. Keir Starmer said the UK will send more aid."
ROW = {
    "id": "a1",
    "entities": [
        {"name": "United Kingdom", "type": "GPE", "mentions": ["Britain", "UK"]},
        {"name": "Russia", "type": "GPE", "mentions": ["Russia"]},
        {"name": "Keir Starmer", "type": "PERSON", "mentions": ["Keir Starmer"]},
    ],
    "commitments": [
        {
            "type": "sanctions",
            "actor": "United Kingdom",
            "target": "Russia",
            "status": "announced",
            "sentence": "Britain imposed sanctions on Russia.",
            "note": "a labeller's remark",
        }
    ],
}


def test_as_offsets_keeps_no_words_of_the_text() -> None:
    stored = as_offsets(ROW, TEXT)
    assert stored["commitments"][0]["sentence"] == [0, 36]
    assert stored["entities"][0]["mentions"] == [[0, 7], [59, 61]]
    assert "note" not in stored["commitments"][0]
    assert "Britain" not in json.dumps(stored)


def test_with_text_restores_the_plain_row() -> None:
    restored = with_text(as_offsets(ROW, TEXT), TEXT)
    assert restored["commitments"][0]["sentence"] == ROW["commitments"][0]["sentence"]
    assert restored["entities"] == ROW["entities"]


def test_with_text_leaves_plain_rows_alone() -> None:
    assert with_text(ROW, TEXT) == ROW


def test_as_offsets_refuses_a_sentence_not_in_the_text() -> None:
    bad = {**ROW, "commitments": [{**ROW["commitments"][0], "sentence": "Not there."}]}
    with pytest.raises(ValueError, match="not verbatim"):
        as_offsets(bad, TEXT)


def test_with_text_refuses_a_span_outside_the_text() -> None:
    stored = as_offsets(ROW, TEXT)
    stored["commitments"][0]["sentence"] = [70, 500]
    with pytest.raises(ValueError, match="outside the article"):
        with_text(stored, TEXT)


def test_labelled_articles_reads_offsets_with_their_articles_file(tmp_path: Path) -> None:
    articles = tmp_path / "articles.jsonl"
    articles.write_text(json.dumps({"id": "a1", "text": TEXT, "title": "t"}) + "\n")
    labels = tmp_path / "labels.jsonl"
    labels.write_text(json.dumps(as_offsets(ROW, TEXT)) + "\n")
    [(article, gold)] = labelled_articles([(articles, labels)])
    assert article.text == TEXT
    assert gold["commitments"][0]["sentence"] == "Britain imposed sanctions on Russia."


def test_labelled_articles_names_labels_without_an_article(tmp_path: Path) -> None:
    articles = tmp_path / "articles.jsonl"
    articles.write_text(json.dumps({"id": "other", "text": TEXT}) + "\n")
    labels = tmp_path / "labels.jsonl"
    labels.write_text(json.dumps(ROW) + "\n")
    with pytest.raises(ValueError, match="a1"):
        labelled_articles([(articles, labels)])


def test_as_extraction_scores_a_second_labeller_like_an_extractor() -> None:
    extraction = as_extraction(ROW, TEXT)
    [commitment] = extraction.commitments
    assert (commitment.start, commitment.end) == (0, 36)
    assert commitment.actor_key == "gpe:united-kingdom"
    assert {m.text for m in extraction.mentions} == {"Britain", "UK", "Russia", "Keir Starmer"}
