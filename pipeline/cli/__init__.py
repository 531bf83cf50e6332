"""Command-line interface: ``mena-ner run INPUT... --out DIR`` and friends.

The CLI only parses arguments and wires stages together; each subcommand calls one function
of the package.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import NoReturn

import click

from pipeline.limits import DEFAULT_MAX_DOCUMENT_CHARS
from pipeline.version import __version__


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
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 256),
              help="Processes to analyze documents with; the tables are identical for any number.")
@click.option("--resume", is_flag=True, help="Continue an interrupted run in --out, keeping its finished work.")
@click.option("--incremental", is_flag=True,
              help="Only analyze inputs that are new or changed (by content hash) since the tables in --out were "
                   "written; rows of unchanged inputs are kept, rows of vanished inputs dropped.")
@click.option("--overwrite", is_flag=True, help="Replace tables in --out even if another configuration wrote them.")
@click.option("--text-field", default="text", show_default=True, help="Record inputs (.jsonl/.json/.csv): field with the article text.")
@click.option("--id-field", default="id", show_default=True, help="Record inputs: field with the record id (used in doc_id).")
@click.option("--title-field", default="title", show_default=True, help="Record inputs: field with the title.")
@click.option("--date-field", default="date", show_default=True, help="Record inputs: field with the publication date.")
@click.option("--stdin-format", type=click.Choice(["auto", "text", "html", "jsonl", "json", "csv"]), default="auto",
              show_default=True, help="Format of standard input when INPUT is '-'.")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar (default: only when stderr is a terminal).")
@click.option("--strict", is_flag=True, help="Exit with status 1 if any input failed (status error).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: --workers processes on this machine; dask: a Dask cluster (--scheduler, or a local "
                   "cluster of --workers processes). The tables are identical.")
@click.option("--scheduler", default="", metavar="ADDRESS",
              help="--engine dask: address of a running Dask scheduler (e.g. tcp://10.0.0.5:8786); its workers must "
                   "see the inputs and --out at the same paths.")
@click.option("--format", "table_format", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="Format of the published tables (parquet: documents/mentions/entities.parquet, for big runs).")
@click.option("--wait", is_flag=True,
              help="If another run is writing to --out, wait for it to finish instead of stopping (exit status 2).")
@click.option("--max-document-chars", type=click.IntRange(1000), default=DEFAULT_MAX_DOCUMENT_CHARS, show_default=True,
              help="Longest document analyzed (longer ones get an error row); memory grows with it (see the README).")
@click.option("--debug", is_flag=True, help="Show the traceback of a failure (it always goes to --out/.mena-ner/errors.log).")
def run(inputs: tuple[str, ...], out_dir: Path, gazetteers: tuple[Path, ...], workers: int, resume: bool,
        incremental: bool, overwrite: bool, text_field: str, id_field: str, title_field: str, date_field: str,
        stdin_format: str, progress: bool | None, strict: bool, engine: str = "local", scheduler: str = "",
        table_format: str = "csv", wait: bool = False, max_document_chars: int = DEFAULT_MAX_DOCUMENT_CHARS,
        debug: bool = False) -> None:
    """Extract and link entities from INPUT files, folders (searched recursively), glob patterns or '-' (stdin).

    \b
    Inputs: .txt, .html/.htm, .jsonl/.json/.csv/.tsv records (see the --*-field options), and
    .gz or .zip archives of any of these. Encodings are detected (UTF-8 with or without BOM,
    UTF-16, Windows-1256, ISO-8859-6) and recorded per document.

    Every input yields at least one row in documents.csv, with status ok, empty, skipped or
    error; one bad input never stops the run. Tables are published atomically when the run
    ends; an interrupted run can be continued with --resume. One run at a time writes to an
    output folder. A summary is printed at the end.

    \b
    Exit status: 0 tables published; 1 published, but --strict and an input failed;
    2 nothing published: the output folder is busy or unusable, or the machine failed
    (disk full, folder removed or read-only, an input changed while read: fix it, then
    --resume); 3 an internal error (traceback in --out/.mena-ner/errors.log); 130 interrupted.
    """
    try:
        _run(inputs, out_dir, gazetteers, workers, resume, incremental, overwrite, text_field, id_field, title_field,
             date_field, stdin_format, progress, strict, engine, scheduler, table_format, wait, max_document_chars, debug)
    except click.exceptions.Exit:
        raise
    except click.UsageError:
        raise
    except KeyboardInterrupt:
        _stop("interrupted; --resume continues the run", 130, debug)
    except Exception as exc:  # a bug: one line for the user, the traceback in the folder's errors.log
        from pipeline.io.outputs import log_error

        log = log_error(out_dir, traceback.format_exc()) if (out_dir / ".mena-ner").is_dir() else None
        where = f"the traceback is in {log}" if log else "run with --debug for the traceback"
        _stop(f"internal error: {type(exc).__name__}: {exc} ({where}; please report it)", 3, debug)


def _stop(message: str, status: int, debug: bool) -> NoReturn:
    """End ``run`` with one line on stderr (and, with ``--debug``, the traceback before it)."""
    from pipeline.io.names import printable

    if debug:
        traceback.print_exc()
    click.echo(f"mena-ner: {printable(message)}", err=True)
    sys.exit(status)


def _run(inputs: tuple[str, ...], out_dir: Path, gazetteers: tuple[Path, ...], workers: int, resume: bool,
         incremental: bool, overwrite: bool, text_field: str, id_field: str, title_field: str, date_field: str,
         stdin_format: str, progress: bool | None, strict: bool, engine: str, scheduler: str, table_format: str,
         wait: bool, max_document_chars: int, debug: bool) -> None:
    from tqdm import tqdm

    from pipeline.api import load
    from pipeline.engines.dask import EngineError  # Dask itself is only imported by --engine dask
    from pipeline.io.environment import EnvironmentFailure
    from pipeline.io.inputs import RecordFields
    from pipeline.io.lock import FolderBusy
    from pipeline.io.names import printable
    from pipeline.io.outputs import OutputError
    from pipeline.kb.gazetteer import GazetteerError
    from pipeline.limits import Limits
    from pipeline.resources import ResourceError
    from pipeline.run import RunOptions
    from pipeline.run import run as run_pipeline

    if resume and incremental:
        raise click.UsageError("--resume and --incremental cannot be combined")
    if incremental and table_format != "csv":
        raise click.UsageError("--incremental needs CSV tables (it copies rows from them); drop --format parquet")
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler is for --engine dask")
    if table_format == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:
            raise click.UsageError("--format parquet needs the [parquet] extra: pip install 'mena-ner[parquet]'") from exc
    try:
        analyzer = load(gazetteers, limits=Limits(max_document_chars=max_document_chars))
    except GazetteerError as exc:
        _stop(f"invalid gazetteer:\n{exc}", 2, debug)
    except ResourceError as exc:
        _stop(str(exc), 2, debug)
    options = RunOptions(
        workers=workers, mode="resume" if resume else "incremental" if incremental else "fresh", overwrite=overwrite,
        fields=RecordFields(text_field, id_field, title_field, date_field), stdin_format=stdin_format,
        engine=engine, scheduler=scheduler, table_format=table_format, wait=wait)

    def bar(items):
        hidden = (progress is False) or (progress is None and not sys.stderr.isatty())
        return tqdm(items, desc="work units", unit="unit", disable=hidden)

    def waiting(message: str) -> None:
        click.echo(f"mena-ner: {printable(message)}", err=True)

    try:
        summary = run_pipeline(inputs, out_dir, analyzer, options, progress=bar, waiting=waiting)
    except (OutputError, FolderBusy, EngineError, EnvironmentFailure) as exc:
        _stop(str(exc), 2, debug)
    for line in summary.lines():
        click.echo(line)
    click.echo(printable(f"tables:    {out_dir}/documents.{table_format}, mentions.{table_format}, "
                         f"entities.{table_format}, edges.{table_format}, timeline.{table_format}"))
    for error in summary.errors[:10]:
        click.echo(f"  ! {printable(error)}", err=True)
    if len(summary.errors) > 10:
        click.echo(f"  ! ... {len(summary.errors) - 10} more in documents.csv", err=True)
    if strict and summary.errors:
        sys.exit(1)

from pipeline.cli.report import report  # noqa: E402

main.add_command(report)

from pipeline.cli.gazetteer import gazetteer  # noqa: E402

main.add_command(gazetteer)

from pipeline.cli.ner import evaluate, tag_conll  # noqa: E402

main.add_command(tag_conll)
main.add_command(evaluate)

from pipeline.cli.link import link_coverage, link_eval  # noqa: E402

main.add_command(link_eval)
main.add_command(link_coverage)

from pipeline.cli.gold import gold  # noqa: E402

main.add_command(gold)
