"""The HTML report: built from the sample run, checked for structure, opened offline in Chromium,
and built for a synthetic 10,000-document run."""

from __future__ import annotations

import base64
import csv
import gzip
import json
import os
import random
import re
import shutil
import struct
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.report.browser import BrowserError, find_chromium, open_page
from pipeline.report.build import build_report
from pipeline.report.documents import (
    Tooltips,
    document_regions,
    entity_spans,
    html_view,
    plain_view,
    read_source,
    skipped_note,
)
from pipeline.report.options import ReportOptions
from pipeline.report.tables import cooccurrence, edges_for, load_tables

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "raw"


# --- building blocks ---------------------------------------------------------------------------

class PageParser(HTMLParser):
    """Collects what the structure tests look at: scripts, links, articles and highlights."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict, str]] = []
        self.external: list[str] = []
        self.articles: list[dict] = []
        self.body: dict = {}
        self._script: dict | None = None
        self._script_text: list[str] = []
        self._mark: dict | None = None
        self._in_label = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.body = attrs
        if tag == "script":
            self._script, self._script_text = attrs, []
            if attrs.get("src"):
                self.external.append(attrs["src"])
        if tag in ("link", "img", "iframe", "audio", "video", "source", "embed", "object"):
            self.external.append(attrs.get("href") or attrs.get("src") or attrs.get("data") or tag)
        if tag == "article":
            self.articles.append({"attrs": attrs, "marks": [], "rtl": False})
        if tag == "div" and attrs.get("class") == "entities" and self.articles:
            self.articles[-1]["rtl"] = "direction: rtl" in (attrs.get("style") or "")
        if tag == "mark" and self.articles:
            self._mark = {"attrs": attrs, "text": ""}
        if tag == "b" and self._mark is not None:
            self._in_label += 1

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None
        if tag == "b" and self._in_label:
            self._in_label -= 1
        if tag == "mark" and self._mark is not None:
            self.articles[-1]["marks"].append(self._mark)
            self._mark = None

    def handle_data(self, data):
        if self._script is not None:
            self._script_text.append(data)
        elif self._mark is not None and not self._in_label:
            self._mark["text"] += data


def parse_page(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def figures_of(page: PageParser) -> dict:
    return json.loads(next(text for attrs, text in page.scripts if attrs.get("id") == "report-figures"))


def tooltip_of(page: PageParser, mark: dict) -> str:
    tips = json.loads(next(text for attrs, text in page.scripts if attrs.get("id") == "report-tooltips"))
    return tips[int(mark["attrs"]["data-t"])]


def values(data) -> list:
    """A figure array as a list: plotly writes numeric arrays as base64 typed arrays."""
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"])).tolist()
    return list(data)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory) -> Path:
    """The sample articles run through the pipeline, then the report built with default options."""
    out = tmp_path_factory.mktemp("sample") / "out"
    result = CliRunner().invoke(main, ["run", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 0, f"the pipeline run failed: {result.output}\n{result.exception!r}"
    result = CliRunner().invoke(main, ["report", str(out)])
    assert result.exit_code == 0, result.output
    assert "report:" in result.output
    return out


# --- the sample run ----------------------------------------------------------------------------

def test_report_is_one_self_contained_file(sample_run):
    report = sample_run / "report.html"
    page = parse_page(report)
    text = report.read_text(encoding="utf-8")
    assert page.external == [], "the page must not load anything from outside itself"
    assert not re.search(r"@import|url\(\s*['\"]?https?:", text)
    bodies = [body for attrs, body in page.scripts if not attrs.get("type")]
    packed = next(body for attrs, body in page.scripts if attrs.get("id") == "plotly-js")
    assert b"plotly.js v" in gzip.decompress(base64.b64decode(packed))[:300], "plotly.js must be embedded"
    geo = next(body for body in bodies if "PlotlyGeoAssets" in body)
    topojson = json.loads(geo[geo.index('"world_110m": ') + len('"world_110m": '):geo.rindex("}}")].strip())
    assert {"land", "countries", "coastlines", "ocean"} <= set(topojson["objects"])
    assert report.stat().st_size < 7_000_000


def test_overview_covers_the_tables(sample_run):
    tables = load_tables(sample_run)
    figures = figures_of(parse_page(sample_run / "report.html"))
    assert set(figures) == {"fig-labels", "fig-top", "fig-map", "fig-network", "fig-timeline"}

    mentions_trace = figures["fig-labels"]["data"][0]
    per_label = dict(zip((x.split("<br>")[0] for x in values(mentions_trace["x"])), values(mentions_trace["y"])))
    assert per_label == tables.mentions["label"].value_counts().to_dict()

    located = tables.entities.dropna(subset=["latitude", "longitude"])
    geo_traces = [t for t in figures["fig-map"]["data"] if t["type"] == "scattergeo"]
    assert sum(len(values(t["lat"])) for t in geo_traces) == len(located) > 0
    sizes = sorted(s for t in geo_traces for s in values(t["marker"]["size"]))
    assert sizes == sorted(located["n_mentions"].astype(int))

    top_names = {y.split(" · ")[0].rstrip("\u200b") for t in figures["fig-top"]["data"] for y in values(t["y"])}
    assert tables.entities.sort_values("n_mentions", ascending=False)["name_ar"].iloc[0] in top_names
    assert any(" · " in y for t in figures["fig-top"]["data"] for y in values(t["y"])), "English names next to Arabic ones"

    nodes = [t for t in figures["fig-network"]["data"] if t.get("mode") == "markers+text"]
    assert 0 < sum(len(values(t["x"])) for t in nodes) <= ReportOptions.network_nodes


def test_documents_are_rtl_with_every_mention_highlighted(sample_run):
    tables = load_tables(sample_run)
    page = parse_page(sample_run / "report.html")
    ok = tables.documents[tables.documents["status"] == "ok"]
    assert len(page.articles) == len(ok)
    assert page.body["data-per-page"] == str(ReportOptions.per_page)
    assert all(article["rtl"] for article in page.articles)
    nested = {doc: nested_mentions(group) for doc, group in tables.mentions.groupby("doc_id")}
    shown = ok.assign(drawn=ok["n_mentions"].astype(int) - ok["doc_id"].map(nested).fillna(0).astype(int))
    shown = shown.sort_values("n_mentions", ascending=False, kind="stable")
    assert [len(a["marks"]) for a in page.articles] == list(shown["drawn"]), \
        "most mentions first, each mention highlighted (but those nested in a longer one)"

    first = page.articles[0]
    doc = shown.iloc[0]
    expected = tables.mentions[tables.mentions["doc_id"] == doc["doc_id"]].sort_values("start")
    expected = expected[~outer_only(expected)]
    assert [m["text"] for m in first["marks"]] == list(expected["text"])
    for mark, mention in zip(first["marks"], expected.itertuples()):
        assert f"e-{mention.label}" in mark["attrs"]["class"]
        tip = tooltip_of(page, mark)
        if mention.wikidata:
            assert mention.wikidata in tip and mention.name_en in tip
    linked = tables.entities.dropna(subset=["latitude"]).iloc[0]
    assert any(f"{linked['latitude']:g}, {linked['longitude']:g}" in tooltip_of(page, m)
               for a in page.articles for m in a["marks"]), "coordinates in tooltips"


def outer_only(mentions: pd.DataFrame) -> pd.Series:
    """True for mentions inside an earlier, longer one (displaCy draws no nested spans)."""
    ordered = mentions.assign(length=mentions["end"] - mentions["start"]).sort_values(
        ["start", "length"], ascending=[True, False], kind="stable")
    inside, last_end = {}, -1
    for index, start, end in zip(ordered.index, ordered["start"], ordered["end"]):
        inside[index] = start < last_end
        last_end = max(last_end, end) if not inside[index] else last_end
    return pd.Series(inside).reindex(mentions.index)


def nested_mentions(mentions: pd.DataFrame) -> int:
    return int(outer_only(mentions).sum())


def test_nested_mentions_keep_the_longer_one():
    text = "في مطار بغداد الدولي"
    rows = [("بغداد", "LOC"), ("مطار بغداد الدولي", "ORG"), ("مطار", "LOC")]
    mentions = pd.DataFrame([{"start": text.index(t), "end": text.index(t) + len(t), "text": t, "label": label,
                              "wikidata": "", "name_ar": t, "name_en": "", "entity_id": "", "coordinates": ""}
                             for t, label in rows])
    spans, skipped = entity_spans(mentions, text, plain_view(text, 0, len(text)), (0, len(text)), Tooltips())
    assert [(s["start"], s["end"], s["label"]) for s in spans] == [(3, len(text), "ORG")]
    assert skipped == {"nested": 2} and "2 inside a longer mention" in skipped_note(skipped)


def test_document_views_are_sampled_for_big_runs(sample_run, tmp_path):
    output = tmp_path / "small.html"
    result = build_report(sample_run, output, ReportOptions(max_docs=2, per_page=1))
    page = parse_page(output)
    assert result.shown == len(page.articles) == 2
    assert ["hidden" in a["attrs"] for a in page.articles] == [False, True], "only the first page is visible"
    assert "Showing the 2 documents with the most mentions out of" in output.read_text(encoding="utf-8")


def test_documents_whose_source_is_gone_still_show_their_mentions(tmp_path):
    out = synthetic_run(tmp_path, 20)
    docs = pd.read_csv(out / "documents.csv").sort_values("n_mentions", ascending=False, kind="stable")
    (tmp_path / docs["source"].iloc[0]).unlink()
    result = build_report(out, None, ReportOptions(roots=(tmp_path,)))
    page = parse_page(result.path)
    assert len(page.articles) == 20
    assert len(page.articles[0]["marks"]) == docs["n_mentions"].iloc[0], "the mentions are listed instead"
    assert "text not available" in result.path.read_text(encoding="utf-8")
    assert [len(a["marks"]) for a in page.articles[1:]] == list(docs["n_mentions"].iloc[1:])


def test_missing_tables_give_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code != 0
    assert "documents.csv not found" in result.output


def test_report_help_explains_the_command():
    result = CliRunner().invoke(main, ["report", "--help"])
    assert result.exit_code == 0
    assert "self-contained" in result.output and "--max-docs" in result.output


# --- pure pieces -------------------------------------------------------------------------------

def test_html_view_maps_source_offsets():
    source = "<html><head><title>t</title></head><body><p>زار <b>غوتيريش</b> &amp; لبنان</p>\n<p>ثم سوريا</p></body></html>"
    view = html_view(source, 0, len(source))
    for word in ("غوتيريش", "لبنان", "سوريا"):
        start = source.index(word)
        assert view.text[view.to_view(start):view.to_view(start + len(word), is_end=True)] == word
    assert "<" not in view.text and "&" in view.text and view.text.lstrip().startswith("t\n"), "the <title> is a line of its own"


def test_html_sources_show_their_visible_text(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "page.html").write_text(
        "<!DOCTYPE html><html lang='ar'><head><meta charset='utf-8'><title>غوتيريش يزور لبنان</title>"
        "<style>p{color:red}</style><script>var x = '<b>سوريا</b>';</script></head><body>"
        "<p>زار الأمين العام أنطونيو غوتيريش لبنان &amp; التقى نجيب ميقاتي في بيروت.</p>"
        "<p>وتحدث عن الأوضاع في سوريا والعراق و<b>إسرائيل</b>.</p></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    run = CliRunner().invoke(main, ["run", str(raw), "--out", str(out)])
    assert run.exit_code == 0, f"the pipeline run failed: {run.output}\n{run.exception!r}"
    assert CliRunner().invoke(main, ["report", str(out)]).exit_code == 0
    mentions = load_tables(out).mentions.sort_values("start")
    page = parse_page(out / "report.html")
    assert len(mentions) > 0
    assert [m["text"] for m in page.articles[0]["marks"]] == list(mentions["text"])
    article = (out / "report.html").read_text(encoding="utf-8").split("<article", 1)[1]
    assert "color:red" not in article and "var x" not in article and "&amp;lt;" not in article


def test_plain_view_is_the_source_slice():
    view = plain_view("abc\nسوريا", 4, 9)
    assert view.text == "سوريا" and view.to_view(4) == 0 and view.to_view(9, is_end=True) == 5


def test_articles_of_one_file_are_split_at_read_also_lines():
    text = "عنوان\nنص عن العراق.\nإقرأ أيضاً:\nعنوان آخر\nنص عن لبنان."
    regions = document_regions(text, [1, 2], {1: [(13, 19)], 2: [(text.index("لبنان"), text.index("لبنان") + 5)]})
    assert text[slice(*regions[1])].endswith("العراق.\n")
    assert text[slice(*regions[2])].startswith("إقرأ أيضاً")


def test_sources_are_found_under_roots_and_records_are_not_reread(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_bytes("سوريا".encode("cp1256"))
    assert read_source("raw/a.txt", "cp1256", [Path("/nonexistent"), tmp_path]) == "سوريا"
    assert read_source("raw/missing.txt", "utf-8", [tmp_path]) is None
    (tmp_path / "raw" / "b.jsonl").write_text('{"text": "x"}\n')
    assert read_source("raw/b.jsonl", "utf-8", [tmp_path], "line:1") is None


def test_cooccurrence_counts_each_pair_once_per_scope():
    mentions = pd.DataFrame({
        "doc_id": ["d1", "d1", "d1", "d1", "d2", "d2"],
        "sentence": [1, 1, 2, 2, 1, 1],
        "entity_id": ["a", "b", "a", "c", "a", "b"],
    })
    per_doc = cooccurrence(mentions, "document").set_index(["entity_a", "entity_b"])["count"].to_dict()
    assert per_doc == {("a", "b"): 2, ("a", "c"): 1, ("b", "c"): 1}
    per_sentence = cooccurrence(mentions, "sentence").set_index(["entity_a", "entity_b"])["count"].to_dict()
    assert per_sentence == {("a", "b"): 2, ("a", "c"): 1}


def test_edges_csv_is_used_when_present(sample_run, tmp_path):
    for name in ("documents", "mentions", "entities"):
        shutil.copy(sample_run / f"{name}.csv", tmp_path / f"{name}.csv")
    (tmp_path / "edges.csv").write_text("entity_a,entity_b,scope,count\ncountry:iq,country:sy,document,99\n")
    edges = edges_for(load_tables(tmp_path), "document")
    assert edges.to_dict("records") == [{"entity_a": "country:iq", "entity_b": "country:sy", "scope": "document", "count": 99}]


# --- in a browser, offline ---------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium: found on PATH, else installed with apt (root only), else skip."""
    found = find_chromium()
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("Chromium is not installed and cannot be installed here (needs root and apt-get); "
                    "install Debian's `chromium` package or set $CHROMIUM")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    problem = ""
    for command in (["apt-get", "install", "-y", "-q", "chromium"], ["apt-get", "update", "-q"],
                    ["apt-get", "install", "-y", "-q", "chromium"]):
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        except subprocess.TimeoutExpired:
            pytest.skip(f"`{' '.join(command)}` timed out; cannot install Chromium")
        problem = done.stderr.strip().splitlines()[-1:] if done.returncode else ""
        if command[1] == "install" and done.returncode == 0:
            break
    found = find_chromium()
    if not found:
        pytest.skip(f"Chromium could not be installed with apt-get: {problem}")
    return found


