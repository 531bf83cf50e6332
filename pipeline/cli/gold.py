"""CLI subcommands ``gold check`` and ``gold agree``: the gold-annotated corpora (:mod:`pipeline.gold`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.group()
def gold() -> None:
    """Check gold-annotated article files (data/news_gold) and compare two annotations."""


@gold.command()
@click.argument("path", default="data/news_gold", type=click.Path(exists=True, path_type=Path))
def check(path: Path) -> None:
    """List every problem of a gold file or folder: offsets, overlaps, labels, links to ids the
    knowledge base lacks or types differently, and strings labeled differently across articles
    (unless the folder's AMBIGUOUS.tsv allows it). Exit status 1 if any."""
    from pipeline.gold import check as check_gold
    from pipeline.kb.gazetteer import load_gazetteer

    known = {entry.id: entry.label for entry in load_gazetteer().entries.values()}
    problems = check_gold(path, known)
    for problem in problems:
        click.echo(problem)
    click.echo(f"{len(problems)} problem(s) in {path}", err=bool(problems))
    if problems:
        sys.exit(1)


@gold.command()
@click.argument("first", type=click.Path(exists=True, path_type=Path))
@click.argument("second", type=click.Path(exists=True, path_type=Path))
def agree(first: Path, second: Path) -> None:
    """Agreement of two annotations of the same articles: exact span+label F1 per label."""
    from pipeline.gold import agreement, read_gold

    a, b = read_gold(first), read_gold(second)
    scores = agreement(a, b)
    click.echo(f"{len({x.id for x in a} & {y.id for y in b})} articles in both; exact span and label")
    click.echo(f"{'label':<6}{'both':>6}{'first':>7}{'second':>8}{'F1':>8}")
    for label, (both, n_first, n_second) in scores.items():
        if n_first or n_second:
            f1 = 2 * both / (n_first + n_second)
            click.echo(f"{label:<6}{both:>6}{n_first:>7}{n_second:>8}{f1:>8.3f}")
