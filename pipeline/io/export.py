"""Stage 5, export: documents.csv, mentions.csv, entities.csv and edges.csv.

Rows are rendered per work unit (in the worker that analyzed it) into a :class:`UnitOutput`:
CSV text plus per-entity totals. An :class:`~pipeline.io.outputs.OutputFolder` appends unit
outputs in input order and publishes the tables; entity totals are summed over units.
Offsets in ``mentions.csv`` index the decoded source text (``documents.csv`` gives the
encoding), so ``text == source_text[start:end]`` for every row.
"""

from __future__ import annotations

import collections
import csv
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from pipeline.types import DocumentResult, EntityFacts

DOCUMENT_COLUMNS = (
    "doc_id", "source", "title", "published", "outlet", "keywords", "n_chars", "n_tokens",
    "n_sentences", "n_mentions", "status", "error", "part", "encoding", "locator",
)
MENTION_COLUMNS = (
    "doc_id", "source", "sentence", "start", "end", "text", "label", "value", "entity_id",
    "wikidata", "name_ar", "name_en", "method", "score",
)
ENTITY_COLUMNS = (
    "entity_id", "label", "name_ar", "name_en", "wikidata", "n_mentions", "n_documents", "aliases",
    "geonames", "latitude", "longitude", "country", "example",
)
EXAMPLE_CHARS = 90  # characters of context on each side of an entity's first mention
LIST_SEPARATOR = " | "


@dataclass
class EntityTotals:
    """What entities.csv says about one entity: its facts (from the first unit that saw it) and
    its counts over the units seen."""

    facts: EntityFacts
    n_mentions: int = 0
    n_documents: int = 0
    surfaces: collections.Counter = field(default_factory=collections.Counter)
    example: str = ""  # the line around the first mention the run met

    def merge(self, other: EntityTotals) -> None:
        self.n_mentions += other.n_mentions
        self.n_documents += other.n_documents
        self.surfaces.update(other.surfaces)

    def facts_json(self) -> dict:
        return {name: value for name, value in asdict(self.facts).items() if value not in ("", None)}

    def to_json(self) -> dict:
        return {**self.facts_json(), "m": self.n_mentions, "d": self.n_documents, "s": dict(self.surfaces),
                "x": self.example}

    @classmethod
    def from_json(cls, data: dict) -> EntityTotals:
        return cls(facts_from_json(data), n_mentions=data["m"], n_documents=data["d"],
                   surfaces=collections.Counter(data["s"]), example=data.get("x", ""))

    @property
    def name(self) -> str:
        """The KB's Arabic name, or a local entity's most frequent surface."""
        if not self.facts.is_local or not self.surfaces:
            return self.facts.name_ar
        return min(self.surfaces, key=lambda s: (-self.surfaces[s], s))

    def row(self, entity_id: str) -> dict[str, object]:
        aliases = sorted(self.surfaces, key=lambda s: (-self.surfaces[s], s))
        f = self.facts
        return {
            "entity_id": entity_id, "label": f.label, "name_ar": self.name, "name_en": f.name_en,
            "wikidata": f.wikidata, "n_mentions": self.n_mentions, "n_documents": self.n_documents,
            "aliases": LIST_SEPARATOR.join(aliases), "geonames": f.geonames, "latitude": _number(f.latitude),
            "longitude": _number(f.longitude), "country": f.country, "example": self.example,
        }


def facts_from_json(data: dict) -> EntityFacts:
    return EntityFacts(**{name: data[name] for name in EntityFacts.__dataclass_fields__ if name in data})


@dataclass
class UnitOutput:
    """One work unit's rows (CSV text, no header), entity totals and run statistics."""

    key: str
    source: str
    file_hash: str
    documents: str
    mentions: str
    entities: dict[str, EntityTotals]
    stats: dict


def document_row(result: DocumentResult) -> dict[str, object]:
    doc = result.doc
    return {
        "doc_id": result.doc_id, "source": result.source,
        "title": doc.title if doc else "", "published": (doc.published or "") if doc else "",
        "outlet": doc.outlet if doc else "", "keywords": LIST_SEPARATOR.join(doc.keywords) if doc else "",
        "n_chars": len(doc.text) if doc else 0, "n_tokens": result.n_tokens, "n_sentences": result.n_sentences,
        "n_mentions": len(result.mentions), "status": result.status, "error": result.error,
        "part": doc.part if doc else "", "encoding": result.encoding, "locator": result.locator,
    }


