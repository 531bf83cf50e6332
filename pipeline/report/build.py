"""From a run's output folder to ``report.html``: read the tables, summarize, draw, write.

The overview always covers every document; only the full-text document views are limited
(``max_docs``, most mentions first) so a 10,000-document run still gives a page that opens
quickly.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.report import charts, overview
from pipeline.report.documents import Tooltips, document_views, select_documents
from pipeline.report.options import ReportOptions
from pipeline.report.page import PageContent, render_page
from pipeline.report.tables import RunTables, edges_for, load_tables


@dataclass(frozen=True)
class ReportResult:
    """What was written, for the command's summary line."""

    path: Path
    bytes: int
    seconds: float
    documents: int
    shown: int


def build_report(out_dir: str | Path, output: str | Path | None = None, options: ReportOptions | None = None) -> ReportResult:
    """Write the report of the run in ``out_dir`` (default ``out_dir/report.html``)."""
    options = options or ReportOptions()
    began = time.perf_counter()
    out_dir = Path(out_dir)
    output = Path(output) if output else out_dir / "report.html"
    tables = load_tables(out_dir)
    roots = list(options.roots) or [Path.cwd(), out_dir.resolve().parent]
    content = page_content(tables, options, roots=roots, title=f"mena-ner report — {out_dir.resolve().name}")
    html_text = render_page(content)
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_text(html_text, encoding="utf-8")
    os.replace(tmp, output)  # a half-written report never replaces a good one
    return ReportResult(output, output.stat().st_size, time.perf_counter() - began,
                        len(tables.documents), len(content.documents))


def page_content(tables: RunTables, options: ReportOptions, *, roots: list[Path], title: str) -> PageContent:
    """Everything the page shows, computed from the tables."""
    docs, mentions, entities = tables.documents, tables.mentions, tables.entities
    counts = overview.label_counts(mentions, entities)
    tops = overview.top_entities(entities, options.top)
    tops = {label: tops[label] for label in overview.labels_in(mentions, entities) if label in tops}
    places = overview.places(entities)
    net = overview.network(edges_for(tables, options.scope), entities, max_nodes=options.network_nodes,
                           max_edges=options.network_edges, scope=options.scope)
    shown = select_documents(docs, options.max_docs)
    tips = Tooltips()
    views = document_views(shown, docs, mentions, entities, roots=roots, tips=tips)
    return PageContent(
        title=title,
        subtitle=f"{len(docs):,} documents · generated {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        cards=summary_cards(tables, counts, len(places)),
        labels=overview.labels_in(mentions, entities),
        figures={"fig-labels": charts.label_figure(counts), "fig-top": charts.top_entities_figure(tops),
                 "fig-map": charts.map_figure(places), "fig-network": charts.network_figure(net),
                 "fig-timeline": charts.timeline_figure(tables.timeline if tables.timeline is not None
                                                        else pd.DataFrame(columns=["outlet"]), entities)},
        tops=tops, documents=views, tooltips=tips.texts, per_page=options.per_page,
        documents_note=documents_note(len(views), int((docs["status"] == "ok").sum()), len(docs)),
        map_note=f"{len(places):,} entities with coordinates; marker area shows mentions. "
                 "Hover a place for its names and Wikidata id; the buttons switch between the region and the world.",
        network_note=f"The {len(net.nodes)} most connected entities and the {len(net.edges)} strongest links among them; "
                     f"two entities are linked when they appear in the same {options.scope} "
                     f"(line width: in how many). Drag to pan, scroll to zoom.",
    )


def summary_cards(tables: RunTables, counts, n_places: int) -> list[tuple[str, str, str]]:
    """The numbers at the top of the page."""
    docs, mentions = tables.documents, tables.mentions
    statuses = docs["status"].value_counts()
    not_ok = ", ".join(f"{n:,} {status}" for status, n in statuses.items() if status != "ok") or "all read"
    linked = int((mentions["wikidata"] != "").sum())
    share = f"{linked / len(mentions):.0%} of mentions" if len(mentions) else "no mentions"
    cards = [(f"{len(docs):,}", "documents", f"{int(statuses.get('ok', 0)):,} ok; {not_ok}"),
             (f"{len(mentions):,}", "mentions", plural(len(tables.entities), "distinct entity", "distinct entities")),
             (f"{linked:,}", "linked to Wikidata", share),
             (f"{n_places:,}", "places on the map", "entities with coordinates")]
    cards += [(f"{int(row.mentions):,}", f"{row.label} mentions",
               f"{plural(int(row.entities), 'entity', 'entities')}, {plural(int(row.documents), 'document')}")
              for row in counts.itertuples(index=False)]
    return cards


def plural(n: int, one: str, many: str = "") -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def documents_note(shown: int, readable: int, total: int) -> str:
    if shown >= readable:
        return f"All {readable:,} documents with text, most mentions first. Hover a highlight for its linked entity."
    return (f"Showing the {shown:,} documents with the most mentions out of {readable:,} with text "
            f"({total:,} rows in documents.csv); the overview above covers all of them. "
            "Hover a highlight for its linked entity; use --max-docs for more.")
