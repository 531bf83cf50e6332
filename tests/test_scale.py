"""Scale: streamed inputs, identical tables for any worker count or engine (Dask), Parquet output."""

from __future__ import annotations

import codecs
import csv
import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_DIR

from pipeline.io import inputs
from pipeline.io.inputs import InputFile, RecordFields, _units_from_bytes, sha256_file, work_units
from pipeline.run import RunOptions, run

BENCH_SAMPLE = ROOT / "data" / "bench" / "news_sample.jsonl.gz"
TABLES = ("documents.csv", "mentions.csv", "entities.csv")


def news_records(count: int) -> list[bytes]:
    lines = []
    with gzip.open(BENCH_SAMPLE, "rb") as handle:
        for line in handle:
            lines.append(line)
            if len(lines) == count:
                break
    return lines


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    """Plain articles plus 60 real news records, cut into units of 10 records."""
    folder = tmp_path_factory.mktemp("corpus")
    for path in sorted(SAMPLE_DIR.glob("*.txt"))[:3]:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "news.jsonl").write_bytes(b"".join(news_records(60)))
    return folder


def table_bytes(out: Path) -> dict[str, bytes]:
    names = list(TABLES) + [p.name for p in sorted(out.glob("*.csv")) if p.name not in TABLES]
    return {name: (out / name).read_bytes() for name in names} | {
        "journal": (out / ".mena-ner" / "journal.jsonl").read_bytes()}


@pytest.fixture(scope="module")
def one_worker_tables(small_corpus, nlp, tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("one-worker")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(inputs, "RECORDS_PER_UNIT", 10)
        run([str(small_corpus)], out, nlp)
    return table_bytes(out)


# -- streamed record files ----------------------------------------------------------------
def record_files(folder: Path) -> dict[str, bytes]:
    records = [{"id": "a", "text": "قال نجيب ميقاتي إن لبنان\u2028ملتزم", "title": "t"},
               {"id": "a", "text": "اليونيفيل في الناقورة"}, {"id": "c", "body": "no text field"}, [1, 2]]
    jsonl = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    jsonl = jsonl.replace("\u2028", "\\u2028") + "\n\n{broken json\r\n" + json.dumps({"text": "بغداد"}, ensure_ascii=False)
    rows = "id,text,title\n1,\"سطر\nثان، بغداد\",عنوان\n2,دمشق,\n"
    files = {
        "plain.jsonl": jsonl.encode("utf-8"),
        "crlf.jsonl": jsonl.replace("\n", "\r\n").encode("utf-8"),
        "raw_u2028.jsonl": jsonl.replace("\\u2028", "\u2028").encode("utf-8"),
        "packed.jsonl.gz": gzip.compress(jsonl.encode("utf-8")),
        "rows.csv": rows.encode("utf-8"),
        "rows.tsv.gz": gzip.compress(rows.replace(",", "\t").encode("utf-8")),
        "empty.jsonl": b"",
        # not streamable: decoded whole, as before
        "bom.jsonl": codecs.BOM_UTF8 + jsonl.encode("utf-8"),
        "legacy.jsonl": jsonl.replace("\u2028", "").encode("cp1256", errors="ignore"),
        "bad_byte.jsonl": jsonl.encode("utf-8") + b"\xff\n",
        "broken.jsonl.gz": gzip.compress(jsonl.encode("utf-8"))[:-12],
        "utf16.csv": rows.encode("utf-16-le"),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def test_streamed_record_files_give_the_units_of_whole_file_decoding(tmp_path, monkeypatch):
    monkeypatch.setattr(inputs, "RECORDS_PER_UNIT", 2)
    files = record_files(tmp_path)
    streamed = []
    for name, data in files.items():
        source = str(tmp_path / name)
        kind = inputs._kind(source)
        expected = list(_units_from_bytes(source, data, kind, RecordFields(), sha256_file(source)))
        assert list(work_units(InputFile(source))) == expected, name
        if inputs._streamable(source, kind):
            streamed.append(name)
    assert sorted(streamed) == ["crlf.jsonl", "empty.jsonl", "packed.jsonl.gz", "plain.jsonl", "raw_u2028.jsonl",
                                "rows.csv", "rows.tsv.gz"]


def test_stdin_is_spooled_and_streamed_with_the_units_of_reading_it_whole(tmp_path, monkeypatch):
    import io
    import types

    monkeypatch.setattr(inputs, "RECORDS_PER_UNIT", 3)
    for name, data in record_files(tmp_path).items():
        if name.endswith(".gz"):
            continue
        fmt = "csv" if name.endswith(".csv") else "auto"
        monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(data)))
        expected = list(_units_from_bytes("-", data, inputs._stdin_kind(data, fmt), RecordFields()))
        assert list(work_units(InputFile("-"), stdin_format=fmt)) == expected, name