def mention_rows(result: DocumentResult) -> list[dict[str, object]]:
    doc = result.doc
    if doc is None:
        return []
    rows = []
    for linked in result.mentions:
        m = linked.mention
        start, end = doc.text.source_span(m.start, m.end)
        rows.append({
            "doc_id": result.doc_id, "source": result.source, "sentence": m.sentence, "start": start, "end": end,
            "text": doc.source_text[start:end], "label": m.label, "value": m.value, "entity_id": linked.entity_id,
            "wikidata": linked.wikidata, "name_ar": linked.name_ar, "name_en": linked.name_en, "method": m.method,
            "score": f"{m.score:.3f}",
        })
    return rows


def unit_output(key: str, source: str, file_hash: str, results: Iterable[DocumentResult]) -> UnitOutput:
    """Render a unit's documents into CSV text and entity totals (runs in the worker)."""
    documents, mentions = [], []
    entities: dict[str, EntityTotals] = {}
    statuses: collections.Counter[str] = collections.Counter()
    labels: collections.Counter[str] = collections.Counter()
    errors: list[str] = []
    tracebacks: list[str] = []
    n_documents = words = 0
    for result in results:
        documents.append(document_row(result))
        rows = mention_rows(result)
        mentions.extend(rows)
        seen_here: set[str] = set()
        for linked, row in zip(result.mentions, rows):
            totals = entities.get(linked.entity_id)
            if totals is None:
                totals = entities[linked.entity_id] = EntityTotals(linked.entity, example=_context(result, linked))
            totals.n_mentions += 1
            totals.surfaces[" ".join(str(row["text"]).split())] += 1
            if linked.entity_id not in seen_here:
                seen_here.add(linked.entity_id)
                totals.n_documents += 1
        n_documents += 1
        words += result.n_tokens
        statuses[result.status] += 1
        labels.update(m.mention.label for m in result.mentions)
        if result.status == "error":
            errors.append(f"{result.doc_id}: {result.error}")
        if result.traceback:
            tracebacks.append(result.traceback)
    stats = {"documents": n_documents, "words": words, "statuses": statuses, "labels": labels, "errors": errors}
    if tracebacks:  # for OUT/.mena-ner/errors.log; the folder takes them out before journaling
        stats["tracebacks"] = tracebacks
    return UnitOutput(key, source, file_hash, render_csv(documents, DOCUMENT_COLUMNS), render_csv(mentions, MENTION_COLUMNS),
                      entities, stats)


def entity_rows(results: Iterable[DocumentResult]) -> Iterable[dict[str, object]]:
    """entities.csv rows of some documents, most mentioned first, ties by id (as a run writes them)."""
    totals = unit_output("", "", "", results).entities
    for entity_id in sorted(totals, key=lambda e: (-totals[e].n_mentions, e)):
        yield totals[entity_id].row(entity_id)


def _context(result: DocumentResult, linked) -> str:
    """The clean-text line around a mention, cut to :data:`EXAMPLE_CHARS` on each side."""
    assert result.doc is not None
    text, m = result.doc.text.text, linked.mention
    line_start, line_end = text.rfind("\n", 0, m.start) + 1, text.find("\n", m.end)
    line_end = len(text) if line_end < 0 else line_end
    start, end = max(line_start, m.start - EXAMPLE_CHARS), min(line_end, m.end + EXAMPLE_CHARS)
    if start > line_start:  # cut at a word boundary
        start = text.find(" ", start, m.start) + 1 or start
    if end < line_end:
        end = text.rfind(" ", m.end, end) if text.rfind(" ", m.end, end) > 0 else end
    return " ".join(text[start:end].split())


def render_csv(rows: list[dict[str, object]], columns: tuple[str, ...], header: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    if header:
        writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


class EntityLookup(Protocol):
    """Entity totals by id: a dict, or the run's on-disk :class:`~pipeline.io.entity_store.EntityStore`."""

    def get(self, entity_id: str, default: EntityTotals | None = None) -> EntityTotals | None: ...


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.5f}".rstrip("0").rstrip(".")


EDGE_COLUMNS = ("entity_a", "entity_b", "scope", "count", "name_a", "name_b")
# A sentence or document naming more distinct entities than this (a list, a dump, a whole
# archive on one line) pairs only its this-many most mentioned ones: pairs grow with the
# square of the entities, and co-occurrence in such a "document" says little.
MAX_EDGE_ENTITIES = 100


