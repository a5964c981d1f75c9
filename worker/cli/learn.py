"""Commands of the learned extractor's life cycle: evaluate it per split, train it on labels."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from worker.cli.common import State, pass_state
from worker.errors import CommitwatchError
from worker.learn.corpus import SPLITS, Pair, labelled_articles, split_pairs

# What each split is, printed above its figures so nobody mistakes a tuned figure for a fair one.
SPLIT_NOTES = {
    "dev": "shared/eval dev set: tuned on",
    "validation": "a third of the labelled news, by hash of the id: never tuned on, only scored",
    "train": "what the shipped models were trained on",
    "feeds": "feed summaries from shared/feeds, labelled: short texts",
}
_FILE = click.Path(path_type=Path, dir_okay=False, exists=True)
# Labelled files come in pairs: each --gold labels the articles of the --articles before it.
_ARTICLES = click.option(
    "--articles", multiple=True, type=_FILE, help="Articles JSONL (id, text, ...)."
)
_GOLD = click.option(
    "--gold",
    multiple=True,
    type=_FILE,
    help="Labels JSONL for the --articles before it, in the evaluate format (text or offsets).",
)


# The name goes into every stored commitment's extractor version (64 characters in the store).
_NAME = re.compile(r"[A-Za-z0-9._-]{1,32}")


def _checked_name(value: str | None) -> str | None:
    if value is not None and not _NAME.fullmatch(value):
        raise click.BadParameter("use 1 to 32 letters, digits, '.', '_' or '-'")
    return value


def _split_pairs(splits: tuple[str, ...]) -> dict[str, list[Pair]]:
    try:
        return {s: split_pairs(s) for s in splits}
    except FileNotFoundError as exc:  # no ../shared beside the checkout
        raise click.ClickException(str(exc)) from None


def _pairs(articles: tuple[Path, ...], gold: tuple[Path, ...]) -> list[Pair]:
    if len(articles) != len(gold):
        raise click.UsageError("give one --gold for each --articles, in the same order")
    return list(zip(articles, gold, strict=True))


@click.command()
@click.option(
    "--split",
    "splits",
    multiple=True,
    type=click.Choice(SPLITS),
    help="A named split of the project's corpus (repeatable) [default: dev and validation].",
)
@_ARTICLES
@_GOLD
@click.option(
    "--compare",
    type=_FILE,
    help="Score this second labels file instead of the extractor: agreement between two labellers.",
)
@click.option(
    "--errors", is_flag=True, help="Also list every missed, spurious or mislabelled commitment."
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the reports as JSON here.",
)
@click.option("--extractor", "name", help="Extractor to score [default: from config].")
@pass_state
def evaluate(
    state: State,
    splits: tuple[str, ...],
    articles: tuple[Path, ...],
    gold: tuple[Path, ...],
    compare: Path | None,
    errors: bool,
    json_out: Path | None,
    name: str | None,
) -> None:
    """Score the extractor against hand-made labels, one report per split or labels file."""
    from worker.evaluate import compare_labels, evaluate_labelled, render_report

    named = _split_pairs(splits or (() if articles else ("dev", "validation")))
    named |= {str(g): [(a, g)] for a, g in _pairs(articles, gold)}
    extractor = None if compare else state.runtime_extractor(name)
    reports = {}
    try:
        for label, pairs in named.items():
            labelled = labelled_articles(pairs)
            report = (
                compare_labels(labelled, compare)
                if compare
                else evaluate_labelled(labelled, extractor)  # type: ignore[arg-type]
            )
            click.echo(f"== {label}: {SPLIT_NOTES.get(label, 'labels file')} ==")
            click.echo(render_report(report))
            click.echo("\n".join(report.errors) if errors else "")
            figures = report.as_dict()
            # Errors quote the articles' sentences: news text stays out of files unless asked.
            reports[label] = (
                figures if errors else {k: v for k, v in figures.items() if k != "errors"}
            )
    except (CommitwatchError, ValueError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from None
    if json_out:
        json_out.write_text(json.dumps(reports, indent=2), encoding="utf-8")
        click.echo(f"wrote {json_out}", err=True)


@click.command()
@click.option(
    "--split",
    "splits",
    multiple=True,
    type=click.Choice(("train",)),
    help="Train on the project's own training split (what the shipped models use).",
)
@_ARTICLES
@_GOLD
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder for the trained set; point [extract] model_dir at it.",
)
@click.option(
    "--name",
    callback=lambda _ctx, _param, value: _checked_name(value),
    help="Name recorded in the model card and the extractor version (letters, digits, . _ -; "
    "at most 32) [default: cw-<date>-<hash of the weights>].",
)
@pass_state
def train(
    state: State,
    splits: tuple[str, ...],
    articles: tuple[Path, ...],
    gold: tuple[Path, ...],
    out: Path,
    name: str | None,
) -> None:
    """Train the learned extractor's models from labelled articles."""
    from worker.learn.train import train_from_files

    pairs = [p for found in _split_pairs(splits).values() for p in found]
    pairs += _pairs(articles, gold)
    if not pairs:
        raise click.UsageError("give --split train or at least one --articles/--gold pair")
    click.echo(f"training on {len(pairs)} labels file(s) ...", err=True)
    try:
        models = train_from_files(
            pairs, out, state.settings.extract.lexicon_dir, {"name": name} if name else None
        )
    except (CommitwatchError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    examples = models.card["examples"]
    click.echo(
        f"trained {models.name} on {models.card['articles']} articles "
        f"({examples['sentences']} sentences, {examples['status']} commitments) -> {out}"
    )
