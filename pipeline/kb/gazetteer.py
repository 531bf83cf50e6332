"""Gazetteer files: loading, validation and the in-memory knowledge base.

Shared data, not a stage: the NER stage matches aliases from it, the link stage reads entity
facts from it. Files are CSV (format in ``data/gazetteers/README.md``); ``core/*.csv`` is
shipped, other ``*.csv`` files in the folder and ``--gazetteer`` paths are user files that are
loaded later and replace shipped rows with the same ``id``. A bad file raises
:class:`GazetteerError` listing every bad row; nothing is half-loaded.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import regex

from pipeline.lang.arabic import fold
from pipeline.resources import ResourceError, resource_paths
from pipeline.types import LABELS, EntityFacts

REQUIRED_COLUMNS = ("id", "label", "name_ar")
OPTIONAL_COLUMNS = (
    "name_en", "aliases", "wikidata", "geonames", "latitude", "longitude",
    "country", "population", "type", "match", "source", "notes",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
MATCH_MODES = ("auto", "context", "link")
_ID_RE = regex.compile(r"^[A-Za-z0-9:_.\-]+$")
_QID_RE = regex.compile(r"^Q[1-9][0-9]*$")


class GazetteerError(ValueError):
    """A gazetteer file that cannot be used; ``problems`` lists every bad row."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Entry:
    """One knowledge-base entity as a gazetteer row describes it."""

    id: str
    label: str
    name_ar: str
    name_en: str = ""
    aliases: tuple[str, ...] = ()
    wikidata: str = ""
    geonames: str = ""
    latitude: float | None = None
    longitude: float | None = None
    country: str = ""
    population: int | None = None
    type: str = ""
    match: str = "auto"
    source: str = ""
    notes: str = ""
    file: str = ""

    def facts(self) -> EntityFacts:
        return EntityFacts(self.id, self.label, self.name_ar, self.name_en, self.wikidata, self.geonames,
                           self.latitude, self.longitude, self.country)

    @property
    def surface_forms(self) -> tuple[str, ...]:
        """The canonical name and every alias, without duplicates."""
        seen: dict[str, None] = {self.name_ar: None}
        for alias in self.aliases:
            seen.setdefault(alias, None)
        return tuple(seen)


@dataclass
class Gazetteer:
    """All entries by id, in load order (user files after shipped ones)."""

    entries: dict[str, Entry] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    removed: frozenset[str] = frozenset()  # entries dropped from what the files define (see without())

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def without(self, entry_ids: Iterable[str]) -> Gazetteer:
        """This knowledge base minus some entries (evaluation of names the KB does not hold)."""
        drop = set(entry_ids)
        if not drop:
            return self
        return Gazetteer({k: e for k, e in self.entries.items() if k not in drop}, list(self.files),
                         self.removed | frozenset(drop))

    def by_folded_name(self) -> dict[str, list[str]]:
        """Folded surface form -> ids of entries that have it (for linking by name)."""
        index: dict[str, list[str]] = {}
        for entry in self.entries.values():
            for form in entry.surface_forms:
                ids = index.setdefault(fold(form), [])
                if entry.id not in ids:
                    ids.append(entry.id)
        return index


def gazetteer_files(directory: Path | None = None, extra: Iterable[str | Path] = ()) -> list[Path]:
    """Shipped files (``core/``) first, then user files in ``directory``, then ``extra`` paths."""
    directory = directory or resource_paths().gazetteers
    files = sorted((directory / "core").glob("*.csv")) + sorted(directory.glob("*.csv"))
    for path in map(Path, extra):
        files.extend(sorted(path.glob("*.csv")) if path.is_dir() else [path])
    return files


def load_gazetteer(directory: Path | None = None, extra: Iterable[str | Path] = ()) -> Gazetteer:
    """:func:`read_gazetteer` through the on-disk cache (a valid KB is parsed once).

    The folder defaults to the shipped knowledge base (:mod:`pipeline.resources`); no file at
    all (a wrong folder, nothing extra) is a :class:`~pipeline.resources.ResourceError`.
    """
    from pipeline.cache import cached

    directory = directory or resource_paths().gazetteers
    files = gazetteer_files(directory, extra)
    if not files:
        raise ResourceError(f"no knowledge base in {directory}: no core/*.csv or *.csv files there "
                            "(set MENA_NER_DATA to the folder holding gazetteers/, or reinstall mena-ner)")
    return cached("gazetteer", files, lambda: read_gazetteer(directory, files))


def read_gazetteer(directory: Path, files: list[Path]) -> Gazetteer:
    """Load and validate every file; user files override shipped rows by ``id``.

    Raises :class:`GazetteerError` listing every problem of every file: bad rows, ids
    duplicated inside a file, an id defined differently by two user files, a QID claimed by
    two different entities.
    """
    gazetteer = Gazetteer()
    problems: list[str] = []
    shipped = set(sorted((directory / "core").glob("*.csv")))
    defined_by_user: dict[str, Entry] = {}
    for path in files:
        entries, file_problems = read_gazetteer_file(path)
        problems.extend(file_problems)
        gazetteer.files.append(path)
        for entry in entries:
            if path not in shipped:
                earlier = defined_by_user.get(entry.id)
                if earlier is not None and _facts(earlier) != _facts(entry):
                    problems.append(f"{path}: id {entry.id!r} clashes with its definition in {earlier.file}")
                defined_by_user[entry.id] = entry
            gazetteer.entries[entry.id] = entry
    problems.extend(_qid_clashes(gazetteer))
    if problems:
        raise GazetteerError(problems)
    return gazetteer


