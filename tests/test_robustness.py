"""Hostile inputs, the offset invariant for any text, crash recovery and determinism."""

from __future__ import annotations

import codecs
import csv
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, SEED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.clean import normalize
from pipeline.cli import main
from pipeline.offsets import MappedText
from pipeline.types import RawInput

NAMES = ["نجيب ميقاتي", "اليونيفيل", "والولايات المتحدة", "للأمم المتحدة", "غوتيريش", "القرار 1701", "بغداد"]


def run_cli(*args: str):
    result = CliRunner().invoke(main, ["run", *args, "--no-progress"])
    return result


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def hostile_files(folder: Path, rng: random.Random) -> dict[str, str]:
    """Write generated hostile inputs; returns file name -> expected status."""
    arabic = SEED.read_text(encoding="utf-8")
    words = arabic.split()
    expected = {}

    def put(name: str, data: bytes, status: str) -> None:
        (folder / name).write_bytes(data)
        expected[name] = status

    put("binary.txt", bytes(rng.randrange(256) for _ in range(5000)), "error")
    put("truncated_utf8.txt", arabic.encode("utf-8")[:1001], "ok")  # cut inside a character
    put("nul_bytes.txt", "\x00".join(words[:200]).encode("utf-8"), "ok")
    put("empty.txt", b"", "empty")
    put("whitespace.txt", " \n\t\u00a0\n".encode("utf-8"), "empty")
    put("utf16_le_no_bom.txt", arabic.encode("utf-16-le"), "ok")
    put("utf16_be_bom.txt", codecs.BOM_UTF16_BE + arabic.encode("utf-16-be"), "ok")
    put("iso8859_6.txt", "قال رئيس الحكومة نجيب ميقاتي إن لبنان ملتزم بالقرار 1701 ".encode("iso8859_6") * 30, "ok")
    put("cp1256.txt", arabic.encode("cp1256", errors="ignore"), "ok")
    put("bidi_zero_width.txt", ("\u202b" + "\u200f".join(words[:300]) + "\u202c\u200b\ufeff").encode("utf-8"), "ok")
    put("nbsp_digits_emoji.txt", ("\u00a0".join(words[:100]) + " ٢٠٢٤ ۱۷۰۱ 👍🏽🇱🇧 القرار ١٧٠١").encode("utf-8"), "ok")
    put("latin_only.txt", b"The UN Secretary-General Antonio Guterres visited Naqoura.", "ok")
    put("nested.html", ("<div>" * 3000 + "<p>" + " ".join(words[:200]) + "</b></i>" + "<span>" * 2000).encode(), "ok")
    put("broken.html", ("<html><body><p>" + " ".join(words[:100]) + "<p <<a href='x>&amp &#xZZ; &#1582;").encode(), "ok")
    put("unsupported.pdf", b"%PDF-1.4 ...", "skipped")
    return expected


def test_hostile_folder_every_file_accounted_for(tmp_path):
    rng = random.Random(7)
    inputs = tmp_path / "in"
    inputs.mkdir()
    expected = hostile_files(inputs, rng)
    out = tmp_path / "out"
    result = run_cli(str(inputs), "--out", str(out))
    assert result.exit_code == 0, result.output
    docs = read(out / "documents.csv")
    by_file: dict[str, list[dict]] = {}
    for row in docs:
        by_file.setdefault(Path(row["source"]).name, []).append(row)
    assert set(by_file) == set(expected)
    for name, status in expected.items():
        assert by_file[name][0]["status"] == status, (name, by_file[name][0])
        assert status == "ok" or by_file[name][0]["error"], name  # every non-ok row says why
    texts = {row["source"]: Path(row["source"]).read_bytes().decode(row["encoding"], errors="replace")
             for row in docs if row["status"] == "ok"}
    for row in read(out / "mentions.csv"):
        assert texts[row["source"]][int(row["start"]):int(row["end"])] == row["text"]
    assert by_file["iso8859_6.txt"][0]["encoding"] == "iso8859_6"
    assert int(by_file["nbsp_digits_emoji.txt"][0]["n_mentions"]) >= 1
    assert run_cli(str(inputs), "--out", str(tmp_path / "out2"), "--strict").exit_code == 1


