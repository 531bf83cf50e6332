"""The report page: one HTML file with everything it needs inlined.

Plotly's JavaScript, the figures' JSON, the map's topojson, the CSS and a few lines of our
own JavaScript (pager, filter, label switches, tooltips) are all written into the file, so
it opens from disk with no network. The topojson is handed to plotly through
``window.PlotlyGeoAssets``, the hook plotly.js checks before it would fetch a base map from
its CDN. plotly.js (4.8 MB, more than the rest of a 10,000-document report) is embedded
gzipped and base64-encoded (about 2 MB) and unpacked by the browser's DecompressionStream
(Chrome/Edge 80+, Firefox 113+, Safari 16.4+); an older browser gets a message instead of
charts, and the documents still work.
"""

from __future__ import annotations

import base64
import functools
import gzip
import html
import json
from dataclasses import dataclass
from importlib import resources

import pandas as pd
import plotly.graph_objects as go

from pipeline.report.charts import LABEL_COLORS, OTHER_COLOR
from pipeline.report.documents import DocumentView
from pipeline.report.overview import LABEL_NAMES

TOPOJSON_NAME = "world_110m"  # what plotly asks for: scope "world", resolution 110


@dataclass(frozen=True)
class PageContent:
    """Everything the page shows, already computed."""

    title: str
    subtitle: str
    cards: list[tuple[str, str, str]]  # (number, what, detail)
    labels: list[str]
    figures: dict[str, go.Figure]  # element id -> figure
    tops: dict[str, pd.DataFrame]
    documents: list[DocumentView]
    tooltips: list[str]  # text of tooltip n, for marks with data-t="n"
    documents_note: str
    map_note: str
    network_note: str
    per_page: int = 10


def render_page(content: PageContent) -> str:
    """The complete HTML document."""
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        f"<title>{html.escape(content.title)}</title>\n<style>\n{_css(content.labels)}</style>\n</head>\n",
        f"<body data-ready=\"no\" data-per-page=\"{content.per_page}\">\n",
        _header(content), _overview(content), _documents(content),
        _json_script("report-figures", {key: json.loads(fig.to_json()) for key, fig in content.figures.items()}),
        _json_script("report-tooltips", content.tooltips),
        "<script>\n", _geo_assets(), "\n</script>\n",
        f"<script type=\"application/gzip;base64\" id=\"plotly-js\">{_packed_plotly_js()}</script>\n",
        f"<script>\n{APP_JS}</script>\n</body>\n</html>\n",
    ])


def _header(content: PageContent) -> str:
    cards = "".join(
        f"<div class=\"card\"><div class=\"number\">{html.escape(number)}</div><div>{html.escape(what)}</div>"
        f"<div class=\"detail\">{html.escape(detail)}</div></div>" for number, what, detail in content.cards)
    return (f"<header><h1>{html.escape(content.title)}</h1><p class=\"muted\">{html.escape(content.subtitle)}</p>"
            "<nav><a href=\"#overview\">Overview</a><a href=\"#places\">Map</a><a href=\"#network\">Network</a>"
            f"<a href=\"#documents\">Documents</a></nav><div class=\"cards\">{cards}</div></header>\n")


def _overview(content: PageContent) -> str:
    return (
        "<main>\n<section id=\"overview\" class=\"grid wide-right\">"
        "<div class=\"panel\"><h2>Counts per label</h2><div id=\"fig-labels\" class=\"figure\"></div></div>"
        f"<div class=\"panel\" id=\"places\"><h2>Where it happens</h2><p class=\"muted\">{html.escape(content.map_note)}</p>"
        "<div id=\"fig-map\" class=\"figure\"></div></div></section>\n"
        "<section class=\"grid halves\">"
        "<div class=\"panel\"><h2>Who and what dominates the coverage</h2><div id=\"fig-top\" class=\"figure\"></div>"
        f"{_top_tables(content.tops)}</div>"
        f"<div class=\"panel\" id=\"network\"><h2>Who appears with whom</h2><p class=\"muted\">{html.escape(content.network_note)}</p>"
        "<div id=\"fig-network\" class=\"figure\"></div></div>"
        "</section>\n"
        "<section class=\"grid\"><div class=\"panel\" id=\"timeline\"><h2>When</h2><p class=\"muted\">Mentions per "
        "day of the most mentioned entities in dated documents (timeline.csv); the buttons switch to weeks; click "
        "a name to hide or show it, double-click to see it alone.</p><div id=\"fig-timeline\" class=\"figure\">"
        "</div></div></section>\n"
    )


