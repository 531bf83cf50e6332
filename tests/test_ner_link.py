"""Stages 3 and 4 on hand-written sentences: gazetteer lookup, rules, coreference, linking."""

from pathlib import Path

import pytest

from pipeline.kb.gazetteer import GazetteerError, load_gazetteer
from pipeline.link import local_id

GAZETTEER = """id,label,name_ar,name_en,aliases,wikidata,source
org:unifil,ORG,اليونيفيل,UNIFIL,اليونيفل|يونيفل,Q1142701,test
org:un,ORG,الأمم المتحدة,United Nations,,Q1065,test
loc:lebanon,LOC,لبنان,Lebanon,,Q822,test
loc:usa,LOC,الولايات المتحدة,United States,,Q30,test
per:antonio-guterres,PER,أنطونيو غوتيريش,António Guterres,غوتيريش,Q311440,test
"""


@pytest.fixture(scope="module")
def stages(tmp_path_factory):
    """The analyzer with only this test's gazetteer (no shipped KB) and no statistical model."""
    from pipeline.analyzer import Analyzer

    folder = tmp_path_factory.mktemp("gaz")
    (folder / "test.csv").write_text(GAZETTEER, encoding="utf-8")
    return Analyzer(gazetteers=[folder / "test.csv"], gazetteer_dir=Path(folder / "nothing"),
                    components=("gazetteer", "resolutions", "titles", "kunya", "coreference"))


def analyze(stages, text):
    return [(m.text, m.label, m.method, m.entity_id, m.value) for m in stages(text).mentions]


def spans(result, label=None):
    return [r[0] for r in result if label is None or r[1] == label]


def test_spelling_variants_share_one_entity(stages):
    result = analyze(stages, "زار اليونيفيل ثم مقر اليونيفل وقوات الـ«يونيفل» في لبنان.")
    unifil = [r for r in result if r[1] == "ORG"]
    assert [r[0] for r in unifil] == ["اليونيفيل", "اليونيفل", "يونيفل"]
    assert {r[3] for r in unifil} == {"org:unifil"}


def test_clitics_are_outside_the_span(stages):
    result = analyze(stages, "التقى وفد من الأمم المتحدة والولايات المتحدة وللأمم المتحدة مقر.")
    assert ("الولايات المتحدة", "LOC") in [(r[0], r[1]) for r in result]
    assert "لأمم المتحدة" in spans(result, "ORG")  # "للأمم" = ل + (ا)لأمم: only the attached ل is outside


@pytest.mark.parametrize(
    "sentence, name",
    [
        ("وقال وزير الخارجية الأردني أيمن الصفدي إن الحل سياسي.", "أيمن الصفدي"),
        ("استقبل رئيس الوزراء العراقي محمد شياع السوداني في بغداد وفدا.", "محمد شياع السوداني"),
        ("وأعلن الجنرال أرولدو لازارو أن القوات باقية.", "أرولدو لازارو"),
        ("وحضر وكيل الأمين العام للأمم المتحدة لعمليات السلام جان بيار لاكروا، الاجتماع.", "جان بيار لاكروا"),
        ("التقت المنسقة الخاصة للأمم المتحدة في لبنان جينين هينيس-بلاسخارت، أمس.", "جينين هينيس-بلاسخارت"),
        ("وقتل نائب قائد الحشد الشعبي أبو مهدي المهندس في الغارة.", "أبو مهدي المهندس"),
        ("وصرح المتحدث باسم الخارجية سامح شكري بأن الوفد وصل.", "سامح شكري"),
    ],
)
def test_title_rules_find_unlisted_people(stages, sentence, name):
    result = analyze(stages, sentence)
    assert name in spans(result, "PER"), result


@pytest.mark.parametrize("sentence", ["قال رئيس الحكومة استقبل مساء الوفد.", "وقال الرئيس في بيان إن الوضع مستقر."])
def test_title_rules_do_not_invent_people(stages, sentence):
    assert spans(analyze(stages, sentence), "PER") == []


def test_kunya_rule_without_a_title(stages):
    result = analyze(stages, "وظهر أبو محمد الجولاني في تسجيل مصور.")
    assert spans(result, "PER") == ["أبو محمد الجولاني"]


@pytest.mark.parametrize(
    "sentence, span, value, entity",
    [
        ("وطالب بتطبيق القرار 1701 كاملا.", "القرار 1701", "1701", "unsc:1701"),
        ("ودعا إلى تنفيذ قرار مجلس الأمن رقم 2254 فورا.", "قرار مجلس الأمن رقم 2254", "2254", "unsc:2254"),
        ("وفقا للقرار الأممي 2334 الصادر", "لقرار الأممي 2334", "2334", "unsc:2334"),
        ("صدر القرار رقم 15 لسنة 2020 عن الوزارة.", "القرار رقم 15", "15", None),
    ],
)
def test_resolutions(stages, sentence, span, value, entity):
    result = [r for r in analyze(stages, sentence) if r[1] == "RES"]
    assert [(r[0], r[4]) for r in result] == [(span, value)]
    if entity:
        assert result[0][3] == entity
    else:
        assert result[0][3].startswith("local:res:")


def test_partial_names_link_to_the_full_name(stages):
    result = analyze(stages, "التقى الجنرال أرولدو لازارو بالوفد. وقال لازارو إن غوتيريش زار لبنان.")
    people = {r[0]: r for r in result if r[1] == "PER"}
    assert people["لازارو"][2] == "coreference"
    assert people["لازارو"][3] == people["أرولدو لازارو"][3]
    assert people["غوتيريش"][3] == "per:antonio-guterres"


def test_local_ids_are_stable_across_documents(stages):
    first = analyze(stages, "وقال الجنرال أرولدو لازارو إن الوضع هادئ.")
    second = analyze(stages, "أكد العميد أرولدو لازارو أمس أن القوات باقية.")
    assert first[0][3] == second[0][3] == local_id("PER", "ارولدو لازارو")


def test_user_gazetteer_overrides_and_bad_rows_are_reported(tmp_path):
    core = tmp_path / "gaz" / "core"
    core.mkdir(parents=True)
    (core / "a.csv").write_text("id,label,name_ar,name_en\nloc:x,LOC,صور,Tyre\n", encoding="utf-8")
    (tmp_path / "gaz" / "mine.csv").write_text("id,label,name_ar,name_en\nloc:x,LOC,صور,Tyre (Lebanon)\n", encoding="utf-8")
    assert load_gazetteer(tmp_path / "gaz").get("loc:x").name_en == "Tyre (Lebanon)"
    bad = tmp_path / "bad.csv"
    bad.write_text("id,label,name_ar,colour\nx,PLACE,,red\n", encoding="utf-8")
    with pytest.raises(GazetteerError) as error:
        load_gazetteer(tmp_path / "gaz", [bad])
    assert "unknown column 'colour'" in str(error.value)
