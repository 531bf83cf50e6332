"""Finding and reading inputs: files, folders, globs, stdin, records and archives.

``discover`` expands command-line arguments into :class:`InputFile` s in a stable order (one
for every argument or file that cannot be used, too, so it gets a row in ``documents.csv``).
``work_units`` cuts each input into :class:`WorkUnit` s, the pieces that workers process and
the journal records: a plain file is one unit read lazily by the worker; record files
(``.jsonl``, ``.json``, ``.csv``) and archives (``.zip``, ``.gz``) are streamed here and cut
into chunks of records or members. UTF-8 JSONL/CSV/TSV files (gzipped or not, or on stdin,
which is spooled to a temporary file) and zip archives are read piece by piece, so memory does
not grow with the size of an input; other record files are decoded whole (a JSON array, or a
legacy encoding, which is detected on the whole file).

Offsets of a record input index the record's text field; of an archive member, the decoded
member; of anything else, the decoded file.
"""

from __future__ import annotations

import codecs
import csv
import glob
import gzip
import hashlib
import io
import json
import os
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.clean.decode import _BOMS, DecodeError, decode_bytes
from pipeline.types import RawInput

DOCUMENT_FORMATS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".xhtml": "html"}
RECORD_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "tsv"}
ARCHIVE_SUFFIXES = (".zip", ".gz")
SUPPORTED = sorted(set(DOCUMENT_FORMATS) | set(RECORD_FORMATS) | set(ARCHIVE_SUFFIXES))
STDIN = "-"
RECORDS_PER_UNIT = 50  # ~2 s of work: small enough to keep 2+ workers busy to the end of a 1,000-article run
MEMBERS_PER_UNIT = 50
csv.field_size_limit(sys.maxsize)


@dataclass(frozen=True)
class RecordFields:
    """Which fields of a record hold its text, id, title and date."""

    text: str = "text"
    id: str = "id"
    title: str = "title"
    date: str = "date"


@dataclass(frozen=True)
class InputFile:
    """A file (or stdin) to read, or a problem to report (``status`` not ``ok``)."""

    source: str
    status: str = "ok"  # ok | skipped | error
    problem: str = ""


@dataclass(frozen=True)
class Failure:
    """One thing inside an input that cannot be read: reported as its own documents row."""

    source: str
    locator: str
    status: str
    problem: str


@dataclass
class WorkUnit:
    """A piece of one input processed as a whole and journaled under ``key``."""

    key: str
    source: str
    file_hash: str
    items: list[RawInput | Failure] = field(default_factory=list)
    lazy_path: str = ""  # a plain file the worker reads itself


def discover(arguments: Iterable[str]) -> Iterator[InputFile]:
    """Expand arguments (files, folders recursively, globs, ``-`` for stdin); each file once."""
    seen: set[str] = set()
    for argument in arguments:
        for item in _expand(argument):
            if item.source not in seen:
                seen.add(item.source)
                yield item


def _expand(argument: str) -> Iterator[InputFile]:
    if argument == STDIN:
        yield InputFile(STDIN)
        return
    path = Path(argument)
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            relative = child.relative_to(path)
            if any(part.startswith(".") for part in relative.parts):
                continue  # hidden files and folders (.git, .DS_Store) are not news
            source = str(Path(argument) / relative)
            yield InputFile(source) if _kind(source) else InputFile(
                source, "skipped", f"unsupported file type (supported: {', '.join(SUPPORTED)})")
    elif path.is_file():
        yield InputFile(argument)
    elif glob.has_magic(argument):
        matches = sorted(glob.glob(argument, recursive=True))
        if not matches:
            yield InputFile(argument, "error", "glob pattern matched no files")
        for match in matches:
            yield from _expand(match)
    else:
        yield InputFile(argument, "error", "no such file or directory")


def _kind(name: str) -> str | None:
    """``text``, ``html``, a record format, ``zip`` or ``gz:<inner kind>``; ``None`` if unsupported."""
    suffix = Path(name).suffix.lower()
    if suffix == ".zip":
        return "zip"
    if suffix == ".gz":
        inner = _kind(name[: -len(suffix)])
        return f"gz:{inner or 'text'}"
    return DOCUMENT_FORMATS.get(suffix) or RECORD_FORMATS.get(suffix)


def work_units(item: InputFile, fields: RecordFields = RecordFields(), stdin_format: str = "auto") -> Iterator[WorkUnit]:
    """Cut one input into work units; a failure to read it becomes a unit with a Failure."""
    if item.status != "ok":
        yield WorkUnit(item.source, item.source, "", [Failure(item.source, "", item.status, item.problem)])
        return
    try:
        if item.source == STDIN:
            yield from _stdin_units(fields, stdin_format)
            return
        kind = _kind(item.source) or "text"  # a file named explicitly is read as text
        file_hash = sha256_file(item.source)
        if kind in ("text", "html"):
            yield WorkUnit(item.source, item.source, file_hash, lazy_path=item.source)
        elif kind == "zip":
            yield from _chunk_units(item.source, file_hash, _zip_members(item.source, "", item.source, fields), MEMBERS_PER_UNIT)
        elif _streamable(item.source, kind):
            records = _record_inputs(item.source, "", _stream_records(item.source, kind), fields)
            yield from _chunk_units(item.source, file_hash, records, RECORDS_PER_UNIT)
        else:
            yield from _units_from_bytes(item.source, Path(item.source).read_bytes(), kind, fields, file_hash)
    except OSError as exc:
        yield WorkUnit(item.source, item.source, "", [Failure(item.source, "", "error", f"{type(exc).__name__}: {exc}")])


