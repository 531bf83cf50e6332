"""Stage 5, export: documents.csv, mentions.csv and entities.csv.

Rows are streamed as documents arrive; entity totals are accumulated and written at the end.
Tables are written to temporary files in the output folder and renamed into place only when
the run finishes, so an interrupted run never leaves a truncated table behind.
Offsets in ``mentions.csv`` index the decoded source text (``documents.csv`` gives the
encoding), so ``text == source_text[start:end]`` for every row.
"""

from __future__ import annotations

import collections
import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.types import DocumentResult, LinkedMention

DOCUMENT_COLUMNS = (
    "doc_id", "source", "title", "published", "outlet", "keywords", "n_chars", "n_tokens",
    "n_sentences", "n_mentions", "status", "error", "part", "encoding",
)
MENTION_COLUMNS = (
    "doc_id", "source", "sentence", "start", "end", "text", "label", "value", "entity_id",
    "wikidata", "name_ar", "name_en", "method", "score",
)
ENTITY_COLUMNS = (
    "entity_id", "label", "name_ar", "name_en", "wikidata", "n_mentions", "n_documents", "aliases",
    "geonames", "latitude", "longitude", "country",
)
LIST_SEPARATOR = " | "


@dataclass
class EntityTotals:
    """What entities.csv says about one entity, accumulated over the run."""

    label: str
    name_en: str = ""
    wikidata: str = ""
    geonames: str = ""
    latitude: float | None = None
    longitude: float | None = None
    country: str = ""
    kb_name: str = ""
    n_mentions: int = 0
    n_documents: int = 0
    last_doc: str = ""
    surfaces: collections.Counter = field(default_factory=collections.Counter)

    def add(self, doc_id: str, surface: str) -> None:
        self.n_mentions += 1
        self.surfaces[surface] += 1
        if doc_id != self.last_doc:
            self.n_documents += 1
            self.last_doc = doc_id

    def row(self, entity_id: str) -> dict[str, object]:
        aliases = sorted(self.surfaces, key=lambda s: (-self.surfaces[s], s))
        return {
            "entity_id": entity_id, "label": self.label, "name_ar": self.kb_name or aliases[0],
            "name_en": self.name_en, "wikidata": self.wikidata, "n_mentions": self.n_mentions,
            "n_documents": self.n_documents, "aliases": LIST_SEPARATOR.join(aliases), "geonames": self.geonames,
            "latitude": _number(self.latitude), "longitude": _number(self.longitude), "country": self.country,
        }


def document_row(result: DocumentResult) -> dict[str, object]:
    doc = result.doc
    return {
        "doc_id": result.doc_id, "source": result.source,
        "title": doc.title if doc else "", "published": (doc.published or "") if doc else "",
        "outlet": doc.outlet if doc else "", "keywords": LIST_SEPARATOR.join(doc.keywords) if doc else "",
        "n_chars": len(doc.text) if doc else 0, "n_tokens": result.n_tokens, "n_sentences": result.n_sentences,
        "n_mentions": len(result.mentions), "status": result.status, "error": result.error,
        "part": doc.part if doc else "", "encoding": result.encoding,
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


class TableWriter:
    """Streams the three tables into ``out_dir``; ``close()`` publishes them atomically."""

    def __init__(self, out_dir: str | Path):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._files = {}
        self._writers = {}
        for name, columns in (("documents", DOCUMENT_COLUMNS), ("mentions", MENTION_COLUMNS)):
            handle = open(self._tmp(name), "w", encoding="utf-8", newline="")
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            self._files[name], self._writers[name] = handle, writer
        self.entities: dict[str, EntityTotals] = {}

    def _tmp(self, name: str) -> Path:
        return self.out_dir / f".{name}.csv.tmp"

    def write(self, result: DocumentResult) -> None:
        self._writers["documents"].writerow(document_row(result))
        rows = mention_rows(result)
        self._writers["mentions"].writerows(rows)
        for linked, row in zip(result.mentions, rows):
            self._count(linked, result.doc_id, str(row["text"]))

    def _count(self, linked: LinkedMention, doc_id: str, surface: str) -> None:
        totals = self.entities.get(linked.entity_id)
        if totals is None:
            totals = self.entities[linked.entity_id] = EntityTotals(
                label=linked.mention.label, name_en=linked.name_en, wikidata=linked.wikidata,
                geonames=linked.geonames, latitude=linked.latitude, longitude=linked.longitude,
                country=linked.country, kb_name=linked.name_ar if not linked.entity_id.startswith("local:") else "",
            )
        totals.add(doc_id, " ".join(surface.split()))

    def close(self) -> dict[str, Path]:
        """Write entities.csv and move all tables into place; returns their final paths."""
        with open(self._tmp("entities"), "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=ENTITY_COLUMNS, lineterminator="\n")
            writer.writeheader()
            for entity_id in sorted(self.entities, key=lambda e: (-self.entities[e].n_mentions, e)):
                writer.writerow(self.entities[entity_id].row(entity_id))
        paths = {}
        for name in ("documents", "mentions", "entities"):
            if name in self._files:
                self._files[name].close()
            final = self.out_dir / f"{name}.csv"
            os.replace(self._tmp(name), final)
            paths[name] = final
        return paths

    def abort(self) -> None:
        """Drop the temporary files; tables from an earlier run stay untouched."""
        for handle in self._files.values():
            handle.close()
        for name in ("documents", "mentions", "entities"):
            self._tmp(name).unlink(missing_ok=True)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.5f}".rstrip("0").rstrip(".")
