"""The output folder: atomic tables, a journal for ``--resume`` and ``--incremental``.

Layout of ``OUT``::

    documents.csv mentions.csv entities.csv   published tables
    edges.csv                                 entity co-occurrence, computed from mentions.csv
    .mena-ner/state.json                      configuration fingerprint of the published tables
    .mena-ner/journal.jsonl                   one line per work unit of the published tables
    .mena-ner/run/                            a run in progress (part files, its journal)

A run appends each unit's rows to part files, flushes them, then appends a journal line with
the byte ranges of those rows, the unit's entity totals and statistics. ``publish`` writes
entities.csv from the summed totals and renames everything into place. After a crash the part
files are cut back to the last journal line, so ``--resume`` continues with whole rows only;
``--incremental`` copies the rows of unchanged inputs from the published tables.

With ``table_format="parquet"`` the run journals CSV parts just the same and ``publish``
converts the finished tables (:mod:`pipeline.io.parquet`) into ``.parquet`` files that replace
the CSV ones.
"""

from __future__ import annotations

import collections
import contextlib
import csv
import datetime
import json
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from pipeline.io.entity_store import EntityStore
from pipeline.io.environment import EnvironmentFailure, checkpoint, is_environmental, reason
from pipeline.io.export import (
    DOCUMENT_COLUMNS,
    ENTITY_COLUMNS,
    MENTION_COLUMNS,
    EntityTotals,
    UnitOutput,
    render_csv,
    write_edges,
    write_timeline,
)
from pipeline.io.lock import FolderLock

TABLES = ("documents", "mentions")  # written unit by unit (journaled); the others are derived at publish
PUBLISHED = (*TABLES, "entities", "edges", "timeline")
STATE_DIR = ".mena-ner"
TABLE_FORMATS = ("csv", "parquet")


ERRORS_LOG = "errors.log"


class OutputError(Exception):
    """A usage mistake about the output folder (unwritable, other configuration, nothing to resume)."""


class OutputWriteFailed(EnvironmentFailure):
    """Writing the output folder failed mid-run (disk full, folder removed or read-only)."""


def log_error(out_dir: str | Path, text: str) -> Path | None:
    """Append a traceback (or any report) to ``OUT/.mena-ner/errors.log``; best effort, returns the path."""
    path = Path(out_dir) / STATE_DIR / ERRORS_LOG
    stamp = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    try:
        with open(path, "a", encoding="utf-8", errors="backslashreplace") as log:
            log.write(f"--- {stamp} pid {os.getpid()}\n{text.rstrip()}\n")
    except OSError:
        return None
    return path


@dataclass
class JournalEntry:
    key: str
    source: str
    file_hash: str
    ranges: dict[str, list[int]]
    entities: dict
    stats: dict

    def to_json(self) -> str:
        return json.dumps({"key": self.key, "source": self.source, "hash": self.file_hash, "ranges": self.ranges,
                           "entities": self.entities, "stats": self.stats}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, line: str) -> JournalEntry:
        data = json.loads(line)
        return cls(data["key"], data["source"], data["hash"], data["ranges"], data["entities"], data["stats"])


def write_unit(handles: Mapping[str, BinaryIO], unit: UnitOutput) -> JournalEntry:
    """Append a unit's rows to the table files; its journal entry records where they went."""
    ranges = {}
    for table, text in (("documents", unit.documents), ("mentions", unit.mentions)):
        start = handles[table].tell()
        handles[table].write(text.encode("utf-8"))
        ranges[table] = [start, handles[table].tell()]
    entities = {k: v.to_json() for k, v in unit.entities.items()}
    return JournalEntry(unit.key, unit.source, unit.file_hash, ranges, entities, unit.stats)


def read_unit(handles: Mapping[str, BinaryIO], entry: JournalEntry) -> UnitOutput:
    """A unit back from the table files its journal entry points into (see :func:`write_unit`)."""
    texts = {}
    for table in TABLES:
        start, end = entry.ranges[table]
        handles[table].seek(start)
        texts[table] = handles[table].read(end - start).decode("utf-8")
    totals = {k: EntityTotals.from_json(v) for k, v in entry.entities.items()}
    return UnitOutput(entry.key, entry.source, entry.file_hash, texts["documents"], texts["mentions"], totals,
                      entry.stats)