def _stdin_units(fields: RecordFields, stdin_format: str) -> Iterator[WorkUnit]:
    """Standard input, spooled to a temporary file (hashed on the way), so its records stream like a file's."""
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(prefix="mena-ner-stdin-", delete=False) as spool:
        for block in iter(lambda: sys.stdin.buffer.read(1 << 20), b""):
            digest.update(block)
            spool.write(block)
    try:
        with open(spool.name, "rb") as handle:
            kind = _stdin_kind(handle.read(2048), stdin_format)
        if _streamable(spool.name, kind):
            records = _record_inputs(STDIN, "", _stream_records(spool.name, kind), fields)
            yield from _chunk_units(STDIN, digest.hexdigest(), records, RECORDS_PER_UNIT)
        else:
            yield from _units_from_bytes(STDIN, Path(spool.name).read_bytes(), kind, fields, digest.hexdigest())
    finally:
        os.unlink(spool.name)


def read_lazy(unit: WorkUnit) -> list[RawInput | Failure]:
    """The items of a unit, reading its file now if it was left for the worker."""
    if not unit.lazy_path:
        return unit.items
    try:
        data = Path(unit.lazy_path).read_bytes()
    except OSError as exc:
        return [Failure(unit.source, "", "error", f"{type(exc).__name__}: {exc}")]
    return [RawInput(unit.source, data, _kind(unit.source) or "text")]


def _units_from_bytes(source: str, data: bytes, kind: str, fields: RecordFields, file_hash: str = "") -> Iterator[WorkUnit]:
    file_hash = file_hash or hashlib.sha256(data).hexdigest()
    items = _items(source, "", data, kind, fields)
    yield from _chunk_units(source, file_hash, items, MEMBERS_PER_UNIT if kind == "zip" else RECORDS_PER_UNIT)


def _chunk_units(source: str, file_hash: str, items: Iterable[RawInput | Failure], size: int) -> Iterator[WorkUnit]:
    chunk: list[RawInput | Failure] = []
    number = 0
    for entry in items:
        chunk.append(entry)
        if len(chunk) >= size:
            yield WorkUnit(_unit_key(source, number), source, file_hash, chunk)
            chunk, number = [], number + 1
    if chunk or number == 0:
        yield WorkUnit(_unit_key(source, number), source, file_hash,
                       chunk or [Failure(source, "", "empty", "no records in this file")])


def _unit_key(source: str, number: int) -> str:
    return source if number == 0 else f"{source}@{number}"


def _items(source: str, locator: str, data: bytes, kind: str, fields: RecordFields) -> Iterator[RawInput | Failure]:
    """Documents inside ``data``: itself, its records, or its archive members (recursively)."""
    if kind in ("text", "html"):
        yield RawInput(source, data, kind, locator=locator)
    elif kind.startswith("gz:"):
        try:
            inner = gzip.decompress(data)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            yield Failure(source, locator, "error", f"broken gzip data: {exc}")
            return
        yield from _items(source, locator, inner, kind[3:], fields)
    elif kind == "zip":
        yield from _zip_members(source, locator, data, fields)
    else:
        yield from _records(source, locator, data, kind, fields)


def _zip_members(source: str, locator: str, data: bytes | str, fields: RecordFields) -> Iterator[RawInput | Failure]:
    """Members of a zip archive given as bytes or (read member by member) as a file path."""
    in_memory = isinstance(data, bytes)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
        names = sorted(i.filename for i in archive.infolist() if not i.is_dir())
    except (zipfile.BadZipFile, OSError) as exc:
        if not in_memory and not isinstance(exc, zipfile.BadZipFile):
            raise  # an unreadable file, reported by work_units like any other
        yield Failure(source, locator, "error", f"broken zip archive: {exc}")
        return
    with archive:
        yield from _read_members(archive, source, locator, names, fields)


def _read_members(archive: zipfile.ZipFile, source: str, locator: str, names: list[str],
                  fields: RecordFields) -> Iterator[RawInput | Failure]:
    for name in names:
        member = _join(locator, name)
        if any(part.startswith(".") or part == "__MACOSX" for part in Path(name).parts):
            continue
        kind = _kind(name)
        if kind is None:
            yield Failure(source, member, "skipped", f"unsupported file type in archive (supported: {', '.join(SUPPORTED)})")
            continue
        try:
            content = archive.read(name)
        except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
            yield Failure(source, member, "error", f"cannot read archive member: {exc}")
            continue
        yield from _items(source, member, content, kind, fields)


