"""Checks on the shipped knowledge base (data/gazetteers/core/*.csv).

Format rules come from data/gazetteers/README.md; content rules from the KB issue (sample-article
entities, >= 1000 people + organisations, ambiguous names kept out of automatic matching).
"""
from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[1] / "data" / "gazetteers" / "core"
COLUMNS = ["id", "label", "name_ar", "name_en", "aliases", "wikidata", "geonames", "latitude", "longitude",
           "country", "population", "type", "match", "source", "notes"]
LABELS = {"PER", "LOC", "ORG", "RES", "MISC"}
MATCH = {"auto", "context", "link"}
ID_RE = re.compile(r"^(country|loc|per|org|unsc|misc):[a-z0-9][a-z0-9.-]*$")
QID_RE = re.compile(r"^Q[1-9][0-9]*$")

# Very common Arabic words (already normalised) that must never be an alias, nor the name of an
# automatically matched entry.
STOPWORDS = {
    "في", "من", "علي", "الي", "عن", "مع", "هذا", "هذه", "ذلك", "التي", "الذي", "كان", "كانت", "قال", "بعد",
    "قبل", "بين", "كل", "ان", "لا", "ما", "لم", "قد", "هو", "هي", "انه", "الله", "اليوم", "العام", "الرئيس",
    "رئيس", "وزير", "الحكومه", "الدوله", "الجيش", "الشعب", "الامن", "المدينه", "البلاد", "العالم", "الحرب",
    "السلام", "النصر", "الامل", "الاخبار", "الخبر", "الصور", "صور", "الباب", "العين", "الشيخ", "الملك",
    "الامير", "المهندس", "الحشد", "الوفد", "الاتحاد", "الحزب", "المجلس", "الحركه", "القوات", "الشرطه",
    "الحرس", "الجزيره", "الخليج", "الشرق", "الغرب", "الجنوب", "الشمال", "العاصمه", "محمد", "احمد",
    "حسن", "حسين", "عبد", "عبدالله", "خالد", "عمر", "الاسد", "المالي", "القاعده", "الدوما", "العربيه",
    "الحياه", "النهار", "السفير", "الجمهوريه", "الجديد", "الحريري", "السوداني", "المصري",
}