def write_edges(mentions_csv, entities: EntityLookup, out_csv, scratch) -> int:
    """edges.csv: entity pairs mentioned in the same sentence / document, with counts.

    Streams mentions.csv (rows of one document are contiguous) and counts pairs in an on-disk
    SQLite table, so memory stays flat however large the network grows. Returns the row count.
    """
    import sqlite3

    scratch = Path(scratch)
    scratch.unlink(missing_ok=True)
    db = sqlite3.connect(scratch)
    db.execute("CREATE TABLE pairs (a TEXT, b TEXT, scope TEXT, n INTEGER, PRIMARY KEY (a, b, scope)) WITHOUT ROWID")
    upsert = "INSERT INTO pairs VALUES (?, ?, ?, 1) ON CONFLICT (a, b, scope) DO UPDATE SET n = n + 1"
    for sentences in _entities_by_document(mentions_csv):
        pairs = [(a, b, "sentence") for counts in sentences.values() for a, b in _pairs(counts)]
        pairs += [(a, b, "document") for a, b in _pairs(sum(sentences.values(), collections.Counter()))]
        db.executemany(upsert, pairs)
    rows = 0
    names: dict[str, str] = {}
    with open(out_csv, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(EDGE_COLUMNS)
        query = "SELECT a, b, scope, n FROM pairs ORDER BY scope DESC, n DESC, a, b"
        for a, b, scope, n in db.execute(query):
            for entity_id in (a, b):
                if entity_id not in names:
                    names[entity_id] = _name(entities, entity_id)
            writer.writerow((a, b, scope, n, names[a], names[b]))
            rows += 1
    db.close()
    scratch.unlink(missing_ok=True)
    return rows


def _entities_by_document(mentions_csv) -> Iterable[dict[str, collections.Counter]]:
    """For each document in mentions.csv: sentence number -> mentions per entity id."""
    with open(mentions_csv, encoding="utf-8", newline="") as handle:
        current: str | None = None
        sentences: dict[str, collections.Counter] = {}
        for row in csv.DictReader(handle):
            if row["doc_id"] != current:
                if sentences:
                    yield sentences
                current, sentences = row["doc_id"], {}
            sentences.setdefault(row["sentence"], collections.Counter())[row["entity_id"]] += 1
        if sentences:
            yield sentences


def _pairs(counts: collections.Counter) -> list[tuple[str, str]]:
    """Pairs of the entities of one scope (at most ``MAX_EDGE_ENTITIES``, most mentioned first)."""
    kept = counts if len(counts) <= MAX_EDGE_ENTITIES else \
        [e for e, _ in sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:MAX_EDGE_ENTITIES]]
    ordered = sorted(kept)
    return [(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1:]]


def _name(entities: EntityLookup, entity_id: str) -> str:
    totals = entities.get(entity_id)
    return "" if totals is None else totals.name


TIMELINE_COLUMNS = ("date", "outlet", "entity_id", "label", "name_ar", "n_mentions", "n_documents")


def write_timeline(documents_csv, mentions_csv, entities: EntityLookup, out_csv, scratch) -> int:
    """timeline.csv: mentions and documents per entity per publication day, for all outlets
    (``outlet`` empty) and per outlet. Documents without a date are left out (the table is empty
    when no document has one). Summed in SQLite, like edges.csv, so memory stays flat."""
    import sqlite3

    dated: dict[str, tuple[str, str]] = {}
    with open(documents_csv, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["published"]:
                dated[row["doc_id"]] = (row["published"], row["outlet"])
    scratch = Path(scratch)
    scratch.unlink(missing_ok=True)
    db = sqlite3.connect(scratch)
    db.execute("CREATE TABLE t (date TEXT, outlet TEXT, entity TEXT, label TEXT, m INTEGER, d INTEGER, "
               "PRIMARY KEY (date, outlet, entity)) WITHOUT ROWID")
    upsert = ("INSERT INTO t VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (date, outlet, entity) "
              "DO UPDATE SET m = m + excluded.m, d = d + 1")
    for doc_id, counts, labels in _entities_per_document(mentions_csv):
        if doc_id in dated:
            date, outlet = dated[doc_id]
            scopes = [""] + ([outlet] if outlet else [])
            db.executemany(upsert, [(date, scope, e, labels[e], n) for e, n in counts.items() for scope in scopes])
    rows = 0
    with open(out_csv, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(TIMELINE_COLUMNS)
        for date, outlet, entity_id, label, m, d in db.execute("SELECT * FROM t ORDER BY date, outlet, m DESC, entity"):
            writer.writerow((date, outlet, entity_id, label, _name(entities, entity_id), m, d))
            rows += 1
    db.close()
    scratch.unlink(missing_ok=True)
    return rows


def _entities_per_document(mentions_csv) -> Iterable[tuple[str, collections.Counter, dict[str, str]]]:
    """For each document of mentions.csv (its rows are contiguous): mentions per entity, and labels."""
    with open(mentions_csv, encoding="utf-8", newline="") as handle:
        current = ""
        counts: collections.Counter[str] = collections.Counter()
        labels: dict[str, str] = {}
        for row in csv.DictReader(handle):
            if row["doc_id"] != current:
                if counts:
                    yield current, counts, labels
                current, counts, labels = row["doc_id"], collections.Counter(), {}
            counts[row["entity_id"]] += 1
            labels.setdefault(row["entity_id"], row["label"])
        if counts:
            yield current, counts, labels
