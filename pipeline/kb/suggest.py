"""Gazetteer suggestions from a finished run: the most mentioned names the knowledge base lacks.

``mena-ner gazetteer suggest OUT_DIR`` reads ``OUT_DIR/entities.csv`` and writes the most
mentioned local entities (ids ``local:...``: names in no gazetteer) as rows of a gazetteer CSV,
with their label, surface forms as aliases, counts and an example line in ``notes``. The user
checks each row (keeps the real names, fixes labels, adds English names and QIDs, deletes the
rest) and drops the file into ``data/gazetteers/`` or passes it with ``--gazetteer``: the next run
links those names to the ids of the file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from pipeline.kb.gazetteer import COLUMNS
from pipeline.types import LOCAL_PREFIX

ALIAS_SEPARATOR = " | "  # entities.csv's list separator
GAZETTEER_SEPARATOR = "|"  # the gazetteer format's


def suggestions(out_dir: str | Path, top: int = 50, min_mentions: int = 2,
                labels: tuple[str, ...] = ("PER", "LOC", "ORG", "MISC")) -> Iterator[dict[str, str]]:
    """Gazetteer rows for the ``top`` most mentioned local entities of a run (at least ``min_mentions``)."""
    with open(Path(out_dir) / "entities.csv", encoding="utf-8", newline="") as handle:
        local = [row for row in csv.DictReader(handle)
                 if row["entity_id"].startswith(LOCAL_PREFIX) and row["label"] in labels
                 and int(row["n_mentions"]) >= min_mentions]
    local.sort(key=lambda row: (-int(row["n_mentions"]), row["entity_id"]))
    for row in local[:top]:
        surfaces = [s for s in row["aliases"].split(ALIAS_SEPARATOR) if s and s != row["name_ar"]]
        yield {
            "id": "user:" + row["entity_id"][len(LOCAL_PREFIX):],  # the run's stable local id, made a KB id
            "label": row["label"],
            "name_ar": row["name_ar"],
            "name_en": "",
            "aliases": GAZETTEER_SEPARATOR.join(surfaces),
            "wikidata": "",
            "source": f"mena-ner gazetteer suggest {out_dir}: {row['n_mentions']} mentions in {row['n_documents']} documents",
            "notes": row.get("example", ""),
        }


def write_suggestions(rows: Iterator[dict[str, str]], path: str | Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in COLUMNS})
            count += 1
    return count