def _top_tables(tops: dict[str, pd.DataFrame]) -> str:
    """The same top entities as tables: full names, QIDs, and text that can be copied."""
    tables = []
    for label, frame in tops.items():
        rows = "".join(
            f"<tr><td>{i}</td><td dir=\"rtl\">{html.escape(r.name_ar)}</td><td>{html.escape(r.name_en)}</td>"
            f"<td>{_qid_link(r.wikidata)}</td><td class=\"num\">{int(r.n_mentions)}</td><td class=\"num\">{int(r.n_documents)}</td></tr>"
            for i, r in enumerate(frame.itertuples(index=False), start=1))
        tables.append(f"<h3><span class=\"chip e-{html.escape(label)}\">{html.escape(label)}</span> "
                      f"{html.escape(LABEL_NAMES.get(label, label))}</h3><table><thead><tr><th>#</th><th>Arabic</th>"
                      f"<th>English</th><th>Wikidata</th><th>mentions</th><th>documents</th></tr></thead><tbody>{rows}</tbody></table>")
    return f"<details><summary>Top entities as tables</summary>{''.join(tables)}</details>"


def _qid_link(qid: str) -> str:
    qid = html.escape(qid)
    return f"<a href=\"https://www.wikidata.org/wiki/{qid}\">{qid}</a>" if qid else ""


def _documents(content: PageContent) -> str:
    switches = "".join(
        f"<label class=\"chip e-{html.escape(label)}\"><input type=\"checkbox\" data-label=\"{html.escape(label)}\" checked> "
        f"{html.escape(label)}</label>" for label in content.labels)
    articles = "".join(_article(view, hidden=i >= content.per_page) for i, view in enumerate(content.documents))
    return (
        "<section id=\"documents\" class=\"panel\"><h2>Documents</h2>"
        f"<p class=\"muted\">{html.escape(content.documents_note)}</p>"
        "<div class=\"controls\"><input type=\"search\" id=\"doc-filter\" placeholder=\"Filter by title, source or entity name\" "
        f"dir=\"auto\"><span class=\"switches\">Highlight: {switches}</span></div>"
        "<div class=\"pager\"></div>"
        f"<div id=\"doc-list\">{articles}</div><div class=\"pager\"></div></section>\n</main>\n"
    )


def _article(view: DocumentView, *, hidden: bool) -> str:
    """One document; those after the first page start hidden so the page opens quickly."""
    chips = "".join(f"<span class=\"chip e-{html.escape(label)}\">{html.escape(label)} {n}</span>"
                    for label, n in sorted(view.labels.items(), key=lambda item: -item[1]))
    meta = " · ".join(html.escape(str(value)) for value in (view.published, view.outlet, view.doc_id) if value)
    search = " ".join([view.title, view.source, *view.entity_names]).lower()
    problem = f"<p class=\"problem\">{html.escape(view.problem)}</p>" if view.problem else ""
    return (f"<article class=\"doc\" data-search=\"{html.escape(search, quote=True)}\""
            f"{' hidden' if hidden else ''}><h3 dir=\"auto\">{html.escape(view.title)}</h3>"
            f"<p class=\"meta\">{meta} · {view.n_mentions} mentions {chips}</p>{problem}{view.markup}</article>")


def _json_script(element_id: str, value: object) -> str:
    return f"<script type=\"application/json\" id=\"{element_id}\">{_script_safe(json.dumps(value, ensure_ascii=False, separators=(',', ':')))}</script>\n"


def _script_safe(text: str) -> str:
    """Inside <script>, "</" could end the element early; "<\\/" means the same in JSON and JS."""
    return text.replace("</", "<\\/")


