"""The chaos suite: real processes under hostile conditions.

kill -9 at seeded points of a run (and of its resume) then ``--resume``; two runs on one
folder; a real small file system filling up or turning read-only mid-run (tmpfs when we are
root, else the same failure simulated at a write); a 1 GB decompression bomb and an overlong
document measured for peak memory; a name that is not UTF-8 printed to the terminal. Every
run that ends with status 0 must give tables byte-identical to an undisturbed run.

``CHAOS_SEEDS`` (default 6) sets how many seeded kill points are tried.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_DIR, SEED

pytestmark = pytest.mark.slow

TABLES = ("documents.csv", "mentions.csv", "entities.csv", "edges.csv")
UNIT_POINTS = ("unit-written", "journal-written")
PUBLISH_POINTS = ("publish-entities", "publish-marker", "publish-rename")
PEAK_LIMIT_KB = 1_500_000  # ~1.5 GB for any single input


def cli(inputs: Path | list[Path], out: Path, *args: str, faults: str = "", release: Path | None = None,
        background: bool = False):
    """``mena-ner run`` in a fresh process (``faults``: MENA_NER_FAULTS for it)."""
    env = {**os.environ, "MENA_NER_FAULTS": faults}
    if release is not None:
        env["MENA_NER_FAULTS_RELEASE"] = str(release)
    paths = inputs if isinstance(inputs, list) else [inputs]
    command = [sys.executable, "-m", "pipeline", "run", *map(str, paths), "--out", str(out), "--no-progress", *args]
    if background:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)


def tables(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in TABLES}


def assert_one_clean_line(result, *words: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mena-ner: ") and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


def make_corpus(folder: Path, files: int = 12) -> Path:
    """Plain files, a zip and a JSONL feed: 15 work units of every kind."""
    folder.mkdir(parents=True)
    text = SEED.read_text(encoding="utf-8")
    samples = sorted(SAMPLE_DIR.glob("*.txt"))
    for i in range(files):
        (folder / f"{i:02d}.txt").write_text(text[i * 150:] if i % 2 else samples[i % len(samples)].read_text(encoding="utf-8"),
                                              encoding="utf-8")
    with zipfile.ZipFile(folder / "z.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for i, sample in enumerate(samples):
            archive.writestr(f"m/{i}.txt", sample.read_bytes())
    lines = [line for line in text.splitlines() if len(line) > 60]
    records = [{"id": f"r{i}", "text": lines[i % len(lines)]} for i in range(60)]
    (folder / "feed.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, Path]:
    """The chaos corpus and the tables of an undisturbed run on it."""
    root = tmp_path_factory.mktemp("chaos")
    folder = make_corpus(root / "in")
    result = cli(folder, root / "reference")
    assert result.returncode == 0, result.stderr
    return folder, root / "reference"


# -- kill -9 ---------------------------------------------------------------------------------
def kill_point(rng: random.Random) -> str:
    point = rng.choice(UNIT_POINTS + PUBLISH_POINTS)
    count = rng.randint(1, 15) if point in UNIT_POINTS else rng.randint(1, 6) if point == "publish-rename" else 1
    return f"kill@{point}:{count}"


def test_kill_9_at_seeded_points_then_resume_gives_identical_tables(corpus, tmp_path):
    folder, reference = corpus
    for seed in range(int(os.environ.get("CHAOS_SEEDS", "6"))):
        rng = random.Random(seed)
        out = tmp_path / f"out{seed}"
        fault = kill_point(rng)
        workers = ("--workers", "2") if seed % 3 == 2 else ()  # orphaned workers must not keep the lock
        killed = cli(folder, out, *workers, faults=fault)
        assert killed.returncode == -9, (fault, killed.stderr)
        if seed % 2:  # the resume is killed too
            again = cli(folder, out, "--resume", *workers, faults=f"kill@journal-written:{rng.randint(1, 4)}")
            assert again.returncode in (-9, 0), again.stderr
        resumed = cli(folder, out, "--resume", *workers)
        assert resumed.returncode == 0, (fault, resumed.stderr)
        assert tables(out) == tables(reference), fault
        assert not (out / ".mena-ner" / "run").exists()


def test_resume_after_an_input_was_edited_redoes_it_and_what_follows(corpus, tmp_path):
    folder, _ = corpus
    edited = tmp_path / "in"
    shutil.copytree(folder, edited)
    out = tmp_path / "out"
    assert cli(edited, out, faults="kill@journal-written:8").returncode == -9
    (edited / "02.txt").write_text("زار الأمين العام أنطونيو غوتيريش بغداد.", encoding="utf-8")  # finished before the kill
    (edited / "05.txt").unlink()
    assert cli(edited, out, "--resume").returncode == 0
    assert cli(edited, tmp_path / "fresh").returncode == 0
    assert tables(out) == tables(tmp_path / "fresh")


# -- concurrent runs -------------------------------------------------------------------------
def test_a_second_run_stops_or_waits_and_the_tables_are_right(corpus, tmp_path):
    folder, reference = corpus
    out, release = tmp_path / "out", tmp_path / "release"
    first = cli(folder, out, faults="pause@journal-written:3", release=release, background=True)
    waiter = None
    try:
        paused = Path(f"{release}.paused")
        while not paused.exists():
            assert first.poll() is None, first.communicate()
            time.sleep(0.05)  # until the first run holds the folder (no timing is asserted)
        second = cli(folder, out)
        assert_one_clean_line(second, "in use by another mena-ner run", f"pid {first.pid}", "--wait")
        waiter = cli(folder, out, "--wait", background=True)
        assert waiter.stderr is not None
        assert f"waiting for the other mena-ner run on {out} to finish (pid {first.pid}" in waiter.stderr.readline()
        release.write_text("go")
        assert first.wait() == 0, first.communicate()
        assert tables(out) == tables(reference)
        assert waiter.wait() == 0, waiter.communicate()
        assert tables(out) == tables(reference)
    finally:  # a failed assertion must not leave a paused run behind
        release.write_text("go")
        for process in (first, waiter):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()


# -- a small file system that fills up or turns read-only ------------------------------------
@contextlib.contextmanager
def small_file_system(path: Path, size: str):
    """A tmpfs of ``size`` at ``path`` when we may mount one (root), else ``None`` (simulate)."""
    path.mkdir()
    mounted = os.geteuid() == 0 and shutil.which("mount") is not None and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(path)], check=False)


def fill(path: Path, leave: int) -> Path:
    """Fill the file system of ``path`` up to ``leave`` free bytes."""
    stats = os.statvfs(path)
    filler = path / "filler"
    with open(filler, "wb") as handle:
        handle.write(b"\0" * max(0, stats.f_bavail * stats.f_frsize - leave))
    return filler


def test_a_full_file_system_stops_the_run_and_resume_finishes_it(corpus, tmp_path):
    folder, reference = corpus
    first = tmp_path / "first"
    make_corpus(first, files=3)
    with small_file_system(tmp_path / "fs", "8m") as mounted:
        out = tmp_path / "fs" / "out"
        assert cli(first, out).returncode == 0
        published = tables(out)
        filler = fill(tmp_path / "fs", 100 << 10) if mounted else None  # the run needs ~350 KB
        failed = cli(folder, out, faults="" if mounted else "enospc@journal-written:4")
        assert_one_clean_line(failed, "no space left", "nothing was published", "--resume")
        assert tables(out) == published
        if filler is not None:
            filler.unlink()
        resumed = cli(folder, out, "--resume")
        assert resumed.returncode == 0, resumed.stderr
        assert tables(out) == tables(reference)


@pytest.mark.parametrize("point", ["journal-written:3", "publish-entities"])
def test_a_file_system_turned_read_only_mid_run(corpus, tmp_path, point):
    """Simulated: Linux refuses to remount a file system read-only while files are open for
    writing (a disk's emergency ``errors=remount-ro`` is what does it to a running job), so the
    write fails with EROFS at a chosen point instead."""
    folder, reference = corpus
    out = tmp_path / "out"
    failed = cli(folder, out, faults=f"erofs@{point}")
    assert_one_clean_line(failed, "read-only", "nothing was published", "--resume")
    assert not (out / "documents.csv").exists()
    resumed = cli(folder, out, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert tables(out) == tables(reference)


# -- memory ----------------------------------------------------------------------------------
def peak_kb(process: subprocess.Popen) -> tuple[int, int]:
    """Exit status and peak resident memory (KB) of a finished child process."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_maxrss


def test_a_one_gigabyte_zip_bomb_stays_small_and_the_other_inputs_are_analyzed(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "good.txt")
    with zipfile.ZipFile(folder / "bomb.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("fine.txt", "زار غوتيريش بغداد أمس.")
        with archive.open("huge.txt", "w", force_zip64=True) as member:
            block = "\u0627".encode() * (1 << 19)
            for _ in range(1024):
                member.write(block)
    assert (folder / "bomb.zip").stat().st_size < 2 << 20
    process = cli(folder, tmp_path / "out", background=True)
    status, peak = peak_kb(process)
    assert status == 0, process.stderr.read() if process.stderr else ""
    assert peak < PEAK_LIMIT_KB
    with open(tmp_path / "out" / "documents.csv", encoding="utf-8", newline="") as handle:
        rows = {Path(r["source"]).name + "!" + r["locator"]: r for r in csv.DictReader(handle)}
    assert "decompression bomb" in rows["bomb.zip!huge.txt"]["error"]
    assert rows["bomb.zip!fine.txt"]["status"] == rows["good.txt!"]["status"] == "ok"


def test_a_document_over_the_limit_is_refused_within_bounded_memory(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "good.txt")
    line = " ".join(SEED.read_text(encoding="utf-8").split()) + " "
    with open(folder / "long.txt", "w", encoding="utf-8") as handle:
        for _ in range(11_000_000 // len(line) + 1):  # 11 million characters on one line, 20 MB
            handle.write(line)
    process = cli(folder, tmp_path / "out", background=True)
    status, peak = peak_kb(process)
    assert status == 0 and peak < PEAK_LIMIT_KB
    with open(tmp_path / "out" / "documents.csv", encoding="utf-8", newline="") as handle:
        rows = {Path(r["source"]).name: r for r in csv.DictReader(handle)}
    assert rows["long.txt"]["status"] == "error" and "more than --max-document-chars 10,000,000" in rows["long.txt"]["error"]
    assert rows["good.txt"]["status"] == "ok"


# -- any file name, on a terminal ------------------------------------------------------------
def test_names_that_are_not_utf8_are_printed_escaped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.path.join(os.fsencode(folder), "صورة".encode("cp1256") + b".txt")
    with open(name, "wb") as handle:
        handle.write(bytes(range(256)) * 20)  # binary: an error row, whose doc_id is printed on stderr
    shutil.copy(SEED, folder / "good.txt")
    result = cli(folder, tmp_path / "out", "--strict")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "\\xd5\\xe6\\xd1\\xc9.txt#1: binary data" in result.stderr
