"""Gazetteer files: the validator's errors, user overrides, and the gazetteer commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.kb.gazetteer import GazetteerError, load_gazetteer

HEADER = "id,label,name_ar,name_en,wikidata\n"


def folder_with(tmp_path: Path, core: str, user: dict[str, str] | None = None) -> Path:
    root = tmp_path / "gazetteers"
    (root / "core").mkdir(parents=True)
    (root / "core" / "shipped.csv").write_text(core, encoding="utf-8")
    for name, text in (user or {}).items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def problems(root: Path) -> str:
    with pytest.raises(GazetteerError) as error:
        load_gazetteer(root)
    return str(error.value)


SHIPPED = HEADER + "loc:tyre,LOC,صور,Tyre,Q191115\n"


@pytest.mark.parametrize(
    "user, message",
    [
        ("id,label,name_en\nx,PER,X\n", "missing required column 'name_ar'"),
        ("id,label,name_ar,colour\nx,PER,س,red\n", "unknown column 'colour'"),
        (HEADER + "x,PERSON,س,,\n", "unknown label 'PERSON'"),
        (HEADER + "x,PER,س,,\nx,PER,ص,,\n", "duplicate id 'x'"),
        (HEADER + "x,PER,س,,Q12x\n", "malformed wikidata QID 'Q12x'"),
        (HEADER + "x,PER,,,\n", "empty name_ar"),
        (HEADER + ",PER,س,,\n", "empty id"),
        (HEADER + "bad id!,PER,س,,\n", "characters outside"),
        ("id,label,name_ar,latitude\nx,LOC,س,95\n", "latitude '95' out of range"),
        (HEADER + "per:y,PER,س,,Q191115\n", "both claim Q191115"),
        (HEADER + "x,PER,س,a,b,c\n", "more fields than columns"),
    ],
)
def test_validator_reports_bad_rows_with_file_and_line(tmp_path, user, message):
    text = problems(folder_with(tmp_path, SHIPPED, {"mine.csv": user}))
    assert message in text
    assert "mine.csv" in text


def test_clashing_user_definitions(tmp_path):
    root = folder_with(tmp_path, SHIPPED, {"a.csv": HEADER + "per:x,PER,س,X,\n", "b.csv": HEADER + "per:x,PER,ص,Y,\n"})
    assert "clashes with its definition" in problems(root)


def test_bad_file_is_never_half_loaded(tmp_path):
    root = folder_with(tmp_path, SHIPPED, {"mine.csv": HEADER + "per:good,PER,جيد,,\nper:bad,NOPE,سيئ,,\n"})
    with pytest.raises(GazetteerError):
        load_gazetteer(root)


def test_user_file_overrides_a_shipped_entry(tmp_path):
    root = folder_with(tmp_path, SHIPPED, {"mine.csv": HEADER + "loc:tyre,LOC,صور,Tyre (Lebanon),Q191115\n"})
    kb = load_gazetteer(root)
    assert kb.get("loc:tyre").name_en == "Tyre (Lebanon)"
    assert Path(kb.get("loc:tyre").file).name == "mine.csv"


def test_user_override_changes_pipeline_output(tmp_path):
    """A user row replacing a shipped id changes names and links in the tables."""
    import pipeline

    user = tmp_path / "override.csv"
    user.write_text("id,label,name_ar,name_en,aliases\nper:najib-mikati,PER,نجيب ميقاتي,N. Mikati (override),ميقاتي\n",
                    encoding="utf-8")
    doc = pipeline.load(gazetteers=[user])("زار ميقاتي بيروت.")
    (mikati,) = [m for m in doc.mentions if m.label == "PER"]
    assert mikati.entity_id == "per:najib-mikati" and mikati.name_en == "N. Mikati (override)"


def test_commands_validate_list_add(tmp_path, monkeypatch):
    root = folder_with(tmp_path, SHIPPED)
    monkeypatch.setenv("MENA_NER_DATA", str(root.parent))
    runner = CliRunner()
    result = runner.invoke(main, ["gazetteer", "validate"])
    assert result.exit_code == 0 and "ok: 1 entries" in result.output
    target = root / "user.csv"
    result = runner.invoke(main, ["gazetteer", "add", "--file", str(target), "--id", "per:ayman-safadi", "--label", "PER",
                                  "--name-ar", "أيمن الصفدي", "--name-en", "Ayman Safadi", "--aliases", "الصفدي"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(main, ["gazetteer", "add", "--file", str(target), "--id", "per:ayman-safadi", "--label", "PER",
                                 "--name-ar", "س"])
    assert again.exit_code != 0 and "already in" in again.output
    bad = runner.invoke(main, ["gazetteer", "add", "--file", str(target), "--id", "x", "--label", "PER",
                               "--name-ar", "س", "--wikidata", "12"])
    assert bad.exit_code != 0 and "malformed wikidata QID" in bad.output
    listed = runner.invoke(main, ["gazetteer", "list", "--search", "Safadi"])
    assert "per:ayman-safadi\tPER\tأيمن الصفدي" in listed.output
    broken = root / "broken.csv"
    broken.write_text("id,label\nx,PER\n", encoding="utf-8")
    result = runner.invoke(main, ["gazetteer", "validate"])
    assert result.exit_code == 1 and "missing required column 'name_ar'" in result.output
