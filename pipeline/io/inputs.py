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

Memory is bounded whatever the input (:mod:`pipeline.limits`): a document, archive member or
whole-read record file over the byte cap is refused unread (an ``error`` row), compressed data
is read through the cap and a ratio check, record lines and rows are read through a cap too,
and a work unit holds at most ``UNIT_BYTES`` of documents. Names that are not UTF-8 are
written escaped (:mod:`pipeline.io.names`). An input that changes or vanishes after the run
hashed it and before it is read through raises :class:`~pipeline.io.environment.InputChanged`.
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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pipeline.clean.decode import _BOMS, DecodeError, decode_bytes
from pipeline.io.environment import InputChanged, reason
from pipeline.io.names import clean_text, escape_name, from_bytes, printable
from pipeline.limits import DEFAULT_LIMITS, Limits
from pipeline.types import RawInput

DOCUMENT_FORMATS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".xhtml": "html"}
RECORD_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "tsv"}
ARCHIVE_SUFFIXES = (".zip", ".gz")
SUPPORTED = sorted(set(DOCUMENT_FORMATS) | set(RECORD_FORMATS) | set(ARCHIVE_SUFFIXES))
STDIN = "-"
RECORDS_PER_UNIT = 50  # ~2 s of work: small enough to keep 2+ workers busy to the end of a 1,000-article run
MEMBERS_PER_UNIT = 50
UNIT_BYTES = 16 << 20  # a unit also closes past this much document data: bounded memory in flight
ZIP_UTF8_FLAG = 0x800
csv.field_size_limit(sys.maxsize)  # rows are read through a line cap instead (_capped_lines)


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

    source: str  # as written in the tables: the path, escaped when it is not UTF-8 (pipeline.io.names)
    status: str = "ok"  # ok | skipped | error
    problem: str = ""
    path: str = ""  # the path to open when it differs from ``source``

    @property
    def location(self) -> str:
        """The path to open."""
        return self.path or self.source


def _input_file(path: str, status: str = "ok", problem: str = "") -> InputFile:
    source = escape_name(path)
    return InputFile(source, status, problem, path if source != path else "")


class _Refused(Exception):
    """Data refused by a limit (too large, a decompression bomb): the message is the row's error."""


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
            yield _input_file(source) if _kind(source) else _input_file(
                source, "skipped", f"unsupported file type (supported: {', '.join(SUPPORTED)})")
    elif path.is_file():
        yield _input_file(argument)
    elif glob.has_magic(argument):
        matches = sorted(glob.glob(argument, recursive=True))
        if not matches:
            yield _input_file(argument, "error", "glob pattern matched no files")
        for match in matches:
            yield from _expand(match)
    else:
        yield _input_file(argument, "error", "no such file or directory")


def _kind(name: str) -> str | None:
    """``text``, ``html``, a record format, ``zip`` or ``gz:<inner kind>``; ``None`` if unsupported."""
    suffix = Path(name).suffix.lower()
    if suffix == ".zip":
        return "zip"
    if suffix == ".gz":
        inner = _kind(name[: -len(suffix)])
        return f"gz:{inner or 'text'}"
    return DOCUMENT_FORMATS.get(suffix) or RECORD_FORMATS.get(suffix)


def work_units(item: InputFile, fields: RecordFields = RecordFields(), stdin_format: str = "auto",
               limits: Limits = DEFAULT_LIMITS) -> Iterator[WorkUnit]:
    """Cut one input into work units; a failure to read it becomes a unit with a Failure.

    Raises :class:`~pipeline.io.environment.InputChanged` when the file changes or vanishes
    between hashing it and reading it through (the units it gave would not match its hash).
    """
    if item.status != "ok":
        yield WorkUnit(item.source, item.source, "", [Failure(item.source, "", item.status, item.problem)])
        return
    if item.source == STDIN:
        yield from _stdin_units(fields, stdin_format, limits)
        return
    path = item.location
    kind = _kind(item.source) or "text"  # a file named explicitly is read as text
    try:
        before = _identity(path)
        file_hash = sha256_file(path)
    except OSError as exc:
        yield WorkUnit(item.source, item.source, "", [Failure(item.source, "", "error", _os_problem(exc))])
        return
    if kind in ("text", "html"):  # the worker reads it (read_lazy) and checks the hash
        yield WorkUnit(item.source, item.source, file_hash, lazy_path=path)
        return
    try:
        yield from _file_units(item.source, path, kind, file_hash, fields, limits)
    except OSError as exc:
        raise InputChanged(f"{item.source} could not be read any more ({reason(exc)}) after the run had hashed it; "
                           "nothing was published; run again with --resume once it is readable") from exc
    if _identity_or_none(path) != before:
        raise InputChanged(f"{item.source} changed or was deleted while the run was reading it; nothing was published; "
                           "run again with --resume once it no longer changes")


