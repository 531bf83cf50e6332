"""Growing the knowledge base from a run (gazetteer suggest), mention hygiene, governorate or city,
and spellings that differ by a space."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner
from conftest import SAMPLE_DIR


def test_suggest_then_accept_links_the_names_on_the_next_run(tmp_path):
    from pipeline.cli import main

    inputs = tmp_path / "in"
    inputs.mkdir()
    for n in range(3):  # a name no gazetteer holds, in several documents
        (inputs / f"{n}.txt").write_text(f"قال المتحدث باسم جبهة الخلاص الوطني المغربية إن الجبهة اجتمعت. "
                                         f"وأضاف أن جبهة الخلاص الوطني المغربية ستشارك في الانتخابات رقم {n}.",
                                         encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "out"
    assert runner.invoke(main, ["run", str(inputs), "--out", str(out), "--no-progress"]).exit_code == 0
    result = runner.invoke(main, ["gazetteer", "suggest", str(out), "--top", "10"])
    assert result.exit_code == 0, result.output
    suggested = out / "suggested_gazetteer.csv"
    with open(suggested, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    front = next(r for r in rows if "الخلاص" in r["name_ar"])
    assert front["label"] == "ORG" and front["id"].startswith("user:") and "mentions in 3 documents" in front["source"]
    assert "الانتخابات" in front["notes"] or "اجتمعت" in front["notes"]  # an example line
    accepted = tmp_path / "accepted.csv"  # the user keeps that row and names it
    with open(accepted, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerow({**front, "id": "org:national-salvation-front-ma", "name_en": "National Salvation Front"})
    assert runner.invoke(main, ["gazetteer", "validate", str(accepted)]).exit_code == 0
    again = tmp_path / "again"
    assert runner.invoke(main, ["run", str(inputs), "--out", str(again), "--gazetteer", str(accepted),
                                "--no-progress"]).exit_code == 0
    with open(again / "mentions.csv", encoding="utf-8", newline="") as handle:
        linked = [r for r in csv.DictReader(handle) if r["entity_id"] == "org:national-salvation-front-ma"]
    assert len(linked) >= 6 and {r["name_en"] for r in linked} == {"National Salvation Front"}


def test_suggest_needs_a_finished_run(tmp_path):
    from pipeline.cli import main

    result = CliRunner().invoke(main, ["gazetteer", "suggest", str(tmp_path)])
    assert result.exit_code != 0 and "entities.csv not found" in result.output


def test_entities_carry_an_example_line(tmp_path):
    import pipeline
    from pipeline.run import run

    run([str(SAMPLE_DIR)], tmp_path, pipeline.load())
    with open(tmp_path / "entities.csv", encoding="utf-8", newline="") as handle:
        rows = {r["entity_id"]: r for r in csv.DictReader(handle)}
    assert "السوداني" in rows["per:mohammed-shia-al-sudani"]["example"]


@pytest.mark.parametrize("text", ["بلغ سعر الدولار 3 آلاف ليرة.", "والحمد لله على السلامة.", "وقال إن الله معنا.",
                                  "انتشر الإسلام في المنطقة.", "شارك الوسم # على تويتر."])
def test_no_currency_religion_god_or_bare_symbol_is_a_mention(nlp, text):
    found = [(m.text, m.label) for m in nlp(text).mentions]
    assert not [t for t, _ in found if t in {"الدولار", "ليرة", "لله", "الله", "الإسلام", "#"}], found


@pytest.mark.parametrize("text,expected", [
    ("قصفت الطائرات بلدات في محافظة إدلب. وقال مسؤول في إدلب إن القصف مستمر.", ["loc:idlib-gov", "loc:idlib-gov"]),
    ("تظاهر السكان في مدينة إدلب. وقال ناشطون في إدلب إن الوضع صعب.", ["loc:idlib", "loc:idlib"]),
    ("دخلت القوات بمحافظة البصرة ثم انتشرت في البصرة.", ["loc:basra-gov", "loc:basra-gov"]),
])
def test_governorate_or_city_follows_the_cue_and_the_rest_of_the_document(nlp, text, expected):
    assert [m.entity_id for m in nlp(text).mentions if m.label == "LOC"] == expected


def test_a_name_written_as_one_word_or_two_is_the_same_entity(nlp):
    found = [(m.text, m.entity_id) for m in nlp("وصل الوفد إلى أبوظبي، ثم غادر ابو ظبي إلى دبي.").mentions]
    assert ("أبوظبي", "loc:abu-dhabi") in found and ("ابو ظبي", "loc:abu-dhabi") in found
