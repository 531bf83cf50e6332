"""CLI subcommand ``link-eval`` (wired in ``pipeline/cli/__init__.py``): the linking evaluation of
:mod:`pipeline.link.evaluate` on a gold file such as ``data/news_gold/dev.jsonl``."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click


@click.command("link-eval")
@click.argument("gold_path", metavar="GOLD", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the scores and every disagreement (missed, spurious, wrong entity) as JSON.")
def link_eval(gold_path: Path, json_path: Path | None) -> None:
    """Run the full pipeline on the GOLD articles and score detection, linking and clustering.

    \b
    GOLD: JSON lines {"id", "outlet", "text", "mentions": [{"start", "end", "text",
    "label", "entity"}]}, entity a KB id or NIL:<name> (data/news_gold/README.md).
    Reports mention detection P/R/F1 (exact span and label), linking P/R/F1 (exact span and
    same entity; NIL gold = any local id), linking accuracy on the gold mentions whose span
    was found (all, KB, NIL, ambiguous names), and B-cubed over those mentions.
    """
    from pipeline.api import load
    from pipeline.kb.gazetteer import GazetteerError
    from pipeline.link.evaluate import GoldError, read_gold, run_evaluation
    from pipeline.ner.model import ModelError
    from pipeline.resources import ResourceError

    try:
        read_gold(gold_path)
    except GoldError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        nlp = load()
    except (GazetteerError, ModelError, ResourceError) as exc:
        raise click.ClickException(f"cannot load the pipeline: {exc}") from exc
    started = time.perf_counter()
    report = run_evaluation(gold_path, nlp)
    click.echo(report.table())
    click.echo(f"({time.perf_counter() - started:.1f} s)")
    for problem in report.failed:
        click.echo(f"  ! {problem}", err=True)
    if json_path is not None:
        json_path.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        click.echo(f"json: {json_path}")


@click.command("link-coverage")
@click.argument("out_dir", metavar="OUT_DIR", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--top", default=20, show_default=True, help="How many entities to list.")
def link_coverage(out_dir: Path, top: int) -> None:
    """Share of a finished run's mentions that carry a Wikidata QID (all, KB-linked, per label),
    the most mentioned KB entities without a QID and the most mentioned local entities."""
    from pipeline.link.coverage import coverage

    for line in coverage(out_dir).lines(top):
        click.echo(line)
