"""Entity totals of a whole run, on disk: memory stays flat however many entities a run finds.

Every distinct entity of a run (gazetteer ids, and a ``local:`` id for every other name) needs
its counts and surface forms until ``entities.csv`` is written at the end; a year of news has
hundreds of thousands. :class:`EntityStore` sums them in a small in-memory buffer that is
flushed into SQLite (beside the run's part files), and writes ``entities.csv`` rows back most
mentioned first, ties by id, with the same facts (the first unit that saw an entity gives
them) and the same aliases as summing the totals in memory would give.
"""

from __future__ import annotations

import collections
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from pipeline.io.export import EntityTotals, facts_from_json

BUFFER_ENTITIES = 20_000  # entities summed in memory before they are written to SQLite
CACHED_ENTITIES = 20_000  # entities read back and kept for repeated look-ups (edges.csv names)


class EntityStore:
    """``entity_id -> EntityTotals`` summed over units; ``path=None`` keeps the database in memory."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path is not None else None
        if self.path is not None:
            self.path.unlink(missing_ok=True)
        self._db = sqlite3.connect(":memory:" if self.path is None else str(self.path))
        self._db.executescript("""
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA locking_mode = EXCLUSIVE;
            CREATE TABLE entity (id TEXT PRIMARY KEY, facts TEXT, mentions INTEGER, documents INTEGER) WITHOUT ROWID;
            CREATE TABLE surface (id TEXT, surface TEXT, n INTEGER, PRIMARY KEY (id, surface)) WITHOUT ROWID;
        """)
        self._buffer: dict[str, EntityTotals] = {}
        self._cache: dict[str, EntityTotals | None] = {}
        self._closed_count: int | None = None

    # -- adding ----------------------------------------------------------------------------
    def add(self, entity_id: str, totals: EntityTotals) -> None:
        """Sum one unit's totals for an entity (the facts of its first unit are kept)."""
        if self._cache:
            self._cache.clear()
        held = self._buffer.get(entity_id)
        if held is None:
            self._buffer[entity_id] = EntityTotals.from_json(totals.to_json())
            if len(self._buffer) >= BUFFER_ENTITIES:
                self.flush()
        else:
            held.merge(totals)

    def flush(self) -> None:
        if not self._buffer:
            return
        with self._db:
            self._db.executemany(
                "INSERT INTO entity VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "mentions = mentions + excluded.mentions, documents = documents + excluded.documents",
                ((entity_id, json.dumps({**t.facts_json(), "example": t.example}, ensure_ascii=False), t.n_mentions,
                  t.n_documents)
                 for entity_id, t in self._buffer.items()))
            self._db.executemany(
                "INSERT INTO surface VALUES (?, ?, ?) ON CONFLICT (id, surface) DO UPDATE SET n = n + excluded.n",
                ((entity_id, surface, n) for entity_id, t in self._buffer.items() for surface, n in t.surfaces.items()))
        self._buffer.clear()

    # -- reading ---------------------------------------------------------------------------
    def __len__(self) -> int:
        if self._closed_count is not None:
            return self._closed_count
        self.flush()
        return self._db.execute("SELECT count(*) FROM entity").fetchone()[0]

    def __contains__(self, entity_id: object) -> bool:
        return self.get(entity_id) is not None  # type: ignore[arg-type]

    def __getitem__(self, entity_id: str) -> EntityTotals:
        totals = self.get(entity_id)
        if totals is None:
            raise KeyError(entity_id)
        return totals

    def get(self, entity_id: str, default: EntityTotals | None = None) -> EntityTotals | None:
        if entity_id in self._cache:
            totals = self._cache[entity_id]
        else:
            self.flush()
            found = self._db.execute("SELECT facts, mentions, documents FROM entity WHERE id = ?", (entity_id,)).fetchone()
            totals = None if found is None else self._totals(entity_id, *found)
            if len(self._cache) >= CACHED_ENTITIES:
                self._cache.clear()
            self._cache[entity_id] = totals
        return default if totals is None else totals

    def rows(self) -> Iterator[dict[str, object]]:
        """entities.csv rows, most mentioned first, ties by id (stable across runs)."""
        self.flush()
        ordered = self._db.execute("SELECT id, facts, mentions, documents FROM entity ORDER BY mentions DESC, id")
        for entity_id, facts, mentions, documents in ordered:
            yield self._totals(entity_id, facts, mentions, documents).row(entity_id)

    def close(self) -> None:
        """Drop the database (after entities.csv is written); ``len()`` still answers."""
        if self._closed_count is not None:
            return
        self._closed_count = len(self)
        self._buffer.clear()
        self._cache.clear()
        self._db.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    def _totals(self, entity_id: str, facts: str, mentions: int, documents: int) -> EntityTotals:
        surfaces = collections.Counter(dict(self._db.execute("SELECT surface, n FROM surface WHERE id = ?", (entity_id,))))
        data = json.loads(facts)
        return EntityTotals(facts_from_json(data), n_mentions=mentions, n_documents=documents, surfaces=surfaces,
                            example=data.get("example", ""))