MAP_PROBES = {
    "land_paths": "document.querySelectorAll('#fig-map .layer.land path').length",
    "country_paths": "document.querySelectorAll('#fig-map .layer.countries path').length",
    "places_drawn": "document.querySelectorAll('#fig-map .scattergeo path.point').length",
    "bars_drawn": "document.querySelectorAll('#fig-top .bars .point').length",
    "network_drawn": "document.querySelectorAll('#fig-network .scatterlayer .point').length",
    "visible_docs": "document.querySelectorAll('article.doc:not([hidden])').length",
    "highlights": "document.querySelectorAll('article.doc:not([hidden]) mark.entity').length",
    "tooltip": "(function () { var m = document.querySelector('article.doc:not([hidden]) mark.entity');"
               " m.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); m.classList.add('tip-open');"
               " var shown = getComputedStyle(m, '::after').content; m.classList.remove('tip-open'); return shown; })()",
}


def test_report_renders_offline_without_console_errors(sample_run, chromium, tmp_path):
    shot = tmp_path / "report.png"
    check = open_page(sample_run / "report.html", shot, binary=chromium, probes=MAP_PROBES)
    assert check.ready == "yes", check.console_errors
    assert check.console_errors == []
    assert check.requests == [], "the page tried to use the network"
    located = load_tables(sample_run).entities["latitude"].notna().sum()
    assert check.facts["land_paths"] > 0 and check.facts["country_paths"] > 0, "the base map must draw offline"
    assert check.facts["places_drawn"] == located
    assert check.facts["bars_drawn"] > 0 and check.facts["network_drawn"] > 0
    assert 0 < check.facts["visible_docs"] <= ReportOptions.per_page and check.facts["highlights"] > 0
    assert check.facts["tooltip"].count("·") >= 1, "hovering a highlight shows its tooltip"
    assert png_size(shot) == (1400, 1800) and shot.stat().st_size > 50_000