def _geo_assets() -> str:
    """The base map, where plotly.js looks before fetching one."""
    topojson = resources.files("pipeline.report").joinpath("assets", f"{TOPOJSON_NAME}.json").read_text(encoding="utf-8")
    return f"window.PlotlyGeoAssets = {{topojson: {{\"{TOPOJSON_NAME}\": {_script_safe(topojson)}}}}};"


@functools.cache
def _packed_plotly_js() -> str:
    """plotly.js as base64 of its gzip (mtime 0: the same bytes every time)."""
    from plotly.offline import get_plotlyjs

    return base64.b64encode(gzip.compress(get_plotlyjs().encode("utf-8"), compresslevel=9, mtime=0)).decode("ascii")


def _css(labels: list[str]) -> str:
    colors = "".join(f".e-{label}{{background:{LABEL_COLORS.get(label, OTHER_COLOR)}}}\n" for label in labels)
    hidden = "".join(f".hide-{label} mark.e-{label}{{background:none;padding:0;margin:0}}"
                     f".hide-{label} mark.e-{label}>b{{display:none}}\n" for label in labels)
    return CSS + colors + hidden


CSS = """
body{margin:0;font-family:"Segoe UI",Tahoma,"DejaVu Sans",Arial,sans-serif;color:#222;background:#f6f6f4}
header{padding:1.2rem 2rem .6rem;background:#fff;border-bottom:1px solid #ddd}
h1{margin:0 0 .2rem;font-size:1.5rem}h2{margin:.2rem 0 .6rem;font-size:1.15rem}h3{margin:.6rem 0 .3rem;font-size:1rem}
nav a{margin-right:1.2rem;color:#2a5db0;text-decoration:none}
.muted{color:#666;margin:.2rem 0 .6rem;font-size:.9rem}
.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:.8rem 0 .4rem}
.card{background:#fafafa;border:1px solid #e2e2e2;border-radius:.5rem;padding:.5rem .9rem;min-width:8rem}
.card .number{font-size:1.4rem;font-weight:600}.card .detail{color:#777;font-size:.8rem}
main{padding:1rem 2rem}
.grid{display:grid;gap:1rem;align-items:start;margin-bottom:1rem}
.wide-right{grid-template-columns:minmax(0,1fr) minmax(0,2fr)}.halves{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}
@media (max-width:1100px){.wide-right,.halves{grid-template-columns:minmax(0,1fr)}}
.panel{background:#fff;border:1px solid #ddd;border-radius:.5rem;padding:.8rem 1rem;min-width:0}
table{border-collapse:collapse;margin:.2rem 0 .8rem;font-size:.9rem}
td,th{border-bottom:1px solid #eee;padding:.2rem .6rem;text-align:left}td.num{text-align:right}
.chip{display:inline-block;border-radius:.3rem;padding:0 .4rem;font-size:.8rem;margin:0 .15rem}
.controls{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin-bottom:.5rem}
#doc-filter{padding:.35rem .5rem;min-width:22rem;border:1px solid #bbb;border-radius:.3rem}
.pager{margin:.4rem 0;display:flex;gap:.3rem;align-items:center;flex-wrap:wrap}
.pager button{border:1px solid #bbb;background:#fff;border-radius:.3rem;padding:.15rem .55rem;cursor:pointer}
.pager button[aria-current]{background:#2a5db0;color:#fff;border-color:#2a5db0}
article.doc{border-top:1px solid #e4e4e4;padding:.6rem 0 1rem}
article.doc h3{direction:rtl;text-align:right;font-size:1.1rem}
.meta{color:#666;font-size:.85rem;margin:.1rem 0 .4rem}
.problem{color:#a33;font-size:.85rem}
.entities{font-size:1.05rem;text-align:right;unicode-bidi:plaintext}
mark.entity{position:relative;padding:.3em .45em;margin:0 .2em;line-height:1;border-radius:.35em;color:inherit}
mark.entity>b{font-size:.68em;line-height:1;vertical-align:middle;margin-right:.45rem;direction:ltr;unicode-bidi:isolate}
mark.entity>b a{color:inherit;font-weight:normal;text-decoration:none;margin-left:.3em}
mark.entity[data-tip]:hover::after,mark.entity.tip-open[data-tip]::after{content:attr(data-tip);position:absolute;bottom:135%;right:0;z-index:20;
 background:#222;color:#fff;padding:.45em .7em;border-radius:.35em;font-size:.8rem;line-height:1.45;white-space:pre;
 direction:ltr;text-align:left;font-weight:normal;pointer-events:none;box-shadow:0 2px 6px rgba(0,0,0,.3)}
"""