def test_zip_archives_are_read_member_by_member_with_the_same_units(tmp_path):
    import zipfile

    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for i, sample in enumerate(sorted(SAMPLE_DIR.glob("*.txt"))):
            archive.writestr(f"{i}/{sample.name}", sample.read_bytes())
        archive.writestr("n.jsonl", b"".join(news_records(3)))
    expected = list(_units_from_bytes(str(path), path.read_bytes(), "zip", RecordFields(), sha256_file(str(path))))
    assert list(work_units(InputFile(str(path)))) == expected


# -- identical tables: workers, stage timers, Dask -----------------------------------------
def test_two_workers_give_identical_tables(small_corpus, nlp, one_worker_tables, tmp_path, monkeypatch):
    monkeypatch.setattr(inputs, "RECORDS_PER_UNIT", 10)
    run([str(small_corpus)], tmp_path / "two", nlp, RunOptions(workers=2))
    assert table_bytes(tmp_path / "two") == one_worker_tables


def test_stage_timers_see_every_stage_and_change_nothing(nlp, tmp_path):
    import pipeline as package

    run([str(SAMPLE_DIR)], tmp_path / "plain", nlp)
    timed = package.load()
    times = timed.time_stages()
    run([str(SAMPLE_DIR)], tmp_path / "timed", timed)
    assert table_bytes(tmp_path / "timed") == table_bytes(tmp_path / "plain")
    assert set(times) == {"read", "clean", "tokenize", "ner", "link", "export", "write"}
    assert all(seconds > 0 for seconds in times.values())


