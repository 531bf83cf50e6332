"""Hostile conditions, in process: a second writer, bombs and huge inputs, long documents,
odd file names, a failing disk, inputs that change under the run, internal errors.

The slow, multi-process versions (kill -9, concurrent runs, a real full file system) are in
test_chaos.py.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE_DIR, SEED
from hypothesis import given
from hypothesis import strategies as st

from pipeline import analyzer as analyzer_module
from pipeline.cli import main
from pipeline.io import environment
from pipeline.io import inputs as inputs_module
from pipeline.io import outputs as outputs_module
from pipeline.io.export import mention_rows
from pipeline.io.lock import FolderBusy, FolderLock
from pipeline.io.names import escape_name, name_bytes, unescape_name
from pipeline.run import RunOptions, run
from pipeline.types import RawInput

TABLES = ("documents.csv", "mentions.csv", "entities.csv", "edges.csv")


def run_cli(*args: str):
    return CliRunner().invoke(main, ["run", *args, "--no-progress"])


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def tables(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in TABLES}


def sample_inputs(folder: Path, count: int = 6) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(SAMPLE_DIR.glob("*.txt"))[:count]:
        shutil.copy(path, folder / path.name)
    return folder


def assert_one_clean_line(result, *words: str) -> None:
    """A failure a user sees: exit status 2, one line on stderr that says what, no traceback."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mena-ner: "), result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0], (word, lines[0])


@pytest.fixture
def faults(monkeypatch):
    """Set MENA_NER_FAULTS for this process: ``faults("enospc@journal-written:2")``."""
    def set_faults(spec: str) -> None:
        monkeypatch.setattr(environment, "_FAULTS", environment._parse(spec))
        monkeypatch.setattr(environment, "_COUNTS", {})
    return set_faults


# -- one writer per output folder ------------------------------------------------------------
def test_a_second_run_on_the_same_folder_stops_at_once_naming_the_first(tmp_path):
    out = tmp_path / "out"
    (out / ".mena-ner").mkdir(parents=True)
    holder = FolderLock(out / ".mena-ner")
    holder.acquire()
    try:
        result = run_cli(str(SEED), "--out", str(out))
    finally:
        holder.release()
    assert_one_clean_line(result, "in use by another mena-ner run", f"pid {os.getpid()}", "started", "--wait")
    assert not (out / "documents.csv").exists()
    assert run_cli(str(SEED), "--out", str(out)).exit_code == 0  # free again once the other run is gone


def test_wait_queues_behind_the_other_run(tmp_path, nlp):
    out = tmp_path / "out"
    (out / ".mena-ner").mkdir(parents=True)
    holder = FolderLock(out / ".mena-ner")
    holder.acquire()
    told: list[str] = []

    def waiting(message: str) -> None:  # called just before it blocks: let the other run finish now
        told.append(message)
        holder.release()

    run([str(SEED)], out, nlp, RunOptions(wait=True), waiting=waiting)
    assert len(told) == 1 and f"pid {os.getpid()}" in told[0]
    assert read(out / "documents.csv")[0]["status"] == "ok"


def test_a_stale_lock_is_taken_over(tmp_path):
    """The lock of a run killed with -9: its file names a process that is gone; the kernel freed the lock."""
    out = tmp_path / "out"
    (out / ".mena-ner").mkdir(parents=True)
    stale = {"pid": 4_000_000, "host": "elsewhere", "started": "2020-01-01T00:00:00+00:00", "command": "mena-ner run x"}
    (out / ".mena-ner" / "lock").write_text(json.dumps(stale))
    result = run_cli(str(SEED), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / ".mena-ner" / "lock").read_text() == ""  # released at the end


def test_the_lock_is_exclusive_within_a_process_and_not_kept_by_forked_children(tmp_path):
    lock = FolderLock(tmp_path)
    lock.acquire()
    with pytest.raises(FolderBusy, match=f"pid {os.getpid()}"):
        FolderLock(tmp_path).acquire()
    read_end, write_end = os.pipe()
    ready_read, ready_write = os.pipe()
    child = os.fork()
    if child == 0:  # a worker process: it inherited the descriptor, the fork hook closed it
        os.write(ready_write, b"r")  # (the hook has run once the child's own code runs)
        os.read(read_end, 1)
        os._exit(0)
    os.read(ready_read, 1)
    try:
        lock.release()  # the parent goes, as a killed one would, while its worker lives on
        other = FolderLock(tmp_path)
        other.acquire()
        other.release()
    finally:
        os.write(write_end, b"x")
        os.waitpid(child, 0)


# -- bounded memory ----------------------------------------------------------------------------
ALEF = "\u0627".encode()