def test_the_offline_check_would_catch_a_fetch(sample_run, chromium, tmp_path):
    """Without the embedded base map plotly fetches it from its CDN: the check must fail then."""
    page = tmp_path / "no-geo-assets.html"
    text = (sample_run / "report.html").read_text(encoding="utf-8")
    page.write_text(text.replace("window.PlotlyGeoAssets =", "window.NoGeoAssets ="), encoding="utf-8")
    check = open_page(page, None, binary=chromium, timeout=30, probes=MAP_PROBES)
    assert check.ready == "error"
    assert any("topojson" in error for error in check.console_errors)
    assert check.requests and all(url.startswith("http") for url in check.requests)
    assert check.facts["land_paths"] == 0


def test_missing_browser_is_reported(tmp_path):
    with pytest.raises((BrowserError, OSError)):
        open_page(tmp_path / "x.html", None, binary=str(tmp_path / "no-such-chromium"), timeout=5)


# --- scale -------------------------------------------------------------------------------------

FILLER = ("قال", "في", "بيان", "إن", "الحكومة", "أعلنت", "اليوم", "عن", "خطة", "جديدة", "لدعم", "الاقتصاد",
          "وأكد", "المتحدث", "أن", "المحادثات", "مستمرة", "بين", "الطرفين", "منذ", "أسابيع", "على", "خلفية", "الأزمة")