def test_dask_cluster_gives_identical_tables_one_pipeline_per_worker(small_corpus, nlp, one_worker_tables,
                                                                     tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    from pipeline import analyzer as analyzer_module
    from pipeline.engines import dask as engine

    monkeypatch.setattr(inputs, "RECORDS_PER_UNIT", 10)
    monkeypatch.setattr(engine, "PARTITION_UNITS", 2)  # 9 units -> 5 partitions on 2 workers
    built = []
    original_init = analyzer_module.Analyzer.__init__

    def counting_init(self, *args, **kwargs):
        built.append(self)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(analyzer_module.Analyzer, "__init__", counting_init)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        options = RunOptions(engine="dask", scheduler=cluster.scheduler_address)
        summary = run([str(small_corpus)], tmp_path / "dask", nlp, options)
        assert len(built) == 2  # one pipeline per worker, not one per partition
        assert table_bytes(tmp_path / "dask") == one_worker_tables
        rows = list(csv.DictReader(one_worker_tables["documents.csv"].decode().splitlines(True)))
        assert summary.documents == len(rows)
        assert not (tmp_path / "dask" / ".mena-ner" / "run").exists()

        monkeypatch.setattr(nlp, "fingerprint", lambda options="": "not what the workers load")
        with pytest.raises(engine.EngineError, match="different mena-ner version"):
            run([str(SAMPLE_DIR)], tmp_path / "mismatch", nlp, options)


def test_partitions_keep_order_and_reused_inputs_in_place():
    from pipeline.engines.dask import partitions
    from pipeline.io.inputs import WorkUnit

    units = [WorkUnit(str(i), "s", "") for i in range(5)]
    reused = [object()]
    groups = list(partitions([*units[:3], reused, *units[3:]], 2))
    assert groups == [units[:2], units[2:3], reused, units[3:5]]


# -- Parquet -----------------------------------------------------------------------------
def test_parquet_tables_hold_the_csv_rows_typed(small_corpus, nlp, one_worker_tables, tmp_path, monkeypatch):
    pq = pytest.importorskip("pyarrow.parquet")
    monkeypatch.setattr(inputs, "RECORDS_PER_UNIT", 10)
    out = tmp_path / "out"
    run([str(small_corpus)], out, nlp, RunOptions(table_format="parquet"))
    assert not list(out.glob("*.csv"))
    for name in TABLES:
        table = pq.read_table(out / name.replace(".csv", ".parquet"))
        expected = list(csv.DictReader(one_worker_tables[name].decode("utf-8").splitlines(keepends=True)))
        rows = table.to_pylist()
        assert len(rows) == len(expected) > 0
        assert list(rows[0]) == list(expected[0])
        for row, want in zip(rows, expected):
            for column, value in row.items():
                if value is None:
                    assert want[column] == "", (name, column)
                elif isinstance(value, float):
                    assert value == pytest.approx(float(want[column])), (name, column)
                else:
                    assert str(value) == want[column], (name, column)
    assert str(table.schema.field("n_mentions").type) == "int64"


def test_switching_format_removes_the_other_formats_tables(nlp, tmp_path):
    pytest.importorskip("pyarrow")
    inputs_ = [str(sorted(SAMPLE_DIR.glob("*.txt"))[0])]
    run(inputs_, tmp_path, nlp, RunOptions(table_format="parquet"))
    tables = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
    assert tables == ["documents.parquet", "edges.parquet", "entities.parquet", "mentions.parquet", "timeline.parquet"]
    run(inputs_, tmp_path, nlp)
    assert not list(tmp_path.glob("*.parquet")) and (tmp_path / "entities.csv").exists()


def test_incremental_refuses_parquet(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import main

    result = CliRunner().invoke(main, ["run", str(SAMPLE_DIR), "--out", str(tmp_path), "--incremental",
                                       "--format", "parquet", "--no-progress"])
    assert result.exit_code == 2 and "--incremental" in result.output


@pytest.mark.slow
def test_cli_dask_local_cluster_of_processes_matches_one_worker(small_corpus, tmp_path):
    pytest.importorskip("distributed")
    command = [sys.executable, "-m", "pipeline", "run", str(small_corpus), "--no-progress"]
    subprocess.run(command + ["--out", str(tmp_path / "one")], cwd=ROOT, check=True, capture_output=True)
    done = subprocess.run(command + ["--out", str(tmp_path / "dask"), "--engine", "dask", "--workers", "2",
                                     "--format", "parquet"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "documents.parquet" in done.stdout
    again = subprocess.run(command + ["--out", str(tmp_path / "dask"), "--engine", "dask", "--workers", "2"],
                           cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert table_bytes(tmp_path / "dask") == table_bytes(tmp_path / "one")


def test_resume_streams_the_journal_and_drops_a_half_written_unit(tmp_path):
    import collections

    from pipeline.io.export import EntityTotals, UnitOutput
    from pipeline.io.outputs import OutputFolder
    from pipeline.types import EntityFacts

    def unit(i: int) -> UnitOutput:
        totals = EntityTotals(EntityFacts(f"e{i % 2}", "PER"), n_mentions=1, n_documents=1, surfaces=collections.Counter({"x": 1}))
        stats = {"documents": 1, "words": 3, "statuses": {"ok": 1}, "labels": {"PER": 1}, "errors": []}
        return UnitOutput(f"u{i}", "s", "h", f"d{i}\n", "", {f"e{i % 2}": totals}, stats)

    folder = OutputFolder(tmp_path, "fp")
    for i in range(3):
        folder.append(unit(i))
    folder.close_unpublished()
    run_dir = tmp_path / ".mena-ner" / "run"
    with open(run_dir / "documents.csv", "ab") as handle:
        handle.write(b"half a row")
    with open(run_dir / "journal.jsonl", "ab") as handle:
        handle.write(b'{"entities": {}, "hash": "h", "key": "u3", "ran')
    resumed = OutputFolder(tmp_path, "fp", mode="resume")
    assert resumed.done == {"u0", "u1", "u2"}
    assert resumed.totals.documents == 3 and resumed.totals.entities["e0"].n_mentions == 2
    assert all(resumed.already_done(f"u{i}", "h") for i in range(3))  # the inputs still give these units
    resumed.append(unit(3))
    resumed.publish()
    assert (tmp_path / "documents.csv").read_text().endswith("\nd0\nd1\nd2\nd3\n")
    journal = (tmp_path / ".mena-ner" / "journal.jsonl").read_text().splitlines()
    assert [json.loads(line)["key"] for line in journal] == ["u0", "u1", "u2", "u3"]


def test_resume_keeps_only_the_prefix_that_still_matches_the_inputs(tmp_path):
    """An input edited between the crash and --resume: its units and everything after are redone."""
    import collections

    from pipeline.io.export import EntityTotals, UnitOutput
    from pipeline.io.outputs import OutputFolder
    from pipeline.types import EntityFacts

    def unit(i: int, file_hash: str = "h") -> UnitOutput:
        totals = EntityTotals(EntityFacts("e", "PER"), n_mentions=1, n_documents=1, surfaces=collections.Counter({"x": 1}))
        stats = {"documents": 1, "words": 3, "statuses": {"ok": 1}, "labels": {"PER": 1}, "errors": []}
        return UnitOutput(f"u{i}", "s", file_hash, f"d{i}{file_hash}\n", "", {"e": totals}, stats)

    folder = OutputFolder(tmp_path, "fp")
    for i in range(4):
        folder.append(unit(i))
    folder.close_unpublished()
    resumed = OutputFolder(tmp_path, "fp", mode="resume")
    assert resumed.already_done("u0", "h") and not resumed.already_done("u1", "changed")
    assert resumed.done == {"u0"} and resumed.totals.documents == 1 and resumed.totals.entities["e"].n_mentions == 1
    assert not resumed.already_done("u2", "h")  # settled: everything after the change is redone
    for i in range(1, 4):
        resumed.append(unit(i, "changed" if i == 1 else "h"))
    resumed.publish()
    assert resumed.resumed_units == 1
    assert (tmp_path / "documents.csv").read_text().endswith("\nd0h\nd1changed\nd2h\nd3h\n")
    assert "e,PER,,,,4,4" in (tmp_path / "entities.csv").read_text()


def test_entity_store_on_disk_gives_the_rows_of_summing_in_memory(tmp_path, monkeypatch):
    import collections
    import random

    from pipeline.io import entity_store
    from pipeline.io.entity_store import EntityStore
    from pipeline.io.export import EntityTotals
    from pipeline.types import EntityFacts

    def entity_rows(entities: dict[str, EntityTotals]):  # the order of summing in memory
        for entity_id in sorted(entities, key=lambda e: (-entities[e].n_mentions, e)):
            yield entities[entity_id].row(entity_id)

    monkeypatch.setattr(entity_store, "BUFFER_ENTITIES", 3)  # flush to SQLite again and again
    rng = random.Random(5)
    store, expected = EntityStore(tmp_path / "e.sqlite"), {}
    for unit in range(40):
        for _ in range(rng.randrange(1, 6)):
            entity_id = f"local:per:{rng.randrange(12):02d}"
            surfaces = collections.Counter({rng.choice(["أ", "ب", "ج ج", "د"]): rng.randrange(1, 4)})
            facts = EntityFacts(entity_id, "PER", name_en=f"n{unit}", latitude=unit / 7 if unit % 3 else None)
            totals = EntityTotals(facts, n_mentions=sum(surfaces.values()), n_documents=1, surfaces=surfaces)
            store.add(entity_id, totals)
            if entity_id in expected:
                expected[entity_id].merge(totals)
            else:
                expected[entity_id] = EntityTotals.from_json(totals.to_json())
    assert list(store.rows()) == list(entity_rows(expected))
    assert len(store) == len(expected) and store.get("nothing") is None
    assert store["local:per:03"].surfaces == expected["local:per:03"].surfaces
    store.close()
    assert len(store) == len(expected) and not (tmp_path / "e.sqlite").exists()


# -- records kept for independent evaluation ------------------------------------------------
def test_benchmark_samples_leave_out_reserved_records(tmp_path):
    """Neither the bundled sample nor a sample written from the corpus holds a RESERVED.txt id."""
    from pipeline.bench import write_sample
    from pipeline.training.news import reserved_ids

    corpus = tmp_path / "news"
    corpus.mkdir()
    records = [{"id": f"ant:{i}", "text": "نص"} for i in range(5)]
    (corpus / "part-000.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (corpus / "RESERVED.txt").write_text("# kept\nant:1\nant:3\n", encoding="utf-8")
    skip = reserved_ids(corpus)
    assert skip == {"ant:1", "ant:3"}
    assert write_sample([corpus / "part-000.jsonl"], 2, tmp_path / "s.jsonl", skip) == 2
    written = [json.loads(line)["id"] for line in (tmp_path / "s.jsonl").read_text(encoding="utf-8").splitlines()]
    assert written == ["ant:0", "ant:2"]

    shared_reserved = reserved_ids(ROOT.parent / "shared" / "corpora" / "news_unlabeled")
    if not shared_reserved:
        pytest.skip("../shared/corpora/news_unlabeled/RESERVED.txt not available")
    with gzip.open(BENCH_SAMPLE, "rt", encoding="utf-8") as lines:
        bundled = {json.loads(line)["id"] for line in lines}
    assert len(bundled) == 1000 and not bundled & shared_reserved