def test_bombs_and_oversized_inputs_get_error_rows_and_the_rest_is_analyzed(tmp_path):
    folder = sample_inputs(tmp_path / "in", 2)
    news = " ".join(SEED.read_text(encoding="utf-8").split())
    with zipfile.ZipFile(folder / "archive.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", ALEF * (6 << 20))  # 12 MB of one letter: ~1000:1
        archive.writestr("good.txt", news[:3000])
        archive.writestr("large.txt", (news + "\n") * 100)  # ordinary text, but over the byte cap
    (folder / "bomb.txt.gz").write_bytes(gzip.compress(ALEF * (6 << 20)))
    (folder / "large.txt").write_text((news + "\n") * 100, encoding="utf-8")
    (folder / "long.txt").write_text("x " * 60_000, encoding="utf-8")  # 120,000 characters in 120,000 bytes
    records = [{"id": "huge", "text": "ب" * 900_000}, {"id": "fine", "text": news[:2000]}]
    (folder / "feed.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(str(folder), "--out", str(out), "--max-document-chars", "100000")
    assert result.exit_code == 0, result.output
    rows = {row["doc_id"].replace(str(folder) + "/", ""): row for row in read(out / "documents.csv")}
    errors = {doc_id: row["error"] for doc_id, row in rows.items() if row["status"] == "error"}
    assert "decompression bomb" in errors["archive.zip!bomb.txt#1"]
    assert "too large to analyze" in errors["archive.zip!large.txt#1"]
    assert "too large to analyze" in errors["bomb.txt.gz#1"]
    assert "too large to analyze" in errors["large.txt#1"] and "--max-document-chars" in errors["large.txt#1"]
    assert "too long to analyze: 120,000 characters" in errors["long.txt#1"]
    assert "record over" in errors["feed.jsonl!line:1#1"]
    assert len(errors) == 6
    assert rows["archive.zip!good.txt#1"]["status"] == rows["feed.jsonl!fine#1"]["status"] == "ok"
    assert sum(row["status"] == "ok" for row in rows.values()) >= 4  # the two sample files too


def test_gzip_is_read_through_the_ratio_check(tmp_path):
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(ALEF * (8 << 20)))  # 16 MB, under the default byte cap
    result = run_cli(str(tmp_path / "bomb.txt.gz"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0
    (row,) = read(tmp_path / "out" / "documents.csv")
    assert row["status"] == "error" and "decompression bomb" in row["error"] and "and more" in row["error"]


def long_text() -> str:
    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    return "\n".join(lines * 4)


def spans(results, method: str | None = None) -> list[tuple[str, int, int, str, int]]:
    return [(r.doc_id, m.mention.start, m.mention.end, m.mention.label, m.mention.sentence) for r in results
            for m in r.mentions if method is None or m.mention.method == method]


def test_a_long_document_is_analyzed_in_pieces_with_exact_offsets(nlp, monkeypatch):
    text = long_text()
    whole = nlp.process(RawInput("t", b"", "text", text=text))
    monkeypatch.setattr(analyzer_module, "PIECE_CHARS", 1200)
    monkeypatch.setattr(analyzer_module, "PIECE_MARGIN", 200)
    pieces = nlp.process(RawInput("t", b"", "text", text=text))
    assert max(len(r.doc.text) for r in pieces) > 3 * 1200  # articles of 3+ pieces
    assert [r.status for r in pieces] == [r.status for r in whole] == ["ok"] * len(whole)
    assert [(r.n_tokens, r.n_sentences) for r in pieces] == [(r.n_tokens, r.n_sentences) for r in whole]
    for result in pieces:  # offsets index the whole source, as always
        for row in mention_rows(result):
            assert text[int(row["start"]):int(row["end"])] == row["text"]
    found = spans(pieces)
    assert len(found) == len(set(found))
    # cuts fall at line breaks: what only needs the sentence is found exactly as in one piece
    assert spans(pieces, "gazetteer") == spans(whole, "gazetteer")
    assert spans(pieces, "rule") == spans(whole, "rule")
    assert abs(len(found) - len(spans(whole))) <= len(found) // 20


def test_a_mention_across_a_forced_cut_is_kept_once(nlp, monkeypatch):
    """No line break, no sentence end: the cut falls at a space, here inside a name."""
    monkeypatch.setattr(analyzer_module, "PIECE_CHARS", 1000)
    monkeypatch.setattr(analyzer_module, "PIECE_MARGIN", 100)
    filler = "وقال مصدر إن الاجتماع عقد في قاعة كبيرة "
    head = (filler * 40)[:995]
    text = head + "نجيب ميقاتي " + filler * 30 + "زار نجيب ميقاتي المدينة " + filler * 10
    assert analyzer_module.piece_bounds(text, 1000)[0] == (0, 1000)  # between نجيب and ميقاتي
    (result,) = nlp.process(RawInput("t", b"", "text", text=text))
    people = [(m.mention.start, m.mention.end, m.entity_id) for m in result.mentions if m.mention.label == "PER"]
    assert (995, 1006, "per:najib-mikati") in people
    assert not [p for p in people if p[0] < 1006 < p[1] or 995 < p[0] < 1006]  # no piece of it twice
    assert [p[2] for p in people].count("per:najib-mikati") == 2
    starts = [m.mention.start for m in result.mentions]
    assert starts == sorted(starts) and len(starts) == len(set(starts))


# -- any file name ---------------------------------------------------------------------------
def test_file_names_that_are_not_utf8_are_read_and_escaped_reversibly(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text = SEED.read_bytes()
    cp1256 = "تقرير-بيروت".encode("cp1256") + b".txt"  # as unpacked from an archive made on Windows
    odd = {cp1256: text, b"back\\slash.txt": text[:400], "عربي.txt".encode(): text[:600]}
    for raw, data in odd.items():
        with open(os.path.join(os.fsencode(folder), raw), "wb") as handle:
            handle.write(data)
    member = "ملف".encode("cp1256") + b".txt"
    placeholder = b"X" * (len(member) - 4) + b".txt"
    buffer = tmp_path / "archive.zip"
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(placeholder.decode("ascii"), text[:500])
    (folder / "windows.zip").write_bytes(buffer.read_bytes().replace(placeholder, member))  # a legacy-code-page member name
    out = tmp_path / "out"
    result = run_cli(str(folder), "--out", str(out), "--strict")
    assert result.exit_code == 0, result.output
    documents = read(out / "documents.csv")
    assert all(row["status"] == "ok" for row in documents)
    sources = {name_bytes(row["source"]) for row in documents}
    assert sources == {os.path.join(os.fsencode(folder), raw) for raw in [*odd, b"windows.zip"]}
    escaped = next(row for row in documents if "\\x" in row["source"])
    assert escaped["source"] == str(folder) + "/" + "".join(f"\\x{b:02x}" if b > 127 else chr(b) for b in cp1256)
    assert any(row["source"].endswith("back\\\\slash.txt") for row in documents)
    (zipped,) = [row for row in documents if row["source"].endswith("windows.zip")]
    assert name_bytes(zipped["locator"]) == member
    from pipeline.report.documents import read_source  # the report finds both again

    assert read_source(escaped["source"], escaped["encoding"], []) == text.decode("utf-8")
    assert read_source(zipped["source"], zipped["encoding"], [], zipped["locator"]) == text[:500].decode("utf-8", "replace")
    for row in read(out / "mentions.csv"):  # the offsets still index the file the escaped source names
        if "windows.zip" in row["source"]:
            continue
        encoding = next(d["encoding"] for d in documents if d["doc_id"] == row["doc_id"])
        with open(unescape_name(row["source"]), "rb") as handle:
            source_text = handle.read().decode(encoding, errors="replace")
        assert source_text[int(row["start"]):int(row["end"])] == row["text"]


@given(st.binary(max_size=40))
def test_name_escaping_is_reversible(raw):
    name = os.fsdecode(raw)
    escaped = escape_name(name)
    escaped.encode("utf-8")  # always writable
    assert unescape_name(escaped) == name and name_bytes(escaped) == raw


def test_records_with_lone_surrogates_are_written(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text('{"id": "\\udcff\\\\", "text": "زار غوتيريش \\ud83d بغداد."}\n', encoding="utf-8")
    result = run_cli(str(path), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    (row,) = read(tmp_path / "out" / "documents.csv")
    assert row["status"] == "ok" and row["locator"] == "\\xff\\\\"  # \udcff is the escape of byte 0xff
    texts = [m["text"] for m in read(tmp_path / "out" / "mentions.csv")]
    assert "غوتيريش" in texts and "بغداد" in texts


# -- failures of the environment -------------------------------------------------------------
@pytest.mark.parametrize("fault, words", [
    ("enospc@journal-written:3", "no space left"),
    ("erofs@unit-written:2", "read-only"),
    ("enospc@publish-entities", "no space left"),
    ("eio@publish-marker", "input/output error"),
])
def test_a_failing_disk_stops_the_run_with_one_line_and_resume_finishes_it(tmp_path, faults, fault, words):
    folder = sample_inputs(tmp_path / "in", 2)
    out = tmp_path / "out"
    assert run_cli(str(folder), "--out", str(out)).exit_code == 0
    published = tables(out)
    sample_inputs(folder)  # more inputs: the next run has more to write
    faults(fault)
    failed = run_cli(str(folder), "--out", str(out))
    assert_one_clean_line(failed, f"cannot write to {out}", words, "nothing was published", "--resume")
    assert tables(out) == published  # untouched
    faults("")
    resumed = run_cli(str(folder), "--out", str(out), "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert run_cli(str(folder), "--out", str(tmp_path / "fresh")).exit_code == 0
    assert tables(out) == tables(tmp_path / "fresh")


def test_an_output_folder_removed_mid_run_is_a_clear_failure(tmp_path, monkeypatch):
    folder = sample_inputs(tmp_path / "in")
    out = tmp_path / "out"
    passes = []

    def remove_the_folder(point: str) -> None:
        passes.append(point)
        if passes.count("journal-written") == 2:
            shutil.rmtree(out)

    monkeypatch.setattr(outputs_module, "checkpoint", remove_the_folder)
    result = run_cli(str(folder), "--out", str(out))
    assert_one_clean_line(result, "was removed while the run was writing", "run again")
    monkeypatch.undo()
    assert run_cli(str(folder), "--out", str(out)).exit_code == 0


def changing_hash(monkeypatch, victim: str, change) -> None:
    """Change ``victim`` right after the run hashed it, before it is read through."""
    original = inputs_module.sha256_file

    def hash_then_change(path: str) -> str:
        digest = original(path)
        if path.endswith(victim) and not changed:
            changed.append(path)
            change(Path(path))
        return digest

    changed: list[str] = []
    monkeypatch.setattr(inputs_module, "sha256_file", hash_then_change)


@pytest.mark.parametrize("victim, change, words", [
    ("b.txt", lambda p: p.write_text("زار غوتيريش بغداد.", encoding="utf-8"), "changed while the run was reading it"),
    ("c.txt", lambda p: p.unlink(), "could not be read any more"),
    ("d.zip", lambda p: p.write_bytes(p.read_bytes() + b"\0"), "changed or was deleted while the run was reading it"),
])
def test_an_input_changed_while_being_read_stops_the_run_and_resume_finishes_it(tmp_path, monkeypatch, victim,
                                                                                   change, words):
    folder = tmp_path / "in"
    folder.mkdir()
    samples = sorted(SAMPLE_DIR.glob("*.txt"))
    for name, sample in zip(["a.txt", "b.txt", "c.txt", "e.txt"], samples):
        shutil.copy(sample, folder / name)
    with zipfile.ZipFile(folder / "d.zip", "w") as archive:
        archive.write(samples[4], "x.txt")
    out = tmp_path / "out"
    changing_hash(monkeypatch, victim, change)
    result = run_cli(str(folder), "--out", str(out))
    assert_one_clean_line(result, victim, words, "nothing was published", "--resume")
    monkeypatch.undo()
    resumed = run_cli(str(folder), "--out", str(out), "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert run_cli(str(folder), "--out", str(tmp_path / "fresh")).exit_code == 0
    assert tables(out) == tables(tmp_path / "fresh")


# -- internal errors -------------------------------------------------------------------------
def test_an_internal_error_in_a_stage_is_a_row_and_its_traceback_goes_to_the_log(tmp_path, monkeypatch):
    folder = sample_inputs(tmp_path / "in", 3)
    original = analyzer_module.Analyzer._clean
    victim = sorted(folder.iterdir())[1]

    def buggy(item, **kwargs):
        if item.source == str(victim):
            raise RuntimeError("boom")
        return original(item, **kwargs)

    monkeypatch.setattr(analyzer_module.Analyzer, "_clean", staticmethod(buggy))
    out = tmp_path / "out"
    result = run_cli(str(folder), "--out", str(out))
    assert result.exit_code == 0 and "Traceback" not in result.output
    row = next(r for r in read(out / "documents.csv") if r["source"] == str(victim))
    assert row["status"] == "error" and row["error"] == "internal error in clean: RuntimeError: boom"
    log = (out / ".mena-ner" / "errors.log").read_text(encoding="utf-8")
    assert f"internal error in {row['doc_id']}" in log and "Traceback" in log and "RuntimeError: boom" in log


def test_an_internal_error_outside_the_stages_is_one_line_and_exit_status_3(tmp_path, monkeypatch):
    def bug(*args, **kwargs):
        raise RuntimeError("a bug in the run loop")
        yield

    monkeypatch.setattr("pipeline.run._pending_units", bug)
    out = tmp_path / "out"
    result = run_cli(str(SEED), "--out", str(out))
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert "internal error: RuntimeError: a bug in the run loop" in result.stderr and "errors.log" in result.stderr
    assert "Traceback" in (out / ".mena-ner" / "errors.log").read_text()
    debug = run_cli(str(SEED), "--out", str(out), "--debug")
    assert debug.exit_code == 3 and "Traceback" in debug.stderr
    monkeypatch.undo()
    assert run_cli(str(SEED), "--out", str(out)).exit_code == 0  # the lock was released