@dataclass
class RunTotals:
    """Entity totals and statistics summed over the units written so far."""

    entities: EntityStore = field(default_factory=EntityStore)  # on disk for an output folder
    documents: int = 0
    words: int = 0
    statuses: collections.Counter = field(default_factory=collections.Counter)
    labels: collections.Counter = field(default_factory=collections.Counter)
    errors: list[str] = field(default_factory=list)
    reused: int = 0
    analyzed_words: int = 0  # words analyzed in this run (not copied from earlier work)

    def add(self, entities: dict[str, EntityTotals], stats: dict) -> None:
        for entity_id, totals in entities.items():
            self.entities.add(entity_id, totals)
        self.documents += stats["documents"]
        self.words += stats["words"]
        self.statuses.update(stats["statuses"])
        self.labels.update(stats["labels"])
        self.errors.extend(stats["errors"])


class OutputFolder:
    """Writes one run into ``out_dir``; modes: ``fresh``, ``resume``, ``incremental``.

    The folder's lock (:class:`~pipeline.io.lock.FolderLock`) is held from construction to
    :meth:`publish` or :meth:`close_unpublished`: one writer per folder (``wait``: queue behind
    another run instead of stopping; ``waiting`` is told once that it waits). A write that
    fails because of the machine (disk full, folder removed or read-only) raises
    :class:`OutputWriteFailed`; the published tables are untouched and ``--resume`` continues.
    """

    def __init__(self, out_dir: str | Path, fingerprint: str, *, mode: str = "fresh", overwrite: bool = False,
                 table_format: str = "csv", wait: bool = False, waiting: Callable[[str], None] | None = None):
        if table_format not in TABLE_FORMATS:
            raise OutputError(f"unknown table format {table_format!r}; choose one of {', '.join(TABLE_FORMATS)}")
        if mode == "incremental" and table_format != "csv":
            raise OutputError("--incremental copies rows from published CSV tables; it cannot be used with --format parquet")
        self.table_format = table_format
        self.mode = mode
        self.out = Path(out_dir)
        self.state_dir = self.out / STATE_DIR
        self.run_dir = self.state_dir / "run"
        self.fingerprint = fingerprint
        self.totals = RunTotals()
        self.previous: dict[str, list[tuple[int, int]]] = {}  # source -> its journal lines (byte ranges)
        self.done: set[str] = set()
        self.resumed_units = 0
        self._resumable: list[tuple[str, str]] = []  # (key, input hash) of the interrupted run's units, in order
        self._matched = 0
        self._settled = True
        self.lock = FolderLock(self.state_dir, self.out)
        self._prepare_folder(wait, waiting)
        try:
            with self._writing("start"):
                self._open(mode, overwrite)
        except BaseException:
            self.lock.release()
            raise

    # -- setup -----------------------------------------------------------------------------
    def _prepare_folder(self, wait: bool, waiting: Callable[[str], None] | None) -> None:
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            self.lock.acquire(wait, waiting)
        except OSError as exc:
            raise OutputError(f"cannot write to output folder {self.out}: {reason(exc)}") from exc
        try:
            probe = self.state_dir / ".write-test"
            probe.write_text("ok")
            probe.unlink()
        except OSError as exc:
            self.lock.release()
            raise OutputError(f"cannot write to output folder {self.out}: {reason(exc)}") from exc

    def _open(self, mode: str, overwrite: bool) -> None:
        self._finish_interrupted_publish()
        published = self._published_fingerprint()
        if published not in (None, self.fingerprint) and not overwrite and mode != "incremental":
            raise OutputError(
                f"{self.out} holds tables from a different configuration (gazetteers, model or options changed); "
                "use --overwrite to replace them or choose another --out")
        if published is None and any((self.out / f"{t}.{x}").exists() for t in TABLES for x in TABLE_FORMATS) and not overwrite:
            raise OutputError(f"{self.out} holds tables that mena-ner did not write (no {STATE_DIR}/state.json); "
                              "use --overwrite to replace them or choose another --out")
        if mode == "resume":
            if (self.run_dir / "state.json").exists() or published != self.fingerprint or self.table_format != "csv":
                self._open_resumed()
                return
            # the interrupted run got as far as publishing (killed during or after its renames): bring
            # its tables up to date as --incremental does, which reuses every unchanged input's rows
            self.mode = mode = "incremental"
        if mode == "incremental":
            if published != self.fingerprint:
                raise OutputError(f"--incremental needs tables from an earlier run with the same configuration in {self.out}")
            for start, end, entry in self._journal_lines(self.state_dir / "journal.jsonl"):
                self.previous.setdefault(entry.source, []).append((start, end))
        self._open_fresh()

    def _published_fingerprint(self) -> str | None:
        state = self.state_dir / "state.json"
        if not state.exists():
            return None
        return json.loads(state.read_text(encoding="utf-8")).get("fingerprint")

    def _open_fresh(self) -> None:
        shutil.rmtree(self.run_dir, ignore_errors=True)
        self.run_dir.mkdir(parents=True)
        self.totals.entities = EntityStore(self.run_dir / "entities.sqlite")
        (self.run_dir / "state.json").write_text(json.dumps({"fingerprint": self.fingerprint}), encoding="utf-8")
        self._files = {t: open(self.run_dir / f"{t}.csv", "wb") for t in TABLES}
        self._files["documents"].write(render_csv([], DOCUMENT_COLUMNS, header=True).encode("utf-8"))
        self._files["mentions"].write(render_csv([], MENTION_COLUMNS, header=True).encode("utf-8"))
        self._flush()
        self._journal = open(self.run_dir / "journal.jsonl", "w", encoding="utf-8")

    def _open_resumed(self) -> None:
        state = self.run_dir / "state.json"
        if not state.exists():
            raise OutputError(f"nothing to resume in {self.out}: no interrupted run found")
        if json.loads(state.read_text(encoding="utf-8")).get("fingerprint") != self.fingerprint:
            raise OutputError(f"the interrupted run in {self.out} used a different configuration; run without --resume")
        self._load_journal(keep=None)
        self._settled = False

    def _load_journal(self, keep: int | None) -> None:
        """Sum the first ``keep`` journaled units (all: ``None``), cut the journal and part files
        after them (a line or rows cut short by a crash go too), and open them for appending."""
        journal_path = self.run_dir / "journal.jsonl"
        self.totals.entities.close()
        self.totals = RunTotals(entities=EntityStore(self.run_dir / "entities.sqlite"))  # rebuilt from the journal
        self.done, self._resumable = set(), []
        ends: dict[str, int | None] = {t: None for t in TABLES}
        journal_end = 0
        for _, end, entry in self._journal_lines(journal_path):  # streamed: memory does not grow
            if keep is not None and len(self._resumable) >= keep:
                break
            journal_end = end
            for table in TABLES:
                ends[table] = max(ends[table] or 0, entry.ranges[table][1])
            self.done.add(entry.key)
            self._resumable.append((entry.key, entry.file_hash))
            self.totals.add({k: EntityTotals.from_json(v) for k, v in entry.entities.items()}, entry.stats)
        if journal_path.exists():
            with open(journal_path, "r+b") as journal:  # drop a line cut short by the crash
                journal.truncate(journal_end)
                if journal_end:
                    journal.seek(journal_end - 1)
                    if journal.read(1) != b"\n":  # a whole entry whose newline was not written yet
                        journal.write(b"\n")
        for table in TABLES:
            path = self.run_dir / f"{table}.csv"
            with open(path, "r+b") as handle:
                if ends[table] is None:  # nothing journaled: keep the header line only
                    handle.seek(0)
                    ends[table] = len(handle.readline())
                handle.truncate(ends[table])
        self._files = {t: open(self.run_dir / f"{t}.csv", "ab") for t in TABLES}
        self._journal = open(self.run_dir / "journal.jsonl", "a", encoding="utf-8")

    @staticmethod
    def _journal_lines(path: Path) -> Iterator[tuple[int, int, JournalEntry]]:
        """``(start, end, entry)`` for each journal line, read one at a time."""
        if not path.exists():
            return
        with open(path, "rb") as lines:
            start = 0
            for line in lines:
                try:
                    entry = JournalEntry.from_json(line.decode("utf-8"))
                except (json.JSONDecodeError, KeyError, UnicodeDecodeError):
                    return  # a line cut short by a crash: it and anything after it is redone
                yield start, start + len(line), entry
                start += len(line)

    # -- resuming --------------------------------------------------------------------------
    def already_done(self, key: str, file_hash: str) -> bool:
        """``--resume``: is this unit the next one the interrupted run finished, on the same input content?

        The interrupted run's units are a prefix of the input order. The longest prefix that
        still matches today's inputs (same units, same content hashes) is kept; from the first
        unit that differs on, its work is cut off and redone, so the tables are those of an
        undisturbed run on the inputs as they are now (an input edited or deleted meanwhile
        included). Call in input order, before the unit's output is appended.
        """
        if self._settled:
            return False
        if self._matched < len(self._resumable) and self._resumable[self._matched] == (key, file_hash):
            self._matched += 1
            return True
        self.settle_resume()
        return False

    def settle_resume(self) -> None:
        """Keep only the matched prefix of the interrupted run (see :meth:`already_done`)."""
        if self._settled:
            return
        self._settled = True
        self.resumed_units = self._matched
        if self._matched < len(self._resumable):
            with self._writing():
                self._close_files()
                self._load_journal(keep=self._matched)

    # -- writing ---------------------------------------------------------------------------
    def reusable(self, source: str, file_hash: str) -> list[JournalEntry]:
        """Units of an unchanged input in the published tables (``--incremental``)."""
        entries: list[JournalEntry] = []
        if source not in self.previous:
            return entries
        with self._writing(), open(self.state_dir / "journal.jsonl", "rb") as journal:
            for start, end in self.previous.get(source, []):
                journal.seek(start)
                entries.append(JournalEntry.from_json(journal.read(end - start).decode("utf-8")))
        return entries if entries and file_hash and all(e.file_hash == file_hash for e in entries) else []

    def copy_previous(self, entry: JournalEntry) -> None:
        """Append an unchanged unit's rows from the published tables."""
        with self._writing(), contextlib.ExitStack() as stack:
            handles = {table: stack.enter_context(open(self.out / f"{table}.csv", "rb")) for table in TABLES}
            self.append(read_unit(handles, entry), analyzed=False)
        self.totals.reused += 1

    def append(self, unit: UnitOutput, analyzed: bool = True) -> None:
        """Write a unit's rows, then its journal line (the unit counts as done once that is written)."""
        self.settle_resume()
        tracebacks = unit.stats.pop("tracebacks", None)
        with self._writing():
            self._check_still_there()
            entry = write_unit(self._files, unit)
            self._flush()
            checkpoint("unit-written")
            self._journal.write(entry.to_json() + "\n")
            self._journal.flush()
            checkpoint("journal-written")
            self.done.add(unit.key)
            self.totals.add(unit.entities, unit.stats)
        if tracebacks:  # internal errors of a stage: the row says what, the log keeps the traceback
            log_error(self.out, "\n".join(tracebacks))
        if analyzed:
            self.totals.analyzed_words += unit.stats["words"]

    def _flush(self) -> None:
        for handle in self._files.values():
            handle.flush()

    def _check_still_there(self) -> None:
        """A removed folder does not fail writes on Linux (they go to unlinked files): look for it."""
        journal = getattr(self, "_journal", None)
        if journal is not None and not journal.closed and os.fstat(journal.fileno()).st_nlink == 0:
            raise OutputWriteFailed(self._removed_message())

    def _removed_message(self) -> str:
        return (f"the output folder {self.out} (or its {STATE_DIR}/run) was removed while the run was writing to it; "
                "nothing was published and nothing is left to resume: run again")

    @contextlib.contextmanager
    def _writing(self, stage: str = "run") -> Iterator[None]:
        """Turn a failure of the file system into one :class:`OutputWriteFailed` that says what to do.

        ``stage``: ``start`` (opening the folder), ``run`` (writing units, preparing the tables),
        ``publish`` (renaming them into place).
        """
        try:
            yield
        except EnvironmentFailure:
            raise
        except Exception as exc:
            if not is_environmental(exc):
                raise
            if stage == "run" and not self.run_dir.is_dir():
                raise OutputWriteFailed(self._removed_message()) from exc
            unpublished = ("nothing was published (the tables there are as they were); once that is fixed, "
                           "--resume finishes the run")
            hints = {
                "start": unpublished,
                "run": unpublished,
                "publish": "the previous tables stay until the next mena-ner run in this folder completes the publishing",
            }
            hint = hints[stage]
            raise OutputWriteFailed(f"cannot write to {self.out}: {reason(exc)}; {hint}") from exc

    # -- publishing ------------------------------------------------------------------------
    def publish(self) -> dict[str, Path]:
        """Write entities.csv and move the run's tables into place; releases the folder's lock."""
        self.settle_resume()
        with self._writing():
            self._check_still_there()
            self._close_files(strict=True)
            with open(self.run_dir / "entities.csv", "w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=ENTITY_COLUMNS, lineterminator="\n")
                writer.writeheader()
                writer.writerows(self.totals.entities.rows())
            checkpoint("publish-entities")
            write_edges(self.run_dir / "mentions.csv", self.totals.entities, self.run_dir / "edges.csv",
                        self.run_dir / "edges.sqlite")
            write_timeline(self.run_dir / "documents.csv", self.run_dir / "mentions.csv", self.totals.entities,
                           self.run_dir / "timeline.csv", self.run_dir / "timeline.sqlite")
            self.totals.entities.close()
            if self.table_format == "parquet":
                from pipeline.io.parquet import csv_tables_to_parquet

                csv_tables_to_parquet(self.run_dir, remove_csv=True)
            (self.run_dir / "PUBLISHING").write_text(f"rename run/ files into place\n{self.table_format}\n")
            checkpoint("publish-marker")
        with self._writing("publish"):
            self._finish_interrupted_publish()
        self.lock.release()
        return {t: self.out / f"{t}.{self.table_format}" for t in PUBLISHED}

    def close_unpublished(self) -> None:
        """Stop without publishing (interrupted, or the machine failed): part files stay for ``--resume``."""
        try:
            self._close_files()
            with contextlib.suppress(Exception):  # a full disk or a removed folder: nothing more to save
                self.totals.entities.close()
        finally:
            self.lock.release()

    def _close_files(self, strict: bool = False) -> None:
        for handle in [*getattr(self, "_files", {}).values(), getattr(self, "_journal", None)]:
            if handle is not None and not handle.closed:
                if strict:
                    handle.close()
                else:
                    with contextlib.suppress(OSError):  # its last buffer may not fit on a full disk
                        handle.close()

    def _finish_interrupted_publish(self) -> None:
        """Complete the renames of a publish that a crash cut short (roll forward)."""
        marker = self.run_dir / "PUBLISHING"
        if not marker.exists():
            return
        table_format = "parquet" if marker.read_text().split("\n")[1:2] == ["parquet"] else "csv"
        for table in PUBLISHED:  # the other format's tables are stale now
            (self.out / f"{table}.{'csv' if table_format == 'parquet' else 'parquet'}").unlink(missing_ok=True)
        tables: tuple[str, ...] = tuple(f"{t}.csv" for t in PUBLISHED)
        if table_format == "parquet":
            tables = tuple(name.replace(".csv", ".parquet") for name in tables)
        for name in (*tables, "journal.jsonl", "state.json"):
            part = self.run_dir / name
            if part.exists():
                target = self.state_dir / name if name in ("journal.jsonl", "state.json") else self.out / name
                os.replace(part, target)
                checkpoint("publish-rename")
        shutil.rmtree(self.run_dir, ignore_errors=True)
