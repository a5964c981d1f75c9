"""The command line as a user meets it: the embedded run, feeds, export, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import SEEDS
from worker.cli.main import cli
from worker.errors import ExtractionError
from worker.extract import ExtractorSettings


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "commitwatch.toml"
    path.write_text(
        f'database_url = "sqlite:///{tmp_path / "cw.db"}"\n[extract]\nname = "minimal"\n',
        encoding="utf-8",
    )
    return path


def invoke(config: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), *args], input=input)


def test_cli_run_ingests_the_seeds_and_is_idempotent(config: Path) -> None:
    first = invoke(config, "run", "--seeds", str(SEEDS))
    second = invoke(config, "run", "--seeds", str(SEEDS))
    assert first.exit_code == 0, first.output
    assert "articles     6  (done 6)" in first.stdout
    assert "[6/6]" in first.stderr
    assert second.exit_code == 0, second.output
    assert "no new articles" in second.stderr
    assert "articles     6  (done 6)" in second.stdout


def test_cli_export_writes_every_commitment_as_jsonl_and_csv(config: Path) -> None:
    invoke(config, "run", "--seeds", str(SEEDS))
    lines = invoke(config, "export").stdout.splitlines()
    rows = [json.loads(line) for line in lines]
    table = list(csv.DictReader(io.StringIO(invoke(config, "export", "--format", "csv").stdout)))
    sanctions = invoke(config, "export", "--type", "sanctions").stdout.splitlines()
    assert rows and len(table) == len(rows)
    assert {"type", "status", "actor", "sentence", "article_url"} <= set(rows[0])
    assert 0 < len(sanctions) < len(rows)
    assert all(json.loads(line)["type"] == "sanctions" for line in sanctions)


def test_cli_export_since_filters_by_publication_date(config: Path) -> None:
    invoke(config, "run", "--seeds", str(SEEDS))
    recent = [
        json.loads(x)
        for x in invoke(config, "export", "--since", "2025-01-01").stdout.split("\n")
        if x
    ]
    assert recent
    assert all(row["published_at"] >= "2025-01-01" for row in recent)


def test_cli_feeds_add_list_remove(config: Path) -> None:
    invoke(config, "db", "upgrade")
    added = invoke(config, "feeds", "add", "https://news.test/a.xml", "https://news.test/b.xml")
    again = invoke(config, "feeds", "add", "https://news.test/a.xml")
    removed = invoke(config, "feeds", "remove", "https://news.test/a.xml")
    listed = invoke(config, "feeds", "list")
    assert added.exit_code == 0 and added.stdout.count("added") == 2
    assert again.stdout.startswith("exists")
    assert removed.exit_code == 0
    assert "news.test/b.xml" in listed.stdout and "news.test/a.xml" not in listed.stdout


def test_cli_feeds_add_rejects_other_schemes(config: Path) -> None:
    invoke(config, "db", "upgrade")
    result = invoke(config, "feeds", "add", "ftp://news.test/feed")
    assert result.exit_code == 2
    assert "not an http(s) or file:// URL" in result.output


def test_cli_feeds_remove_unknown_is_a_clear_error(config: Path) -> None:
    invoke(config, "db", "upgrade")
    result = invoke(config, "feeds", "remove", "42")
    assert result.exit_code == 1
    assert "no feed '42'" in result.output


def test_cli_extract_prints_json_for_a_file_or_stdin(config: Path) -> None:
    path = SEEDS / "articles" / "seed-starmer-coalition.txt"
    from_file = invoke(config, "extract", str(path))
    from_stdin = invoke(config, "extract", "-", input=path.read_text(encoding="utf-8"))
    assert from_file.exit_code == 0, from_file.output
    data = json.loads(from_file.stdout)
    assert data == json.loads(from_stdin.stdout)
    assert data["extractor_version"] and data["commitments"]
    first = data["commitments"][0]
    text = path.read_text(encoding="utf-8")
    assert text[first["start"] : first["end"]] == first["sentence"]


def test_cli_extract_refuses_an_empty_article(config: Path) -> None:
    result = invoke(config, "extract", "-", input="  \n")
    assert result.exit_code == 1
    assert "empty" in result.output


def test_cli_invalid_configuration_names_the_setting(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[poll]\nmin_interval_seconds = -5\n", encoding="utf-8")
    result = invoke(bad, "stats")
    assert result.exit_code == 1
    assert "poll.min_interval_seconds" in result.output


def test_cli_help_is_available_everywhere() -> None:
    for args in (
        [],
        ["run"],
        ["poll"],
        ["worker"],
        ["export"],
        ["feeds", "add"],
        ["dead-letters", "replay"],
        ["evaluate"],
        ["db", "upgrade"],
        ["submit"],
        ["events", "tail"],
        ["rejections"],
        ["webhooks"],
    ):
        result = CliRunner().invoke(cli, [*args, "--help"])
        assert result.exit_code == 0, args
        assert "Usage:" in result.output


class PoisonExtractor:
    """Fails on every article, as a broken extractor release would."""

    version = "poison-1"

    def extract(self, article: object) -> object:
        raise ExtractionError("cannot read this article")

    def extract_many(self, articles: object) -> object:
        raise ExtractionError("cannot read these articles")


def poison(_settings: ExtractorSettings) -> PoisonExtractor:
    return PoisonExtractor()


def test_cli_dead_letters_list_and_replay_after_a_fix(config: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(
        config.read_text(encoding="utf-8").replace('"minimal"', '"tests.test_cli:poison"'),
        encoding="utf-8",
    )
    run = invoke(broken, "run", "--seeds", str(SEEDS))
    listed = invoke(config, "dead-letters", "list")
    replayed = invoke(config, "dead-letters", "replay", "--all", "--inline")
    after = invoke(config, "dead-letters", "list")

    assert run.exit_code == 0, run.output
    assert "dead letters 6" in run.stdout
    assert listed.stdout.count("ExtractionError: cannot read this article") == 6
    assert replayed.exit_code == 0, replayed.output
    assert replayed.stdout.count(": done") == 6
    assert "0 dead letters" in after.stderr
    assert "articles     6  (done 6)" in invoke(config, "stats").stdout


def add_opml(config: Path, opml: str) -> Result:
    path = config.parent / "subscriptions.opml"
    path.write_text(opml, encoding="utf-8")
    invoke(config, "db", "upgrade")
    return invoke(config, "feeds", "add", "--opml", str(path))


def test_cli_feeds_add_imports_opml(config: Path) -> None:
    result = add_opml(
        config,
        '<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>'
        '<outline text="World"><outline type="rss" text="A" xmlUrl="https://news.test/a.xml"/>'
        '<outline type="rss" text="B" xmlUrl="https://news.test/b.xml"/></outline>'
        "</body></opml>",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.count("added") == 2


def test_cli_feeds_add_refuses_a_hostile_opml(config: Path) -> None:
    result = add_opml(
        config,
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><opml version="2.0"><body>'
        '<outline type="rss" text="&b;" xmlUrl="https://news.test/a.xml"/></body></opml>',
    )
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output
    assert "news.test" not in invoke(config, "feeds", "list").stdout


def test_cli_evaluate_reports_gold_that_does_not_fit(config: Path, tmp_path: Path) -> None:
    articles = tmp_path / "a.jsonl"
    gold = tmp_path / "g.jsonl"
    articles.write_text(json.dumps({"id": "x", "text": "Talks resumed."}) + "\n", "utf-8")
    commitment = {
        "type": "diplomatic_talks",
        "actor": "Nobody",
        "target": None,
        "status": "announced",
        "sentence": "A sentence that is not in the text.",
    }
    gold.write_text(
        json.dumps({"id": "x", "entities": [], "commitments": [commitment]}) + "\n", "utf-8"
    )
    result = invoke(config, "evaluate", "--articles", str(articles), "--gold", str(gold))
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_cli_operator_adds_a_commitment_type_by_config(tmp_path: Path) -> None:
    lexicons = tmp_path / "extract"
    lexicons.mkdir()
    (lexicons / "types.toml").write_text(
        "[types.humanitarian_aid]\ncues = ['\\bhumanitarian (aid|assistance)\\b']\n", "utf-8"
    )
    config = tmp_path / "c.toml"
    config.write_text(
        f'database_url = "sqlite:///{tmp_path / "cw.db"}"\n'
        f'[extract]\nname = "rules"\nlexicon_dir = "{lexicons}"\n',
        encoding="utf-8",
    )
    text = "The European Union announced on Monday that it will send humanitarian aid to Gaza."
    result = invoke(config, "extract", "-", input=text)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "humanitarian_aid" in {c["type"] for c in data["commitments"]}
    assert data["extractor_version"].startswith("rules-2+")


def test_cli_submit_inline_stores_extracts_and_reports_bad_lines(config: Path) -> None:
    good = {"source": "wire", "source_id": "a1", "text": "The UK will impose sanctions on Russia."}
    lines = [
        json.dumps(good),
        "not json",
        json.dumps({**good, "source_id": None}),
        json.dumps(good),
    ]
    result = invoke(config, "submit", "--inline", "-", input="\n".join(lines))
    assert result.exit_code == 1
    assert "wire/a1: accepted, article 1 done" in result.stdout
    assert "wire/a1: duplicate" in result.stdout
    assert "line 2: rejected: not JSON" in result.stderr
    assert "line 3: rejected: message: give source_id or url" in result.stderr
    assert "2 invalid messages were not submitted" in result.stderr
    assert "articles     1  (done 1)" in invoke(config, "stats").stdout
