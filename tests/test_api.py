"""The library API (pipeline.load, nlp(text), nlp.pipe, to_frames), the spaCy component, and the wheel."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_DIR, SEED

TEXT = "قال الأمين العام للأمم المتحدة أنطونيو غوتيريش إن القرار 1701 يجب أن يحترم في لبنان."


def test_the_readme_snippet_runs_as_written():
    import pipeline

    nlp = pipeline.load()                      # shipped KB and model; gazetteers=[...] adds files
    doc = nlp(TEXT)
    found = {(m.text, m.label) for m in doc.mentions}
    assert {("أنطونيو غوتيريش", "PER"), ("لأمم المتحدة", "ORG"), ("القرار 1701", "RES"), ("لبنان", "LOC")} <= found
    for m in doc.mentions:                     # text == input[start:end]
        assert TEXT[m.start:m.end] == m.text
    guterres = next(m for m in doc.mentions if m.label == "PER")
    assert guterres.entity_id == "per:antonio-guterres" and guterres.name_en == "António Guterres"
    texts = [TEXT, "زار ماكرون بيروت.", "", "وصل وفد من الحشد الشعبي إلى بغداد."]
    docs = list(nlp.pipe(texts, workers=2))    # streams, same results as one by one
    assert [d.mentions for d in docs] == [nlp(t, doc_id=f"text-{n}").mentions for n, t in enumerate(texts, 1)]
    frames = pipeline.to_frames(docs)          # pandas DataFrames with the CSV tables' columns
    assert list(frames) == ["documents", "mentions", "entities"]
    assert len(frames["documents"]) == 4 and frames["documents"]["status"].tolist() == ["ok", "ok", "empty", "ok"]
    assert len(frames["mentions"]) == sum(len(d.mentions) for d in docs)
    assert frames["entities"]["n_mentions"].sum() == len(frames["mentions"])


def test_frames_have_the_columns_and_values_of_the_csv_tables(tmp_path):
    import pandas as pd

    import pipeline

    text = SEED.read_text(encoding="utf-8")
    frames = pipeline.to_frames([pipeline.load()(text, doc_id=str(SEED))])
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "pipeline", "run", str(SEED), "--out", str(out), "--no-progress"],
                   check=True, capture_output=True)
    for name in ("documents", "mentions", "entities"):
        table = pd.read_csv(out / f"{name}.csv", dtype={"wikidata": str, "value": str}, keep_default_na=False)
        assert list(frames[name].columns) == list(table.columns)
        assert len(frames[name]) == len(table)
    assert frames["mentions"][["start", "end", "text", "label", "entity_id"]].values.tolist() == \
        pd.read_csv(out / "mentions.csv")[["start", "end", "text", "label", "entity_id"]].values.tolist()


def test_a_missing_or_empty_resource_is_a_clear_error(tmp_path, monkeypatch):
    import pipeline
    from pipeline.resources import ResourceError

    monkeypatch.setenv("MENA_NER_DATA", str(tmp_path))
    with pytest.raises(ResourceError, match="MENA_NER_DATA"):
        pipeline.load()
    from click.testing import CliRunner

    from pipeline.cli import main

    result = CliRunner().invoke(main, ["run", str(SEED), "--out", str(tmp_path / "o")])
    assert result.exit_code != 0 and "missing or empty resource" in result.output


def test_spacy_component_on_the_seed_article():
    spacy = pytest.importorskip("spacy")
    from spacy import displacy

    nlp = spacy.blank("ar")
    nlp.add_pipe("mena_ner")  # found through the spacy_factories entry point
    text = SEED.read_text(encoding="utf-8")
    doc = nlp(text)
    ents = {(e._.mention, e.label_, e.kb_id_) for e in doc.ents}
    assert ("محمد شياع السوداني", "PER", "per:mohammed-shia-al-sudani") in ents
    assert any(label == "RES" and kb == "unsc:1701" for _, label, kb in ents)
    washington = [e for e in doc.spans["mena_ner"] if e._.mention == "واشنطن"]
    assert washington and washington[0].text == "ولواشنطن"  # widened to spaCy's token (the proclitic rule)
    assert all(text[e._.mention_start:e._.mention_end] == e._.mention for e in doc.spans["mena_ner"])
    assert any(e._.wikidata for e in doc.ents)
    assert "محمد شياع السوداني" in displacy.render(doc, style="ent")


@pytest.mark.slow
def test_the_wheel_installs_and_runs_the_sample_like_the_checkout(tmp_path):
    """`pip wheel .`, installed into a fresh virtual environment (dependencies borrowed from the
    project's own environment), writes the same tables from the sample as the editable install."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels)], check=True, capture_output=True)
    (wheel,) = wheels.glob("mena_ner-*.whl")
    fresh = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(fresh)
    python = fresh / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, capture_output=True)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    ours = subprocess.run([sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "borrowed-dependencies.pth").write_text(ours + "\n", encoding="utf-8")
    work = tmp_path / "work"
    (work / "raw").mkdir(parents=True)
    for path in SAMPLE_DIR.iterdir():
        (work / "raw" / path.name).write_bytes(path.read_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith("MENA_NER_DATA") and k != "PYTHONPATH"}
    located = subprocess.run([str(fresh / "bin" / "python"), "-c", "import pipeline, pipeline.resources as r; "
                              "print(pipeline.__file__); print(r.resource_paths().data)"],
                             cwd=work, env=env, check=True, capture_output=True, text=True).stdout
    assert str(fresh) in located and "_resources" in located  # the wheel's own copy, not the checkout
    subprocess.run([str(fresh / "bin" / "mena-ner"), "run", "raw", "--out", "wheel", "--no-progress"],
                   cwd=work, env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "pipeline", "run", "raw", "--out", "checkout", "--no-progress"],
                   cwd=work, check=True, capture_output=True)
    for name in ("documents.csv", "mentions.csv", "entities.csv", "edges.csv"):
        assert (work / "wheel" / name).read_bytes() == (work / "checkout" / name).read_bytes(), name
    rows = list(csv.DictReader(io.StringIO((work / "wheel" / "mentions.csv").read_text(encoding="utf-8"))))
    assert len(rows) > 100
