"""End to end on the shipped sample: the CLI writes the three tables a user opens."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, SAMPLE_DIR, SEED

from pipeline.cli import main

SEED_SOURCE = str(Path("data/raw") / SEED.name)

EXPECTED = {
    "PER": ["محمد شياع السوداني", "قاسم سليماني", "أبو مهدي المهندس", "غوتيريش", "انطونيو غوتيريش",
            "أنطونيو غوتيريش", "نجيب ميقاتي", "ايمانويل ماكرون", "جينين هينيس-بلاسخارت", "جان بيار لاكروا",
            "أرولدو لازارو", "خالد خياري"],
    "LOC": ["العراق", "الولايات المتحدة", "واشنطن", "سوريا", "إيران", "إسرائيل", "غزة", "لبنان", "الناقورة", "بغداد"],
    # "للأمم المتحدة" = ل + (ا)لأمم: the span starts after the attached preposition.
    "ORG": ["الحشد الشعبي", "الحرس الثوري الإيراني", "حماس", "داعش", "لأمم المتحدة", "اليونيفيل", "اليونيفل",
            "يونيفل", "الجيش اللبناني", "سكاي نيوز"],
}


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def tables(tmp_path_factory, monkeypatch_module):
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(main, ["run", "data/raw", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return {name: read(out / f"{name}.csv") for name in ("documents", "mentions", "entities")} | {"_output": result.output}


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        yield patch


# The contract, written out as the README (and the first issue) states it: later versions add
# columns, never rename or drop these. Literal names, not the code's constants.
CONTRACT = {
    "documents": ("doc_id", "source", "title", "published", "outlet", "keywords", "n_chars", "n_tokens",
                  "n_sentences", "n_mentions", "status", "error"),
    "mentions": ("doc_id", "source", "sentence", "start", "end", "text", "label", "value", "entity_id", "wikidata",
                 "name_ar", "name_en", "method", "score"),
    "entities": ("entity_id", "label", "name_ar", "name_en", "wikidata", "n_mentions", "n_documents", "aliases"),
}


def test_headers_keep_the_contract(tables):
    """The contract's columns come first, in order; extra columns only after them."""
    for name, columns in CONTRACT.items():
        header = tuple(tables[name][0].keys())
        assert header[:len(columns)] == columns, name


def test_every_column_is_documented_in_the_readme(tables):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in CONTRACT:
        for column in tables[name][0].keys():
            assert f"`{column}`" in readme, f"{name}.csv column {column} is not in the README"


def test_one_document_row_per_article_and_input(tables):
    docs = tables["documents"]
    seed_docs = [d for d in docs if d["source"] == SEED_SOURCE]
    assert [d["doc_id"] for d in seed_docs] == [f"{SEED_SOURCE}#1", f"{SEED_SOURCE}#2"]
    assert seed_docs[0]["published"] == "2024-01-27" and seed_docs[0]["outlet"] == "بوابة الوفد"
    inputs = sorted(p.name for p in SAMPLE_DIR.iterdir() if p.suffix == ".txt")
    assert sorted({Path(d["source"]).name for d in docs}) == inputs
    assert all(d["status"] == "ok" for d in docs)


def test_offset_invariant_for_every_mention(tables):
    docs = {d["source"]: d["encoding"] for d in tables["documents"]}
    texts = {source: (ROOT / source).read_bytes().decode(encoding) for source, encoding in docs.items()}
    assert tables["mentions"]
    for row in tables["mentions"]:
        assert texts[row["source"]][int(row["start"]):int(row["end"])] == row["text"], row


def test_expected_sample_mentions(tables):
    seed = [m for m in tables["mentions"] if m["source"] == SEED_SOURCE]
    found = {(m["label"], m["text"]) for m in seed}
    missing = [(label, text) for label, texts in EXPECTED.items() for text in texts if (label, text) not in found]
    assert not missing, f"missing mentions: {missing}"
    resolutions = [m for m in seed if m["label"] == "RES"]
    assert resolutions and all(m["value"] == "1701" for m in resolutions)
    assert {m["text"] for m in resolutions} >= {"القرار 1701"}


def test_clitic_spans_inside_words(tables):
    text = SEED.read_text(encoding="utf-8")
    seed = [m for m in tables["mentions"] if m["source"] == SEED_SOURCE]
    for word, name in (("والولايات", "الولايات المتحدة"), ("ولواشنطن", "واشنطن")):
        at = text.index(word)
        inside = [m for m in seed if at < int(m["start"]) < at + len(word) and m["text"] == name]
        assert inside, f"{name} not found inside {word}"


def test_variants_and_partial_names_share_entities(tables):
    seed = [m for m in tables["mentions"] if m["source"] == SEED_SOURCE]

    def ids(texts):
        return {m["entity_id"] for m in seed if m["text"] in texts}

    assert len(ids({"اليونيفيل", "اليونيفل", "يونيفل"})) == 1
    assert len(ids({"غوتيريش", "انطونيو غوتيريش", "أنطونيو غوتيريش"})) == 1
    assert len(ids({"ميقاتي", "نجيب ميقاتي"})) == 1


def test_entities_table_counts_mentions(tables):
    mentions = tables["mentions"]
    for entity in tables["entities"]:
        own = [m for m in mentions if m["entity_id"] == entity["entity_id"]]
        assert int(entity["n_mentions"]) == len(own)
        assert int(entity["n_documents"]) == len({m["doc_id"] for m in own})
        assert set(entity["aliases"].split(" | ")) == {" ".join(m["text"].split()) for m in own}


def test_summary_is_printed(tables):
    output = tables["_output"]
    for heading in ("documents:", "mentions:", "entities:", "errors:", "time:"):
        assert heading in output


def test_python_dash_m_is_the_same_command():
    result = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and "run" in result.stdout and "mena-ner" in result.stdout


@pytest.mark.parametrize("command", [[], ["run"]])
def test_help_is_complete(command):
    result = CliRunner().invoke(main, command + ["--help"])
    assert result.exit_code == 0
    if command == ["run"]:
        for option in ("--out", "--gazetteer", "--strict", "--progress"):
            assert option in result.output


def test_bad_inputs_get_rows_and_the_run_goes_on(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("قال رئيس الوزراء اللبناني نجيب ميقاتي إن لبنان ملتزم.", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 50)
    (tmp_path / "empty.txt").write_bytes(b"   \n")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    cp1256 = tmp_path / "legacy.txt"
    cp1256.write_bytes("زار غوتيريش لبنان".encode("cp1256"))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(tmp_path), str(tmp_path / "missing.txt"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = {Path(d["source"]).name: d for d in read(out / "documents.csv")}
    assert rows["good.txt"]["status"] == "ok"
    assert rows["binary.txt"]["status"] == "error" and "binary" in rows["binary.txt"]["error"]
    assert rows["empty.txt"]["status"] == "empty"
    assert rows["image.png"]["status"] == "skipped"
    assert rows["missing.txt"]["status"] == "error"
    assert rows["legacy.txt"]["encoding"] == "cp1256" and rows["legacy.txt"]["status"] == "ok"
    strict = CliRunner().invoke(main, ["run", str(tmp_path / "missing.txt"), "--out", str(out), "--strict"])
    assert strict.exit_code == 1
