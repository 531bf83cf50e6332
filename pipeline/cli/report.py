"""``mena-ner report OUT_DIR``: the click command (registered by :mod:`pipeline.cli`)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.report.options import SCOPES, ReportOptions


@click.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the report (default: OUT_DIR/report.html).")
@click.option("--max-docs", default=ReportOptions.max_docs, show_default=True, type=click.IntRange(0),
              help="Documents shown in full text, those with the most mentions first (the overview always covers all).")
@click.option("--per-page", default=ReportOptions.per_page, show_default=True, type=click.IntRange(1),
              help="Documents per page of the document view.")
@click.option("--top", default=ReportOptions.top, show_default=True, type=click.IntRange(1),
              help="Top entities listed per label.")
@click.option("--network-nodes", default=ReportOptions.network_nodes, show_default=True, type=click.IntRange(1),
              help="Entities in the co-occurrence network (the most connected ones).")
@click.option("--scope", type=click.Choice(SCOPES), default=ReportOptions.scope, show_default=True,
              help="Co-occurrence counted per document or per sentence (edges.csv is used when the run wrote it).")
@click.option("--root", "roots", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder that relative source paths in the tables are relative to (repeatable; "
                   "default: the current folder, then OUT_DIR's parent).")
def report(out_dir: Path, output: Path | None, max_docs: int, per_page: int, top: int, network_nodes: int,
           scope: str, roots: tuple[Path, ...]) -> None:
    """Write OUT_DIR/report.html: one self-contained page about a run, to look at rather than read.

    OUT_DIR is a `mena-ner run` output folder (documents.csv, mentions.csv, entities.csv,
    optionally edges.csv). The page shows counts per label, the top entities per label, a map
    of the places, the co-occurrence network of the most connected entities, and the articles
    right to left with entities highlighted (hover for the linked entity). It embeds all its
    scripts and map data, so it opens offline; source files are read to show article text.
    """
    try:
        from pipeline.report.build import build_report
        from pipeline.report.tables import ReportError
    except ImportError as exc:
        raise click.ClickException(f"the report needs the [report] extra ({exc.name} is missing): "
                                   "pip install 'mena-ner[report]'") from exc

    options = ReportOptions(max_docs=max_docs, per_page=per_page, top=top, network_nodes=network_nodes,
                            scope=scope, roots=roots)
    try:
        result = build_report(out_dir, output, options)
    except ReportError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"report:    {result.path} ({result.bytes / 1e6:.1f} MB, {result.seconds:.1f} s)")
    click.echo(f"documents: {result.shown:,} of {result.documents:,} shown in full; the overview covers all")
