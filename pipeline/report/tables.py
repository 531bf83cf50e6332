"""Reading a run's tables for the report, and entity co-occurrence counts.

The report depends on the CSV contract only, never on pipeline stages, so it can be rebuilt
from tables of any run. Only the columns it uses are required: a run that adds columns (a
newer exporter) still gets its report. Every column is read as text (an Arabic name like
"نا" must not become NaN) and the numeric ones are converted explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.report.options import SCOPES

DOCUMENT_COLUMNS = ("doc_id", "source", "title", "published", "outlet", "n_mentions", "status", "part", "encoding")
MENTION_COLUMNS = ("doc_id", "source", "sentence", "start", "end", "text", "label", "entity_id", "wikidata",
                   "name_ar", "name_en")
ENTITY_COLUMNS = ("entity_id", "label", "name_ar", "name_en", "wikidata", "n_mentions", "n_documents",
                  "latitude", "longitude")
EDGE_COLUMNS = ("entity_a", "entity_b", "scope", "count")
TIMELINE_COLUMNS = ("date", "outlet", "entity_id", "label", "n_mentions", "n_documents")
# Columns a run may lack (older exporters); filled with empty text so code needs no special case.
_OPTIONAL = {"documents": ("locator", "keywords", "error"), "mentions": ("value", "method", "score")}
_NUMERIC = {
    "documents": ("n_chars", "n_tokens", "n_sentences", "n_mentions", "part"),
    "mentions": ("sentence", "start", "end", "score"),
    "entities": ("n_mentions", "n_documents", "latitude", "longitude"),
    "edges": ("count",),
    "timeline": ("n_mentions", "n_documents"),
}


class ReportError(Exception):
    """The output folder does not hold usable tables; the message says what is missing."""


@dataclass(frozen=True)
class RunTables:
    """The tables of one run; ``edges`` is None when the run wrote no edges.csv."""

    documents: pd.DataFrame
    mentions: pd.DataFrame
    entities: pd.DataFrame
    edges: pd.DataFrame | None = None
    timeline: pd.DataFrame | None = None  # None when the run wrote no timeline.csv (older runs)


def load_tables(out_dir: str | Path) -> RunTables:
    """Read documents, mentions and entities (required) and edges (optional) from ``out_dir``."""
    out_dir = Path(out_dir)
    tables = {
        name: read_table(out_dir / f"{name}.csv", columns, name)
        for name, columns in (("documents", DOCUMENT_COLUMNS), ("mentions", MENTION_COLUMNS), ("entities", ENTITY_COLUMNS))
    }
    edges_path, timeline_path = out_dir / "edges.csv", out_dir / "timeline.csv"
    edges = read_table(edges_path, EDGE_COLUMNS, "edges") if edges_path.exists() else None
    timeline = read_table(timeline_path, TIMELINE_COLUMNS, "timeline") if timeline_path.exists() else None
    return RunTables(edges=edges, timeline=timeline, **tables)


def read_table(path: Path, columns: tuple[str, ...], name: str) -> pd.DataFrame:
    """One CSV as strings, with its numeric columns converted; a missing column is an error."""
    if not path.is_file():
        raise ReportError(f"{path} not found: run `mena-ner run INPUT --out {path.parent}` first")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ReportError(f"{path}: missing column(s) {', '.join(missing)}")
    for column in _OPTIONAL.get(name, ()):
        if column not in frame.columns:
            frame[column] = ""
    for column in _NUMERIC.get(name, ()):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def cooccurrence(mentions: pd.DataFrame, scope: str = "document") -> pd.DataFrame:
    """Entity pairs seen together in one document (or sentence) and in how many of them.

    Columns are those of edges.csv (entity_a < entity_b); a pair counts once per document
    or sentence however often each entity is mentioned there.
    """
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}, not {scope!r}")
    keys = ["doc_id"] if scope == "document" else ["doc_id", "sentence"]
    linked = mentions[mentions["entity_id"] != ""]
    # Integer codes make the self-join of a 10,000-document run fast; sorted codes keep a < b.
    codes, ids = pd.factorize(linked["entity_id"], sort=True)
    seen = pd.DataFrame({"unit": linked.groupby(keys, sort=False).ngroup().to_numpy(), "entity": codes}).drop_duplicates()
    pairs = seen.merge(seen, on="unit", suffixes=("_a", "_b"))
    pairs = pairs[pairs["entity_a"] < pairs["entity_b"]]
    counts = pairs.groupby(["entity_a", "entity_b"]).size().reset_index(name="count")
    counts = pd.DataFrame({"entity_a": ids[counts["entity_a"]], "entity_b": ids[counts["entity_b"]],
                           "scope": scope, "count": counts["count"].to_numpy()})
    return counts.sort_values(["count", "entity_a", "entity_b"], ascending=[False, True, True], ignore_index=True)


def edges_for(tables: RunTables, scope: str = "document") -> pd.DataFrame:
    """Co-occurrence pairs from edges.csv when the run wrote it, else computed from mentions."""
    if tables.edges is not None:
        chosen = tables.edges[tables.edges["scope"] == scope]
        if len(chosen) or not len(tables.mentions):
            return chosen.loc[:, list(EDGE_COLUMNS)].reset_index(drop=True)
    return cooccurrence(tables.mentions, scope)
