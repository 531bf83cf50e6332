"""Command-line interface: ``mena-ner run INPUT... --out DIR`` and friends.

The CLI only parses arguments and wires stages together; each subcommand calls one function
of the package.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="mena-ner")
def main() -> None:
    """mena-ner: Arabic named entities from Middle East news, linked and tabulated.

    Raw articles (.txt, .html; UTF-8, UTF-16 or Windows-1256) go in; documents.csv,
    mentions.csv and entities.csv come out. Start with:

        mena-ner run data/raw --out out
    """


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for documents.csv, mentions.csv and entities.csv (created if missing).")
@click.option("--gazetteer", "gazetteers", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Extra gazetteer CSV file or folder (repeatable); its rows override shipped rows with the same id.")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar (default: only when stderr is a terminal).")
@click.option("--strict", is_flag=True, help="Exit with status 1 if any input failed.")
def run(inputs: tuple[str, ...], out_dir: Path, gazetteers: tuple[Path, ...], progress: bool | None, strict: bool) -> None:
    """Extract and link entities from INPUT files, folders (searched recursively) or glob patterns.

    Every input yields at least one row in documents.csv, with status ok, empty, skipped or
    error; one bad input never stops the run. A summary is printed at the end.
    """
    from tqdm import tqdm

    from pipeline.gazetteer import GazetteerError
    from pipeline.run import Pipeline, run as run_pipeline

    try:
        pipeline = Pipeline(gazetteers=gazetteers)
    except GazetteerError as exc:
        raise click.ClickException(f"invalid gazetteer:\n{exc}") from exc

    def bar(items):
        return tqdm(items, desc="articles", unit="file", disable=(progress is False) or (progress is None and not sys.stderr.isatty()))

    summary = run_pipeline(inputs, out_dir, pipeline, progress=bar)
    for line in summary.lines():
        click.echo(line)
    click.echo(f"tables:    {out_dir}/documents.csv, mentions.csv, entities.csv")
    for error in summary.errors[:10]:
        click.echo(f"  ! {error}", err=True)
    if len(summary.errors) > 10:
        click.echo(f"  ! ... {len(summary.errors) - 10} more in documents.csv", err=True)
    if strict and summary.errors:
        sys.exit(1)