def _file_units(source: str, path: str, kind: str, file_hash: str, fields: RecordFields,
                limits: Limits) -> Iterator[WorkUnit]:
    """The units of an archive or record file, read here (piece by piece where possible)."""
    if kind == "zip":
        yield from _chunk_units(source, file_hash, _zip_members(source, "", path, fields, limits), MEMBERS_PER_UNIT)
    elif _streamable(path, kind):
        records = _record_inputs(source, "", _stream_records(path, kind, limits), fields)
        yield from _chunk_units(source, file_hash, records, RECORDS_PER_UNIT)
    elif kind.startswith("gz:"):
        with open(path, "rb") as raw:
            yield from _chunk_units(source, file_hash, _gzip_items(source, "", raw, kind, fields, limits), RECORDS_PER_UNIT)
    else:
        problem = limits.size_problem(os.stat(path).st_size, "record file (read whole: a JSON array, or not UTF-8)")
        if problem:
            yield WorkUnit(source, source, file_hash, [Failure(source, "", "error", problem)])
            return
        yield from _units_from_bytes(source, Path(path).read_bytes(), kind, fields, file_hash, limits)


def _identity(path: str) -> tuple[int, int, int, int]:
    """What changes when a file is written, truncated or replaced."""
    info = os.stat(path)
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


def _identity_or_none(path: str) -> tuple[int, int, int, int] | None:
    try:
        return _identity(path)
    except OSError:
        return None


def _os_problem(exc: OSError) -> str:
    """An ``OSError`` for a documents row (its message may hold a file name that is not UTF-8)."""
    return printable(f"{type(exc).__name__}: {exc}")


def _stdin_units(fields: RecordFields, stdin_format: str, limits: Limits) -> Iterator[WorkUnit]:
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
            records = _record_inputs(STDIN, "", _stream_records(spool.name, kind, limits), fields)
            yield from _chunk_units(STDIN, digest.hexdigest(), records, RECORDS_PER_UNIT)
        elif problem := limits.size_problem(os.stat(spool.name).st_size, "standard input"):
            yield WorkUnit(STDIN, STDIN, digest.hexdigest(), [Failure(STDIN, "", "error", problem)])
        else:
            yield from _units_from_bytes(STDIN, Path(spool.name).read_bytes(), kind, fields, digest.hexdigest(), limits)
    finally:
        os.unlink(spool.name)


def read_lazy(unit: WorkUnit, limits: Limits = DEFAULT_LIMITS) -> list[RawInput | Failure]:
    """The items of a unit, reading its file now if it was left for the worker.

    A file over the byte cap is refused unread; a file that no longer has the hash it had when
    the run found it raises :class:`~pipeline.io.environment.InputChanged`.
    """
    if not unit.lazy_path:
        return unit.items
    try:
        problem = limits.size_problem(os.stat(unit.lazy_path).st_size)
        if problem:
            return [Failure(unit.source, "", "error", problem)]
        with open(unit.lazy_path, "rb") as handle:
            data = handle.read(limits.max_document_bytes + 1)
    except OSError as exc:
        raise InputChanged(f"{unit.source} could not be read any more ({reason(exc)}) after the run had found it; "
                           "nothing was published; run again with --resume once it is back") from exc
    if unit.file_hash and hashlib.sha256(data).hexdigest() != unit.file_hash:
        raise InputChanged(f"{unit.source} changed while the run was reading it; nothing was published; "
                           "run again with --resume once it no longer changes")
    return [RawInput(unit.source, data, _kind(unit.source) or "text")]


def _units_from_bytes(source: str, data: bytes, kind: str, fields: RecordFields, file_hash: str = "",
                      limits: Limits = DEFAULT_LIMITS) -> Iterator[WorkUnit]:
    file_hash = file_hash or hashlib.sha256(data).hexdigest()
    items = _items(source, "", data, kind, fields, limits)
    yield from _chunk_units(source, file_hash, items, MEMBERS_PER_UNIT if kind == "zip" else RECORDS_PER_UNIT)


def _chunk_units(source: str, file_hash: str, items: Iterable[RawInput | Failure], size: int) -> Iterator[WorkUnit]:
    """Units of at most ``size`` items and (past one item) ``UNIT_BYTES`` of document data."""
    chunk: list[RawInput | Failure] = []
    number = held = 0
    for entry in items:
        chunk.append(entry)
        held += _weight(entry)
        if len(chunk) >= size or held >= UNIT_BYTES:
            yield WorkUnit(_unit_key(source, number), source, file_hash, chunk)
            chunk, number, held = [], number + 1, 0
    if chunk or number == 0:
        yield WorkUnit(_unit_key(source, number), source, file_hash,
                       chunk or [Failure(source, "", "empty", "no records in this file")])