SYLLABLES = ("محمد", "علي", "حسن", "سعيد", "كريم", "نور", "سلمان", "يوسف", "خالد", "عمر", "فاطمة", "ليلى", "زياد")


def synthetic_entities(rng: random.Random) -> list[dict]:
    """Places with coordinates, people, organizations and resolutions with a few famous ones."""
    entities = []
    for i in range(300):
        entities.append({"entity_id": f"place:{i}", "label": "LOC", "name_ar": f"مدينة {SYLLABLES[i % 13]} {i}",
                         "name_en": f"Place {i}", "wikidata": f"Q{1000 + i}", "geonames": str(5000 + i),
                         "latitude": round(rng.uniform(12, 42), 4), "longitude": round(rng.uniform(-15, 62), 4),
                         "country": "XX"})
    for i in range(3000):
        name = f"{SYLLABLES[i % 13]} {SYLLABLES[(i // 13) % 13]} {SYLLABLES[(i // 169) % 13]}"
        entities.append({"entity_id": f"local:per:{i:05x}", "label": "PER", "name_ar": name, "name_en": "",
                         "wikidata": f"Q{90000 + i}" if i < 200 else ""})
    for i in range(400):
        entities.append({"entity_id": f"org:{i}", "label": "ORG", "name_ar": f"منظمة {SYLLABLES[i % 13]} {i}",
                         "name_en": f"Organization {i}", "wikidata": f"Q{50000 + i}" if i % 2 else ""})
    for i in range(60):
        entities.append({"entity_id": f"unsc:{2000 + i}", "label": "RES", "name_ar": f"قرار مجلس الأمن {2000 + i}",
                         "name_en": f"UN Security Council Resolution {2000 + i}", "wikidata": ""})
    return entities