APP_JS = r"""
(function () {
  "use strict";
  // Figures: unpack plotly.js, plot them all, then tell whoever waits (the browser test).
  function loadPlotly() {
    if (window.Plotly) return Promise.resolve();
    if (typeof DecompressionStream === "undefined") {
      return Promise.reject(new Error("this browser cannot unpack the embedded chart library " +
        "(no DecompressionStream); open the report in Chrome/Edge 80+, Firefox 113+ or Safari 16.4+"));
    }
    var binary = atob(document.getElementById("plotly-js").textContent);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(function (code) {
      var script = document.createElement("script");
      script.textContent = code;
      document.head.appendChild(script);
    });
  }
  var figures = JSON.parse(document.getElementById("report-figures").textContent);
  var config = {displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d"]};
  loadPlotly().then(function () {
    return Promise.all(Object.keys(figures).map(function (id) {
      return Plotly.newPlot(id, figures[id].data, figures[id].layout, config);
    }));
  }).then(function () { document.body.dataset.ready = "yes"; }, function (error) {
    document.body.dataset.ready = "error";
    Object.keys(figures).forEach(function (id) {
      document.getElementById(id).innerHTML = '<p class="problem"></p>';
      document.getElementById(id).firstChild.textContent = "Chart not drawn: " + error.message;
    });
    console.error(error);
  });

  // Documents: a filter over the rendered documents and a pager over what matches.
  var perPage = parseInt(document.body.dataset.perPage, 10) || 10;
  var docs = Array.prototype.slice.call(document.querySelectorAll("article.doc"));
  var filter = document.getElementById("doc-filter");
  var pagers = document.querySelectorAll(".pager");
  var page = 0;
  function matching() {
    var q = filter.value.trim().toLowerCase();
    return docs.filter(function (d) { return !q || d.dataset.search.indexOf(q) >= 0; });
  }
  function show() {
    var found = matching(), pages = Math.max(1, Math.ceil(found.length / perPage));
    page = Math.min(page, pages - 1);
    docs.forEach(function (d) { d.hidden = true; });
    found.slice(page * perPage, (page + 1) * perPage).forEach(function (d) { d.hidden = false; });
    pagers.forEach(function (pager) {
      pager.textContent = "";
      for (var i = 0; i < pages; i++) {
        var b = document.createElement("button");
        b.textContent = String(i + 1);
        if (i === page) b.setAttribute("aria-current", "page");
        b.addEventListener("click", (function (n) { return function () { page = n; show(); }; })(i));
        pager.appendChild(b);
      }
      var info = document.createElement("span");
      info.className = "muted";
      info.textContent = " " + found.length + " document" + (found.length === 1 ? "" : "s");
      pager.appendChild(info);
    });
  }
  filter.addEventListener("input", function () { page = 0; show(); });

  // Tooltips: each mark names its text by number; the text is looked up on first hover.
  var tips = JSON.parse(document.getElementById("report-tooltips").textContent);
  document.getElementById("doc-list").addEventListener("mouseover", function (event) {
    var mark = event.target.closest ? event.target.closest("mark.entity") : null;
    if (mark && !mark.dataset.tip && tips[mark.dataset.t] !== undefined) mark.dataset.tip = tips[mark.dataset.t];
  });
  document.querySelectorAll("input[data-label]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.getElementById("doc-list").classList.toggle("hide-" + box.dataset.label, !box.checked);
    });
  });
  show();
})();
"""