def _weight(entry: RawInput | Failure) -> int:
    if isinstance(entry, Failure):
        return 0
    return len(entry.data) + 2 * len(entry.text or "")


def _unit_key(source: str, number: int) -> str:
    return source if number == 0 else f"{source}@{number}"


def _items(source: str, locator: str, data: bytes, kind: str, fields: RecordFields,
           limits: Limits = DEFAULT_LIMITS) -> Iterator[RawInput | Failure]:
    """Documents inside ``data``: itself, its records, or its archive members (recursively)."""
    if kind in ("text", "html"):
        yield RawInput(source, data, kind, locator=locator)
    elif kind.startswith("gz:"):
        yield from _gzip_items(source, locator, io.BytesIO(data), kind, fields, limits)
    elif kind == "zip":
        yield from _zip_members(source, locator, data, fields, limits)
    else:
        yield from _records(source, locator, data, kind, fields)


def _gzip_items(source: str, locator: str, raw: IO[bytes], kind: str, fields: RecordFields,
                limits: Limits) -> Iterator[RawInput | Failure]:
    """The documents of gzip data, decompressed through the byte cap and the ratio check."""
    try:
        inner = _read_capped(_open_kind(raw, kind), limits, raw)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield Failure(source, locator, "error", f"broken gzip data: {exc}")
        return
    except _Refused as exc:
        yield Failure(source, locator, "error", f"gzip data {exc}")
        return
    yield from _items(source, locator, inner, kind[3:], fields, limits)


def _read_capped(stream: IO[bytes], limits: Limits, compressed: IO[bytes] | None = None, declared: int = 0) -> bytes:
    """All of ``stream``, or :class:`_Refused` past the byte cap or (``compressed``: the underlying
    compressed stream, whose position says how much was read) past the ratio limit."""
    cap = limits.max_document_bytes
    out = bytearray()
    with stream:
        while block := stream.read(1 << 20):
            out += block
            if len(out) > cap:
                raise _Refused(limits.size_problem(max(len(out), declared), "is"))
            if compressed is not None:
                problem = limits.ratio_problem(len(out), compressed.tell(), so_far=True)
                if problem:
                    raise _Refused(problem)
    return bytes(out)


def _zip_members(source: str, locator: str, data: bytes | str, fields: RecordFields,
                 limits: Limits = DEFAULT_LIMITS) -> Iterator[RawInput | Failure]:
    """Members of a zip archive given as bytes or (read member by member) as a file path."""
    in_memory = isinstance(data, bytes)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
        members = sorted(((member_name(i), i) for i in archive.infolist() if not i.is_dir()), key=lambda m: m[0])
    except (zipfile.BadZipFile, OSError) as exc:
        if not in_memory and not isinstance(exc, zipfile.BadZipFile):
            raise  # an unreadable file, reported by work_units like any other
        yield Failure(source, locator, "error", f"broken zip archive: {exc}")
        return
    with archive:
        for name, info in members:
            yield from _read_member(archive, info, name, source, locator, fields, limits)


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as the tables write it: stored UTF-8 (flagged or not) as is, other bytes
    (a legacy code page such as Windows-1256) escaped reversibly (:mod:`pipeline.io.names`)."""
    if info.flag_bits & ZIP_UTF8_FLAG:
        return escape_name(info.filename)
    return escape_name(from_bytes(info.filename.encode("cp437")))  # zipfile decoded the stored bytes as cp437


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, source: str, locator: str,
                 fields: RecordFields, limits: Limits) -> Iterator[RawInput | Failure]:
    member = _join(locator, name)
    if any(part.startswith(".") or part == "__MACOSX" for part in Path(name).parts):
        return
    kind = _kind(name)
    if kind is None:
        yield Failure(source, member, "skipped", f"unsupported file type in archive (supported: {', '.join(SUPPORTED)})")
        return
    problem = limits.ratio_problem(info.file_size, info.compress_size)
    if not problem and not _streams(kind):
        problem = limits.size_problem(info.file_size, "archive member")
    if problem:
        yield Failure(source, member, "error", problem if problem.startswith("archive") else f"archive member {problem}")
        return
    try:
        if _streams(kind) and _streamable_from(lambda: archive.open(info), kind):
            records = _stream_records_from(lambda: archive.open(info), kind, limits)
            yield from _record_inputs(source, member, records, fields)
            return
        content = _read_capped(archive.open(info), limits, declared=info.file_size)
    except _Refused as exc:
        yield Failure(source, member, "error", f"archive member {exc}")
        return
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, zlib.error) as exc:
        yield Failure(source, member, "error", f"cannot read archive member: {exc}")
        return
    yield from _items(source, member, content, kind, fields, limits)


def _streams(kind: str) -> bool:
    """Record formats that can be read line by line (when their bytes are plain UTF-8)."""
    return kind.removeprefix("gz:") in ("jsonl", "csv", "tsv")


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
    """Can this record file be read line by line with the same result as decoding it whole?"""
    return _streamable_from(lambda: open(path, "rb"), kind)


def _streamable_from(open_raw: Callable[[], IO[bytes]], kind: str) -> bool:
    """Can these records (``open_raw`` opens their possibly gzipped bytes) be read line by line
    with the same result as decoding them whole?

    Yes when they are JSONL/CSV/TSV (gzipped or not) of valid UTF-8 without BOM that does not
    look like UTF-16: :func:`decode_bytes` would take it as plain UTF-8. Checking costs one
    extra sequential read; a broken gzip stream is left to the whole-file path, which reports it.
    """
    if not _streams(kind):
        return False
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        with open_raw() as raw, _open_kind(raw, kind) as stream:
            head = stream.read(4096)
            if any(head.startswith(bom) for bom, _ in _BOMS) or _looks_utf16(head):
                return False
            block = head
            while block:
                decoder.decode(block)
                block = stream.read(1 << 20)
            decoder.decode(b"", final=True)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, zipfile.BadZipFile):
        return False
    return True


def _looks_utf16(sample: bytes) -> bool:
    """The UTF-16 guess of :func:`decode_bytes` (high bytes 0x00 or 0x06), on a file's first bytes."""
    if len(sample) < 4:
        return False
    return any(sum(1 for b in high if b in (0x00, 0x06)) / len(high) > 0.9 for high in (sample[1::2], sample[0::2]))