def _records(source: str, locator: str, data: bytes, kind: str, fields: RecordFields) -> Iterator[RawInput | Failure]:
    try:
        text, _ = decode_bytes(data)
    except DecodeError as exc:
        yield Failure(source, locator, "error", str(exc))
        return
    yield from _record_inputs(source, locator, _parse_records(text, kind), fields)


def _record_inputs(source: str, locator: str, parsed: Iterable[tuple[str, object, str]],
                   fields: RecordFields) -> Iterator[RawInput | Failure]:
    seen: set[str] = set()
    for position, record, problem in parsed:
        where = _join(locator, position)
        if problem:
            yield Failure(source, where, "error", problem)
            continue
        yield _record_input(source, locator, position, record, fields, seen)


def _parse_records(text: str, kind: str) -> Iterator[tuple[str, object, str]]:
    """``(position, record, problem)`` for each record of a JSONL/JSON/CSV/TSV text."""
    if kind == "jsonl":
        for number, line in enumerate(text.split("\n"), start=1):  # not splitlines(): U+2028 is data
            yield from _jsonl_record(number, line)
    elif kind == "json":
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield "item:1", None, f"invalid JSON: {exc}"
            return
        records = value if isinstance(value, list) else [value]
        for number, record in enumerate(records, start=1):
            yield f"item:{number}", record, ""
    else:
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter="\t" if kind == "tsv" else ",")
        for number, row in enumerate(reader, start=1):
            yield f"row:{number}", row, ""


def _jsonl_record(number: int, line: str) -> Iterator[tuple[str, object, str]]:
    if line.strip():
        try:
            yield f"line:{number}", json.loads(line), ""
        except json.JSONDecodeError as exc:
            yield f"line:{number}", None, f"invalid JSON: {exc}"


def _streamable(path: str, kind: str) -> bool:
    """Can this record file be read line by line with the same result as decoding it whole?

    Yes when it is JSONL/CSV/TSV (gzipped or not) of valid UTF-8 without BOM that does not
    look like UTF-16: :func:`decode_bytes` would take it as plain UTF-8. Checking costs one
    extra sequential read; a broken gzip stream is left to the whole-file path, which reports it.
    """
    if kind.removeprefix("gz:") not in ("jsonl", "csv", "tsv"):
        return False
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        with _open_stream(path, kind) as stream:
            head = stream.read(4096)
            if any(head.startswith(bom) for bom, _ in _BOMS) or _looks_utf16(head):
                return False
            block = head
            while block:
                decoder.decode(block)
                block = stream.read(1 << 20)
            decoder.decode(b"", final=True)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError):
        return False
    return True


def _looks_utf16(sample: bytes) -> bool:
    """The UTF-16 guess of :func:`decode_bytes` (high bytes 0x00 or 0x06), on a file's first bytes."""
    if len(sample) < 4:
        return False
    return any(sum(1 for b in high if b in (0x00, 0x06)) / len(high) > 0.9 for high in (sample[1::2], sample[0::2]))


def _open_stream(path: str, kind: str):
    return gzip.open(path, "rb") if kind.startswith("gz:") else open(path, "rb")


def _stream_records(path: str, kind: str) -> Iterator[tuple[str, object, str]]:
    """:func:`_parse_records` over a file read piece by piece (checked by :func:`_streamable`)."""
    inner = kind.removeprefix("gz:")
    with _open_stream(path, kind) as stream:
        if inner == "jsonl":
            for number, raw in enumerate(stream, start=1):  # binary lines end at b"\n" only, like split("\n")
                line = raw.decode("utf-8")
                yield from _jsonl_record(number, line[:-1] if line.endswith("\n") else line)
        else:
            text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
            reader = csv.DictReader(text, delimiter="\t" if inner == "tsv" else ",")
            for number, row in enumerate(reader, start=1):
                yield f"row:{number}", row, ""


def _record_input(source: str, locator: str, position: str, record: object, fields: RecordFields,
                  seen: set[str]) -> RawInput | Failure:
    if not isinstance(record, dict):
        return Failure(source, _join(locator, position), "error", f"record is not an object but {type(record).__name__}")
    record_id = str(record.get(fields.id) or "").strip()
    name = record_id if record_id and record_id not in seen else (f"{record_id}@{position}" if record_id else position)
    seen.add(record_id)
    where = _join(locator, name)
    text = record.get(fields.text)
    if not isinstance(text, str):
        present = ", ".join(map(str, record)) or "none"
        return Failure(source, where, "error", f"record has no text field {fields.text!r} (fields: {present})")
    return RawInput(source, b"", "text", locator=where, text=text,
                    title=_string(record.get(fields.title)), published=_string(record.get(fields.date)))


def _string(value: object) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _join(locator: str, name: str) -> str:
    return f"{locator}!{name}" if locator else name


def _stdin_kind(data: bytes, requested: str) -> str:
    if requested != "auto":
        return requested
    head = data[:2048].lstrip().lower()
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith(b"<"):
        return "html"
    return "text"


def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
