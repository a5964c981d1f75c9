"""Training end to end: labels in, a model set out that the learned extractor loads and uses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from worker.cli.main import cli
from worker.domain import ArticleText
from worker.extract import load_extractor

pytestmark = pytest.mark.slow

SANCTIONS = "The United Kingdom imposed new sanctions on Russia on Monday."
AID = "Germany will send air defence systems to Ukraine, Olaf Scholz said."
FILLER = "The weather in Berlin was mild and the markets were calm."


def _article(i: int) -> tuple[dict[str, object], dict[str, object]]:
    text = f"{SANCTIONS}\n{FILLER}\n{AID}" if i % 2 else f"{FILLER}\n{AID}\n{SANCTIONS}"
    article = {"id": f"a{i}", "title": "t", "text": text}
    gold = {
        "id": f"a{i}",
        "entities": [
            {"name": "United Kingdom", "type": "GPE", "mentions": ["United Kingdom"]},
            {"name": "Russia", "type": "GPE", "mentions": ["Russia"]},
            {"name": "Germany", "type": "GPE", "mentions": ["Germany"]},
            {"name": "Ukraine", "type": "GPE", "mentions": ["Ukraine"]},
            {"name": "Olaf Scholz", "type": "PERSON", "mentions": ["Olaf Scholz"]},
        ],
        "commitments": [
            {
                "type": "sanctions",
                "actor": "United Kingdom",
                "target": "Russia",
                "status": "announced",
                "sentence": SANCTIONS,
            },
            {
                "type": "military_aid",
                "actor": "Germany",
                "target": "Ukraine",
                "status": "pledged",
                "sentence": AID,
                "speaker": "Olaf Scholz",
            },
        ],
    }
    return article, gold


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    pairs = [_article(i) for i in range(12)]
    (folder / "articles.jsonl").write_text("".join(json.dumps(a) + "\n" for a, _ in pairs))
    (folder / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for _, g in pairs))
    out = folder / "model"
    result = CliRunner().invoke(
        cli,
        [
            "--config",
            "/dev/null",
            "train",
            "--articles",
            str(folder / "articles.jsonl"),
            "--gold",
            str(folder / "gold.jsonl"),
            "--out",
            str(out),
            "--name",
            "tiny",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "trained tiny on 12 articles" in result.output
    return out


def test_train_writes_a_model_card_with_its_data(trained: Path) -> None:
    card = json.loads((trained / "card.json").read_text())
    assert card["name"] == "tiny"
    assert card["articles"] == 12
    assert card["examples"]["status"] == 24
    assert set(card["thresholds"]) >= {"sanctions", "military_aid", "military_meeting"}


def test_trained_models_find_what_they_were_taught(trained: Path) -> None:
    extractor = load_extractor("learned", model_dir=trained)
    text = f"{SANCTIONS}\n{FILLER}\n{AID}"
    found = {
        (c.type, c.status, c.actor_key) for c in extractor.extract(ArticleText(text)).commitments
    }
    assert ("sanctions", "announced", "gpe:gb") in found
    assert ("military_aid", "pledged", "gpe:de") in found
    assert extractor.version.startswith("learned-1/tiny")


def test_trained_models_say_nothing_of_a_sentence_without_a_commitment(trained: Path) -> None:
    extractor = load_extractor("learned", model_dir=trained)
    assert extractor.extract(ArticleText(FILLER)).commitments == ()


def test_evaluate_scores_the_trained_set_on_a_labels_file(trained: Path) -> None:
    folder = trained.parent
    result = CliRunner().invoke(
        cli,
        [
            "--config",
            "/dev/null",
            "evaluate",
            "--extractor",
            "learned",
            "--articles",
            str(folder / "articles.jsonl"),
            "--gold",
            str(folder / "gold.jsonl"),
        ],
        env={"COMMITWATCH_EXTRACT__MODEL_DIR": str(trained)},
    )
    assert result.exit_code == 0, result.output
    assert "Articles scored: 12" in result.output


def test_learned_extractor_without_models_is_a_config_error(tmp_path: Path) -> None:
    from worker.errors import ConfigError

    with pytest.raises(ConfigError, match="holds no trained models"):
        load_extractor("learned", model_dir=tmp_path)


def test_train_refuses_a_name_too_long_for_the_recorded_version(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "--config",
            "/dev/null",
            "train",
            "--split",
            "train",
            "--out",
            str(tmp_path),
            "--name",
            "x" * 33,
        ],
    )
    assert result.exit_code == 2
    assert "1 to 32 letters" in result.output


def test_evaluate_without_the_shared_data_says_where_it_looked() -> None:
    result = CliRunner().invoke(
        cli,
        ["--config", "/dev/null", "evaluate", "--split", "validation"],
        env={"COMMITWATCH_SHARED_DIR": "/nonexistent/shared"},
    )
    assert result.exit_code == 1
    assert "shared data not found at /nonexistent/shared" in result.output