def synthetic_run(folder: Path, n_docs: int, seed: int = 7) -> Path:
    """A run's tables and source files for ``n_docs`` articles (popularity follows Zipf's law)."""
    rng = random.Random(seed)
    entities = synthetic_entities(rng)
    weights = [1.0 / (rank + 1) for rank in range(len(entities))]
    rng.shuffle(weights)
    raw, out = folder / "raw", folder / "out"
    raw.mkdir(parents=True)
    out.mkdir()
    totals = {e["entity_id"]: [0, set()] for e in entities}
    with open(out / "documents.csv", "w", newline="", encoding="utf-8") as dfile, \
         open(out / "mentions.csv", "w", newline="", encoding="utf-8") as mfile:
        documents = csv.writer(dfile, lineterminator="\n")
        mentions = csv.writer(mfile, lineterminator="\n")
        documents.writerow(["doc_id", "source", "title", "published", "outlet", "keywords", "n_chars", "n_tokens",
                            "n_sentences", "n_mentions", "status", "error", "part", "encoding"])
        mentions.writerow(["doc_id", "source", "sentence", "start", "end", "text", "label", "value", "entity_id",
                           "wikidata", "name_ar", "name_en", "method", "score"])
        for i in range(n_docs):
            source = f"raw/{i // 1000:02d}/article-{i:05d}.txt"
            doc_id = f"{source}#1"
            chosen = rng.choices(entities, weights, k=rng.randint(0, 40))
            title = " ".join(rng.choices(FILLER, k=7))
            text, rows, sentence = title + "\n", [], 1
            for n, entity in enumerate(chosen):
                text += " ".join(rng.choices(FILLER, k=rng.randint(2, 9))) + " "
                start = len(text)
                text += entity["name_ar"]
                rows.append([doc_id, source, sentence, start, len(text), entity["name_ar"], entity["label"], "",
                             entity["entity_id"], entity["wikidata"], entity["name_ar"], entity["name_en"], "gazetteer", "1.000"])
                totals[entity["entity_id"]][0] += 1
                totals[entity["entity_id"]][1].add(doc_id)
                if n % 4 == 3:
                    text += ".\n"
                    sentence += 1
                else:
                    text += " "
            text += " ".join(rng.choices(FILLER, k=12)) + ".\n"
            (raw / source[4:]).parent.mkdir(exist_ok=True)
            (raw / source[4:]).write_text(text, encoding="utf-8")
            documents.writerow([doc_id, source, title, f"2024-01-{1 + i % 28:02d}", "وكالة", "", len(text),
                                len(text.split()), sentence, len(rows), "ok", "", 1, "utf-8"])
            mentions.writerows(rows)
    with open(out / "entities.csv", "w", newline="", encoding="utf-8") as efile:
        columns = ["entity_id", "label", "name_ar", "name_en", "wikidata", "n_mentions", "n_documents", "aliases",
                   "geonames", "latitude", "longitude", "country"]
        writer = csv.DictWriter(efile, columns, lineterminator="\n", restval="")
        writer.writeheader()
        for entity in sorted(entities, key=lambda e: -totals[e["entity_id"]][0]):
            count, docs = totals[entity["entity_id"]]
            if count:
                writer.writerow({**entity, "n_mentions": count, "n_documents": len(docs), "aliases": entity["name_ar"]})
    return out