def norm(text: str) -> str:
    """Matcher-style normalisation (README): diacritics, tatweel, alef/hamza, ى/ي, ة/ه, Persian letters."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub("[\u0610-\u061a\u064b-\u065f\u0670\u0640]", "", text)
    text = text.translate(str.maketrans("أإآٱىةیک", "اااايهيك"))
    text = re.sub(r"[-_–]", " ", text)
    return " ".join(text.split())


def load():
    files = sorted(CORE.glob("*.csv"))
    assert files, f"no CSV files in {CORE}"
    out = {}
    for f in files:
        with open(f, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            out[f.name] = (reader.fieldnames, list(reader))
    return out


DATA = load()
ROWS = [r for _, rows in DATA.values() for r in rows]
BY_ID = {r["id"]: r for r in ROWS}


def aliases(r):
    return [a for a in (r["aliases"] or "").split("|") if a.strip()]


def surfaces(r):
    return [r["name_ar"], *aliases(r)]


def find(surface: str, label: str | None = None):
    s = norm(surface)
    return [r for r in ROWS if any(norm(x) == s for x in surfaces(r)) and (label is None or r["label"] == label)]


@pytest.mark.parametrize("name", sorted(DATA))
def test_file_has_documented_columns(name):
    header, rows = DATA[name]
    assert header == COLUMNS, f"{name}: header {header}"
    assert rows, f"{name} is empty"
    for r in rows:
        assert None not in r and all(v is not None for v in r.values()), f"{name}: ragged row {r.get('id')}"
        assert r["id"] and r["label"] and r["name_ar"], f"{name}: required field missing in {r}"


@pytest.mark.parametrize("name", sorted(DATA))
def test_file_sorted_by_id(name):
    ids = [r["id"] for r in DATA[name][1]]
    assert ids == sorted(ids)


def test_ids_unique_and_well_formed():
    dup = [k for k, v in Counter(r["id"] for r in ROWS).items() if v > 1]
    assert not dup, f"duplicate ids: {dup[:10]}"
    bad = [r["id"] for r in ROWS if not ID_RE.match(r["id"])]
    assert not bad, f"ids outside the scheme: {bad[:10]}"


def test_labels_match_and_prefixes():
    prefix_label = {"country": "LOC", "loc": "LOC", "per": "PER", "org": "ORG", "unsc": "RES", "misc": "MISC"}
    for r in ROWS:
        assert r["label"] in LABELS, r["id"]
        assert (r["match"] or "auto") in MATCH, r["id"]
        assert prefix_label[r["id"].split(":")[0]] == r["label"], r["id"]


def test_qids_are_valid_and_sourced():
    for r in ROWS:
        if r["wikidata"]:
            assert QID_RE.match(r["wikidata"]), r["id"]
            assert r["source"].strip(), f"{r['id']} has a QID but no source"


KB_SOURCES = Path(__file__).resolve().parents[1] / "scripts" / "kb" / "sources"
EP_REPOSITORY = "everypolitician/everypolitician-data"


def read_source(name):
    with open(KB_SOURCES / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def qid_backing():
    """(id or None, QID) -> [(repository, path)] from the transcribed source files."""
    out = {}
    for name in ("everypolitician_people.csv", "everypolitician_groups.csv"):
        for r in read_source(name):
            out.setdefault((None, r["wikidata"]), []).append((EP_REPOSITORY, r["file"]))
    for r in read_source("qid_confirmations.csv"):
        out.setdefault((r["id"], r["wikidata"]), []).append((r["repository"], r["path"]))
    return out


def is_page(repository):
    """A confirmation read on a stored public web page: its URL stands in the repository column."""
    return repository.startswith(("http://", "https://"))


def test_person_and_organisation_qids_come_from_a_named_file():
    """Every QID of a person or organisation appears in a sources file that names a repository and a path
    (EveryPolitician transcriptions, or a confirmation row for that very id), and the row's `source`
    column names that path."""
    backing = qid_backing()
    for r in ROWS:
        if r["label"] not in {"PER", "ORG"} or not r["wikidata"]:
            continue
        files = backing.get((r["id"], r["wikidata"]), []) + backing.get((None, r["wikidata"]), [])
        assert files, f"{r['id']}: {r['wikidata']} is in no sources file"
        assert all(is_page(repo) or (repo.count("/") == 1 and path) for repo, path in files), r["id"]
        assert any((repo if is_page(repo) else path) in r["source"] for repo, path in files), \
            f"{r['id']}: source does not name {files}"


def test_qid_confirmations_are_attributed():
    rows = read_source("qid_confirmations.csv")
    assert rows
    for r in rows:
        assert QID_RE.match(r["wikidata"]) and r["id"] in BY_ID, r
        if is_page(r["repository"]):  # a stored public web page: URL alone, no commit or path
            assert re.fullmatch(r"https?://\S+", r["repository"]) and not r["commit"] and not r["path"], r
        else:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+", r["repository"]) and re.fullmatch(r"[0-9a-f]{40}", r["commit"]), r
            assert r["path"], r
        assert re.search(rf"(?<![0-9]){r['wikidata'][1:]}(?![0-9])", r["evidence"]), r
        assert BY_ID[r["id"]]["wikidata"] == r["wikidata"], r["id"]


CONF_HEADER = "id,wikidata,name_en,repository,commit,path,evidence\n"
PAGE_ROW = 'per:x,Q42,X,https://en.wikipedia.org/wiki/X,,,"Wikidata item … https://www.wikidata.org/wiki/Q42"\n'
FILE_ROW = "per:y,Q7,Y,owner/name," + "a" * 40 + ",data/y.csv,\"Q7,Y\"\n"


@pytest.mark.parametrize("rows,error", [
    (PAGE_ROW + FILE_ROW, None),
    (PAGE_ROW.replace(",,,", ",abc,,"), "URL alone"),  # a page source has no commit
    (PAGE_ROW.replace("wiki/Q42", "wiki/Q43"), "does not contain the QID"),
    (PAGE_ROW + FILE_ROW.replace("per:y", "per:x").replace("Q7", "Q42"), None),  # two sources, one QID
    (PAGE_ROW + FILE_ROW.replace("per:y", "per:x"), "conflicts"),
    (PAGE_ROW + PAGE_ROW.replace("per:x", "per:z"), "already confirmed"),
    (FILE_ROW.replace("owner/name", "https://github.com"), "URL alone"),
])
def test_confirmation_sources_are_checked(tmp_path, monkeypatch, rows, error):
    """The build accepts a repository file (owner/name, commit, path) or a public web page (URL alone)
    as the source of a QID, always with an excerpt containing the QID; one QID per id, one id per QID."""
    import sys
    sys.path.insert(0, str(KB_SOURCES.parent))
    import build_people_orgs
    (tmp_path / "qid_confirmations.csv").write_text(CONF_HEADER + rows, encoding="utf-8")
    monkeypatch.setattr(build_people_orgs, "SOURCES", tmp_path)
    if error is None:
        confirmed = build_people_orgs.load_confirmations()
        assert build_people_orgs.conf_source(confirmed["per:x"][0]) == "Wikidata QID: page https://en.wikipedia.org/wiki/X"
    else:
        with pytest.raises(SystemExit, match=error):
            build_people_orgs.load_confirmations()


def test_no_two_ids_claim_the_same_qid():
    owners = {}
    for r in ROWS:
        if r["wikidata"]:
            assert owners.setdefault(r["wikidata"], r["id"]) == r["id"], (r["wikidata"], owners[r["wikidata"]], r["id"])


@pytest.mark.parametrize("surface,label,qid", [
    ("أنطونيو غوتيريش", "PER", "Q311440"), ("نجيب ميقاتي", "PER", "Q318493"),
    ("الأمم المتحدة", "ORG", "Q1065"), ("حماس", "ORG", "Q38799"), ("داعش", "ORG", "Q2429253"),
])
def test_sample_article_qids(surface, label, qid):
    """Sample-article entities whose QID was confirmed by a public file (see qid_confirmations.csv)."""
    assert [r["wikidata"] for r in find(surface, label)] == [qid]


def test_every_row_has_a_source():
    assert not [r["id"] for r in ROWS if not r["source"].strip()]


def test_numbers_in_range():
    for r in ROWS:
        lat, lon = r["latitude"], r["longitude"]
        assert bool(lat) == bool(lon), r["id"]
        if lat:
            assert -90 <= float(lat) <= 90 and -180 <= float(lon) <= 180, r["id"]
        if r["population"]:
            assert r["population"].isdigit(), r["id"]
        if r["geonames"]:
            assert r["geonames"].isdigit(), r["id"]
        if r["country"]:
            assert re.fullmatch(r"[A-Z]{2}", r["country"]), r["id"]


def test_countries_complete():
    rows = DATA["countries.csv"][1]
    assert len(rows) >= 240
    codes = {r["country"] for r in rows}
    for cc in ["IQ", "SY", "LB", "IR", "IL", "PS", "US", "SA", "AE", "EG", "JO", "YE", "TN", "DZ", "MA", "LY"]:
        assert cc in codes
    assert sum(1 for r in rows if r["wikidata"]) >= 230


@pytest.mark.parametrize("surface,label", [
    ("محمد شياع السوداني", "PER"), ("قاسم سليماني", "PER"), ("أبو مهدي المهندس", "PER"),
    ("انطونيو غوتيريش", "PER"), ("أنطونيو غوتيريش", "PER"), ("غوتيريش", "PER"),
    ("نجيب ميقاتي", "PER"), ("ميقاتي", "PER"), ("ايمانويل ماكرون", "PER"),
    ("جينين هينيس-بلاسخارت", "PER"), ("جان بيار لاكروا", "PER"), ("أرولدو لازارو", "PER"), ("خالد خياري", "PER"),
    ("الحشد الشعبي", "ORG"), ("الحرس الثوري الإيراني", "ORG"), ("حماس", "ORG"), ("داعش", "ORG"),
    ("الأمم المتحدة", "ORG"), ("اليونيفيل", "ORG"), ("اليونيفل", "ORG"), ("يونيفل", "ORG"),
    ("الجيش اللبناني", "ORG"), ("سكاي نيوز", "ORG"), ("سكاي نيوز عربية", "ORG"), ("بوابة الوفد", "ORG"),
    ("الأخبار", "ORG"),
    ("العراق", "LOC"), ("الولايات المتحدة", "LOC"), ("واشنطن", "LOC"), ("سوريا", "LOC"), ("إيران", "LOC"),
    ("إسرائيل", "LOC"), ("غزة", "LOC"), ("لبنان", "LOC"), ("الناقورة", "LOC"), ("بغداد", "LOC"),
    ("ميس الجبل", "LOC"), ("مطار بغداد", "LOC"), ("طيرحرفا", "LOC"), ("الجبين", "LOC"), ("جنوب لبنان", "LOC"),
    ("القرار 1701", "RES"),
])
def test_sample_article_entities(surface, label):
    assert find(surface, label), f"{surface!r} not found as {label}"


def test_sample_article_links():
    ids = {r["id"] for s in ("اليونيفيل", "اليونيفل", "يونيفل") for r in find(s, "ORG")}
    assert len(ids) == 1, f"UNIFIL spellings map to several entities: {ids}"
    guterres = {r["id"] for s in ("انطونيو غوتيريش", "أنطونيو غوتيريش", "غوتيريش") for r in find(s, "PER")}
    assert len(guterres) == 1
    assert {r["id"] for r in find("ميقاتي")} == {r["id"] for r in find("نجيب ميقاتي")}
    akhbar = find("الأخبار", "ORG")
    assert akhbar and all(r["match"] == "context" for r in akhbar)
    airport = find("مطار بغداد", "LOC")
    assert airport and airport[0]["type"] == "airport"
    assert airport[0]["id"] not in {r["id"] for r in find("بغداد", "LOC")}
    assert find("سكاي نيوز عربية", "ORG")[0]["id"] != find("سكاي نيوز", "ORG")[0]["id"]


def test_enough_people_and_organisations():
    n = sum(1 for r in ROWS if r["label"] in {"PER", "ORG"})
    assert n >= 1000, n


@pytest.mark.parametrize("n", [242, 338, 425, 1559, 1701, 2254, 2334, 2231, 2401, 2728, 2216, 1973, 687, 678, 598, 2118])
def test_unsc_resolutions(n):
    r = BY_ID.get(f"unsc:{n}")
    assert r and r["label"] == "RES" and r["type"] == "unsc_resolution"
    forms = {norm(x) for x in surfaces(r)}
    for f in (f"قرار مجلس الأمن {n}", f"القرار {n}", f"القرار رقم {n}", f"قرار مجلس الأمن رقم {n}", f"القرار الأممي {n}"):
        assert norm(f) in forms, (n, f)


def test_no_alias_is_a_common_word():
    for r in ROWS:
        for a in aliases(r):
            assert norm(a) not in STOPWORDS, f"{r['id']}: alias {a!r} is a common word"
        if (r["match"] or "auto") == "auto":
            assert norm(r["name_ar"]) not in STOPWORDS, f"{r['id']}: auto-matched name {r['name_ar']!r} is a common word"


@pytest.mark.parametrize("surface", ["صور", "حماة", "الأخبار", "حمص", "الخبر", "الباب", "مالي"])
def test_names_that_are_common_words_need_context(surface):
    """Also a common word: never a place on its own (found only after a cue)."""
    rows = find(surface)
    assert rows, surface
    for r in rows:
        assert r["match"] in {"context", "link"}, f"{r['id']} matches the ambiguous {surface!r} automatically"
        assert r["notes"], f"{r['id']}: ambiguous entry without a note on its readings"


@pytest.mark.parametrize("surface, ids", [
    ("عمان", {"loc:amman", "country:om"}),
    ("طرابلس", {"loc:tripoli-lb", "loc:tripoli-ly"}),
])
def test_names_of_several_places_are_found_and_left_to_the_linker(surface, ids):
    """Several places, no common word: every reading is detected; the linker picks from context."""
    rows = [r for r in find(surface) if r["match"] == "auto"]
    assert {r["id"] for r in rows} >= ids
    assert all(r["notes"] for r in rows if r["id"] in ids)


def test_ambiguous_list_documented():
    md = CORE / "AMBIGUOUS.md"
    assert md.exists()
    text = md.read_text(encoding="utf-8")
    for r in ROWS:
        if r["match"] == "context" and not r["id"].startswith("loc:") or r["id"] in {"loc:tyre", "loc:amman", "loc:gaza"}:
            assert r["id"] in text, f"{r['id']} missing from AMBIGUOUS.md"


def test_sources_documented_and_size():
    assert (CORE / "SOURCES.md").exists()
    size = sum(f.stat().st_size for f in CORE.iterdir())
    assert size < 15 * 1024 * 1024, size