def _facts(entry: Entry) -> tuple:
    return tuple(v for k, v in entry.__dict__.items() if k != "file")


def _qid_clashes(gazetteer: Gazetteer) -> list[str]:
    """One Wikidata item must be one entity: two ids with the same QID cannot both be right."""
    owners: dict[str, Entry] = {}
    problems = []
    for entry in gazetteer.entries.values():
        if not entry.wikidata:
            continue
        other = owners.setdefault(entry.wikidata, entry)
        if other is not entry:
            problems.append(f"{entry.file}: {entry.id!r} and {other.id!r} ({other.file}) both claim {entry.wikidata}")
    return problems


def parse_row(values: dict[str, str]) -> tuple[Entry | None, list[str]]:
    """Validate one row given as column -> value (used by ``mena-ner gazetteer add``)."""
    unknown = [f"unknown column {c!r} (allowed: {', '.join(COLUMNS)})" for c in values if c not in COLUMNS]
    entry, problems = _parse_row(dict(values))
    return (None if unknown else entry), unknown + problems


def read_gazetteer_file(path: Path) -> tuple[list[Entry], list[str]]:
    """Entries of one file and a description of every problem found in it."""
    if not path.exists():
        return [], [f"{path}: file not found"]
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        problems = _header_problems(path, header)
        if problems:
            return [], problems
        entries: list[Entry] = []
        seen: dict[str, int] = {}
        for row in reader:
            line = reader.line_num
            entry, row_problems = _parse_row(row)
            problems.extend(f"{path}:{line}: {p}" for p in row_problems)
            if entry is None:
                continue
            if entry.id in seen:
                problems.append(f"{path}:{line}: duplicate id {entry.id!r} (first on line {seen[entry.id]})")
                continue
            seen[entry.id] = line
            entries.append(Entry(**{**entry.__dict__, "file": str(path)}))
    return entries, problems


def _header_problems(path: Path, header: list[str]) -> list[str]:
    problems = [f"{path}: missing required column {c!r}" for c in REQUIRED_COLUMNS if c not in header]
    problems += [f"{path}: unknown column {c!r} (allowed: {', '.join(COLUMNS)})" for c in header if c not in COLUMNS]
    return problems


def _parse_row(row: dict[str, str | None]) -> tuple[Entry | None, list[str]]:
    values = {k: (v or "").strip() for k, v in row.items() if k is not None}
    problems: list[str] = []
    if None in row:
        problems.append("more fields than columns (an unquoted comma?)")
    entry_id, label, name_ar = values.get("id", ""), values.get("label", ""), values.get("name_ar", "")
    if not entry_id:
        problems.append("empty id")
    elif not _ID_RE.match(entry_id):
        problems.append(f"id {entry_id!r} has characters outside [A-Za-z0-9:_.-]")
    if label not in LABELS:
        problems.append(f"unknown label {label!r} (use one of {', '.join(LABELS)})")
    if not name_ar:
        problems.append("empty name_ar")
    qid = values.get("wikidata", "")
    if qid and not _QID_RE.match(qid):
        problems.append(f"malformed wikidata QID {qid!r} (expected Q followed by digits)")
    match = values.get("match", "") or "auto"
    if match not in MATCH_MODES:
        problems.append(f"unknown match mode {match!r} (use one of {', '.join(MATCH_MODES)})")
    latitude = _number(values.get("latitude", ""), float, "latitude", -90, 90, problems)
    longitude = _number(values.get("longitude", ""), float, "longitude", -180, 180, problems)
    population = _number(values.get("population", ""), int, "population", 0, 10**10, problems)
    aliases = tuple(a.strip() for a in values.get("aliases", "").split("|") if a.strip())
    if problems:
        return None, problems
    return Entry(
        id=entry_id, label=label, name_ar=name_ar, name_en=values.get("name_en", ""), aliases=aliases,
        wikidata=qid, geonames=values.get("geonames", ""), latitude=latitude, longitude=longitude,
        country=values.get("country", "").upper(), population=population, type=values.get("type", ""),
        match=match, source=values.get("source", ""), notes=values.get("notes", ""),
    ), []


def _number(text: str, kind: type, name: str, low: float, high: float, problems: list[str]):
    if not text:
        return None
    try:
        value = kind(float(text)) if kind is int else kind(text)
    except ValueError:
        problems.append(f"{name} {text!r} is not a number")
        return None
    if not low <= value <= high:
        problems.append(f"{name} {text!r} out of range [{low}, {high}]")
        return None
    return value