@pytest.mark.slow
def test_a_long_single_line_document_is_analyzed_in_pieces(tmp_path):
    """3 MB on one line (no line break to cut at): pieces cut at sentence ends, offsets exact."""
    line = " ".join(SEED.read_text(encoding="utf-8").split())
    path = tmp_path / "huge.txt"
    path.write_text((line + " ") * (3_000_000 // len(line.encode("utf-8")) + 1), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(str(path), "--out", str(out))
    assert result.exit_code == 0, result.output
    (doc,) = read(out / "documents.csv")
    assert doc["status"] == "ok" and int(doc["n_mentions"]) > 10_000
    source = path.read_text(encoding="utf-8")
    mentions = read(out / "mentions.csv")
    assert all(source[int(m["start"]):int(m["end"])] == m["text"] for m in mentions)
    assert len({(m["start"], m["end"]) for m in mentions}) == len(mentions)


arabic_pieces = st.sampled_from(
    NAMES + ["\u064e", "\u0651", "\u0640", "ی", "ک", "«", "»", "\u200f", "\u00a0", "٢", "۳", "<b>", "&amp;", "\n",
             " ", ".", "،", "و", "ب", "ل", "ال", "قال", "في", "a", "\ufeff", "\u0627\u0653", "\ufefb", "\r\n"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(arabic_pieces, st.text(max_size=3)), max_size=40), st.sampled_from(["text", "html"]))
def test_offset_invariant_holds_for_any_input(nlp, pieces, fmt):
    source = "".join(pieces)
    for result in nlp.process(RawInput("t", b"", fmt, text=source)):
        doc = result.doc
        for linked in result.mentions:
            m = linked.mention
            start, end = doc.text.source_span(m.start, m.end)
            assert 0 <= start < end <= len(source)
            surface = source[start:end]
            clean_mention = doc.text.text[m.start:m.end]
            if fmt == "text":  # the source slice, cleaned on its own, is the mention we found
                assert normalize(MappedText.identity(surface)).text == clean_mention


@pytest.mark.slow
def test_killed_run_resumes_to_identical_tables(tmp_path):
    rng = random.Random(3)
    inputs = tmp_path / "in"
    inputs.mkdir()
    paragraphs = [p for p in SEED.read_text(encoding="utf-8").split("\n") if len(p) > 80]
    for i in range(1500):
        (inputs / f"{i:05d}.txt").write_text("\n".join(rng.sample(paragraphs, 3)), encoding="utf-8")
    command = [sys.executable, "-m", "pipeline", "run", str(inputs), "--no-progress"]
    interrupted = tmp_path / "interrupted"
    process = subprocess.Popen(command + ["--out", str(interrupted)], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    journal = interrupted / ".mena-ner" / "run" / "journal.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and process.poll() is None:
        if journal.exists() and journal.read_bytes().count(b"\n") >= 100:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be interrupted"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert not (interrupted / "mentions.csv").exists()  # nothing half-published
    resumed = subprocess.run(command + ["--out", str(interrupted), "--resume"], cwd=ROOT, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert "units from the interrupted run" in resumed.stdout
    fresh = tmp_path / "fresh"
    subprocess.run(command + ["--out", str(fresh)], cwd=ROOT, check=True, capture_output=True)
    for name in ("documents.csv", "mentions.csv", "entities.csv"):
        assert (interrupted / name).read_bytes() == (fresh / name).read_bytes(), name
    documents = read(interrupted / "documents.csv")
    assert len(documents) == len({d["doc_id"] for d in documents}) == 1500


def test_runs_are_byte_identical_and_incremental_matches_a_full_run(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    text = SEED.read_text(encoding="utf-8")
    for i in range(6):
        (inputs / f"{i}.txt").write_text(text[i * 300:], encoding="utf-8")
    first, second, parallel = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    assert run_cli(str(inputs), "--out", str(first)).exit_code == 0
    assert run_cli(str(inputs), "--out", str(second)).exit_code == 0
    assert run_cli(str(inputs), "--out", str(parallel), "--workers", "2").exit_code == 0
    for name in ("documents.csv", "mentions.csv", "entities.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes() == (parallel / name).read_bytes()
    (inputs / "2.txt").write_text("زار غوتيريش بغداد.", encoding="utf-8")
    (inputs / "0.txt").unlink()
    (inputs / "new.txt").write_text("قال نجيب ميقاتي.", encoding="utf-8")
    result = run_cli(str(inputs), "--out", str(first), "--incremental")
    assert result.exit_code == 0 and "4 unchanged units" in result.output
    assert run_cli(str(inputs), "--out", str(tmp_path / "full")).exit_code == 0
    for name in ("documents.csv", "mentions.csv", "entities.csv"):
        assert (first / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name


def test_output_folder_usage_errors(tmp_path):
    sample = str(SEED)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "mentions.csv").write_text("a,b\n")
    result = run_cli(sample, "--out", str(foreign))
    assert result.exit_code != 0 and "did not write" in result.output
    assert run_cli(sample, "--out", str(foreign), "--overwrite").exit_code == 0
    other = tmp_path / "gaz.csv"
    other.write_text("id,label,name_ar\nper:x,PER,شخص ما\n", encoding="utf-8")
    result = run_cli(sample, "--out", str(foreign), "--gazetteer", str(other))
    assert result.exit_code != 0 and "different configuration" in result.output
    result = run_cli(sample, "--out", str(tmp_path / "nothing"), "--resume")
    assert result.exit_code != 0 and "nothing to resume" in result.output
    result = run_cli(sample, str(tmp_path / "missing.txt"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0 and "no such file" in result.output
    blocked = tmp_path / "file"
    blocked.write_text("x")
    result = run_cli(sample, "--out", str(blocked / "sub"))
    assert result.exit_code != 0 and "cannot write to output folder" in result.output