def _open_kind(raw: IO[bytes], kind: str) -> IO[bytes]:
    return gzip.GzipFile(fileobj=raw, mode="rb") if kind.startswith("gz:") else raw  # type: ignore[return-value]


def _stream_records(path: str, kind: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple[str, object, str]]:
    """:func:`_parse_records` over a file read piece by piece (checked by :func:`_streamable`)."""
    return _stream_records_from(lambda: open(path, "rb"), kind, limits)


def _stream_records_from(open_raw: Callable[[], IO[bytes]], kind: str,
                         limits: Limits) -> Iterator[tuple[str, object, str]]:
    """:func:`_parse_records` over records read piece by piece; a line or row over the record cap
    is reported, not read into memory."""
    inner = kind.removeprefix("gz:")
    cap = limits.max_record_bytes
    too_long = f"record over {cap:,} bytes, longer than a text of --max-document-chars {limits.max_document_chars:,} characters; not read"
    with open_raw() as raw, _open_kind(raw, kind) as stream:
        if inner == "jsonl":
            for number, piece in enumerate(_capped_lines(stream, cap), start=1):  # lines end at b"\n" only, like split("\n")
                if piece is None:
                    yield f"line:{number}", None, too_long
                    continue
                line = piece.decode("utf-8")
                yield from _jsonl_record(number, line[:-1] if line.endswith("\n") else line)
        else:
            text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
            reader = csv.DictReader(_capped_text_lines(text, cap), delimiter="\t" if inner == "tsv" else ",")
            number = 0
            try:
                for number, row in enumerate(reader, start=1):
                    yield f"row:{number}", row, ""
            except _Refused:
                yield f"row:{number + 1}", None, too_long + " (nor the rest of the file)"


def _capped_lines(stream: IO[bytes], cap: int) -> Iterator[bytes | None]:
    """The lines of a binary stream; ``None`` for a line longer than ``cap`` (skipped, never held whole)."""
    while line := stream.readline(cap + 1):
        if len(line) > cap and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line


def _capped_text_lines(text: io.TextIOWrapper, cap: int) -> Iterator[str]:
    """Text lines for the CSV reader; :class:`_Refused` at a line longer than ``cap`` characters."""
    while line := text.readline(cap + 1):
        if len(line) > cap and not line.endswith(("\n", "\r")):
            raise _Refused("line too long")
        yield line


def _record_input(source: str, locator: str, position: str, record: object, fields: RecordFields,
                  seen: set[str]) -> RawInput | Failure:
    if not isinstance(record, dict):
        return Failure(source, _join(locator, position), "error", f"record is not an object but {type(record).__name__}")
    record_id = escape_name(str(record.get(fields.id) or "").strip())
    name = record_id if record_id and record_id not in seen else (f"{record_id}@{position}" if record_id else position)
    seen.add(record_id)
    where = _join(locator, name)
    text = record.get(fields.text)
    if not isinstance(text, str):
        present = ", ".join(map(str, record)) or "none"
        return Failure(source, where, "error", f"record has no text field {fields.text!r} (fields: {present})")
    return RawInput(source, b"", "text", locator=where, text=clean_text(text),
                    title=clean_text(_string(record.get(fields.title))), published=clean_text(_string(record.get(fields.date))))


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