@pytest.mark.slow
def test_report_of_10000_documents_is_small_and_quick(tmp_path, chromium):
    out = synthetic_run(tmp_path, 10_000)
    began = time.perf_counter()
    result = build_report(out, None, ReportOptions(roots=(tmp_path,)))
    seconds = time.perf_counter() - began
    print(f"\n10,000 documents: report {result.bytes / 1e6:.2f} MB in {seconds:.1f} s")
    assert result.documents == 10_000 and result.shown == ReportOptions.max_docs
    assert result.bytes < 8_000_000 and seconds < 90

    page = parse_page(result.path)
    assert len(page.articles) == ReportOptions.max_docs
    assert all(len(a["marks"]) > 0 for a in page.articles)
    mentions = pd.read_csv(out / "mentions.csv", usecols=["label"])
    trace = figures_of(page)["fig-labels"]["data"][0]
    assert sum(values(trace["y"])) == len(mentions), "the overview counts every mention of the run"

    began = time.perf_counter()
    check = open_page(result.path, tmp_path / "10k.png", binary=chromium, probes=MAP_PROBES)
    opened = time.perf_counter() - began
    print(f"opened and drawn in Chromium in {opened:.1f} s")
    assert check.ready == "yes" and check.console_errors == [] and check.requests == []
    assert check.facts["land_paths"] > 0 and check.facts["visible_docs"] == ReportOptions.per_page
    assert opened < 30
