"""Document views: each article's source text, right to left, with its mentions highlighted.

Mentions index the decoded source file, so the view is built from the file itself: decode
it with the run's encoding, cut out the article (a file can hold several, split at "اقرأ
أيضا" lines), turn HTML into visible text while keeping an offset map, and hand the text and
spans to spaCy's displaCy, whose entity renderer supports right-to-left text. A template of
our own adds CSS classes per label (the page can switch a label off) and the number of the
hover tooltip (English name, QID, coordinates): tooltip texts are stored once per report in
:class:`Tooltips`, not once per mention, which keeps a 200-document page small.
"""

from __future__ import annotations

import bisect
import collections
import functools
import gzip
import html
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import regex

from pipeline.io.inputs import member_name
from pipeline.io.names import unescape_name

# Arabic marks (harakat, tatweel) may sit between the letters of a marker line.
_MARKS = "[\u064b-\u065f\u0670\u0640]*"
_READ_ALSO = regex.compile(
    rf"(?m)(?:^|(?<=>))[ \t]*[اإأ]{_MARKS}ق{_MARKS}ر{_MARKS}[أاء]{_MARKS}\s+"
    rf"(?:[اأ]{_MARKS}ي{_MARKS}ض{_MARKS}ا|ال{_MARKS}م{_MARKS}ز{_MARKS}ي{_MARKS}د|ك{_MARKS}ذ{_MARKS}ل{_MARKS}ك)"
)
# What HTML holds besides visible text: dropped parts (comments, scripts, styles...), tags, and
# character references.
_HTML_TOKEN = regex.compile(
    r"(?P<drop><!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>|<\?[^>]*>"
    r"|<(?P<hidden>script|style|noscript|template|svg|math|iframe|object)\b.*?</(?P=hidden)\s*>)"
    r"|(?P<tag></?(?P<name>[a-zA-Z][\w:-]*)[^>]*>)"
    r"|(?P<ref>&(?:#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);)",
    regex.S | regex.I,
)
BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 "
    "h6 header hr li main nav ol p pre section table td th title tr ul".split()
)
DOCUMENT_SUFFIXES = frozenset({".txt", ".text", ".html", ".htm", ".xhtml"})
RECORD_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json", ".csv", ".tsv"})
# Colours come from the page's CSS (one rule per label) rather than displaCy's inline style:
# smaller markup, and the page can switch a label's highlights off.
ENTITY_TEMPLATE = '<mark class="entity e-{label}" data-t="{tip}">{text}<b>{label}{qid}</b></mark>'


class Tooltips:
    """Distinct tooltip texts of a report, numbered; marks carry the number."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def number(self, text: str) -> int:
        return self.numbers.setdefault(text, len(self.numbers))

    @property
    def texts(self) -> list[str]:
        return list(self.numbers)


@dataclass(frozen=True)
class TextView:
    """Text to show and where its pieces come from in the source.

    ``pieces`` holds ``(view_start, source_start, source_end, exact)``; an exact piece is a
    verbatim copy of the source (offsets shift by a constant), any other piece (a decoded
    ``&amp;``, a line break standing for a ``<p>``) maps as a whole.
    """

    text: str
    pieces: tuple[tuple[int, int, int, bool], ...] = field(default=())

    @functools.cached_property
    def _source_starts(self) -> list[int]:
        return [piece[1] for piece in self.pieces]

    def to_view(self, source_offset: int, *, is_end: bool = False) -> int:
        """Where a source offset falls in the shown text (a span's end maps to a piece end)."""
        i = bisect.bisect_right(self._source_starts, source_offset - (1 if is_end else 0)) - 1
        if i < 0:
            return 0
        view_start, source_start, source_end, exact = self.pieces[i]
        length = (self.pieces[i + 1][0] if i + 1 < len(self.pieces) else len(self.text)) - view_start
        if exact:
            return view_start + min(max(source_offset - source_start, 0), length)
        return view_start + (length if is_end or source_offset >= source_end else 0)


@dataclass(frozen=True)
class DocumentView:
    """One document ready for the page: its header fields and displaCy markup."""

    doc_id: str
    title: str
    source: str
    published: str
    outlet: str
    n_mentions: int
    labels: dict[str, int]
    markup: str
    problem: str = ""  # why the text is missing or incomplete, shown above it
    entity_names: tuple[str, ...] = ()  # what the page's filter finds the document by


def select_documents(documents: pd.DataFrame, max_docs: int) -> pd.DataFrame:
    """The documents to show in full: those with the most mentions, then in run order.

    Showing every document of a 10,000-document run would make the page slow to open; the
    overview still counts all of them.
    """
    shown = documents[documents["status"] == "ok"].assign(_order=range(int((documents["status"] == "ok").sum())))
    shown = shown.sort_values(["n_mentions", "_order"], ascending=[False, True], kind="stable")
    return shown.head(max_docs).drop(columns="_order").reset_index(drop=True)


def read_source(source: str, encoding: str, roots: list[Path], locator: str = "") -> str | None:
    """The decoded text that mention offsets index, or None when it cannot be had.

    A plain file (also gzipped) or a document member of a zip archive (``locator`` = its
    name) is read again; a record of a JSONL/CSV file is not (its text field depends on
    the run's options), nor is anything missing from disk.
    """
    path = Path(unescape_name(source))  # a name that is not UTF-8 is escaped in the tables
    found = next((c for c in ([path] if path.is_absolute() else [root / path for root in roots]) if c.is_file()), None)
    if found is None:
        return None
    try:
        data = _document_bytes(found, locator)
        return None if data is None else data.decode(encoding or "utf-8", errors="replace")
    except (OSError, EOFError, zipfile.BadZipFile, LookupError):  # unreadable now, or an unknown encoding name
        return None


def _document_bytes(path: Path, locator: str) -> bytes | None:
    data = path.read_bytes()
    name = path.name.lower()
    if name.endswith(".gz"):
        data, name = gzip.decompress(data), name[:-3]
    if name.endswith(".zip"):
        if not locator or "!" in locator or Path(locator).suffix.lower() not in DOCUMENT_SUFFIXES:
            return None
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {member_name(info): info for info in archive.infolist()}  # names as the tables write them
            return archive.read(members[locator]) if locator in members else None
    if locator or Path(name).suffix.lower() in RECORD_SUFFIXES:
        return None
    return data


def document_regions(source_text: str, parts: list[int], mention_spans: dict[int, list[tuple[int, int]]]) -> dict[int, tuple[int, int]]:
    """Where each article (``part``) of a file lies in its text.

    The run splits a file at "اقرأ أيضا" lines; we find those lines again and use the ones
    that fall between two articles' mentions. Where no such line fits, the next article
    starts at the line of its first mention.
    """
    parts = sorted(parts)
    if len(parts) <= 1:
        return {part: (0, len(source_text)) for part in parts}
    markers = [m.start() for m in _READ_ALSO.finditer(source_text)]
    bounds = [0]
    for previous, part in zip(parts, parts[1:]):
        low = max([end for _, end in mention_spans.get(previous, [])] + [bounds[-1]])
        firsts = [start for start, _ in mention_spans.get(part, [])]
        high = min(firsts) if firsts else len(source_text)
        fitting = [m for m in markers if low <= m <= high]
        if fitting:
            bounds.append(fitting[0])
        elif firsts:
            bounds.append(max(low, source_text.rfind("\n", low, high) + 1))
        else:
            bounds.append(low if low > bounds[-1] else high)
    bounds.append(len(source_text))
    return {part: (bounds[i], bounds[i + 1]) for i, part in enumerate(parts)}


def plain_view(source_text: str, start: int, end: int) -> TextView:
    """A plain-text article is shown as it is."""
    return TextView(source_text[start:end], ((0, start, end, True),))


def html_view(source_text: str, start: int, end: int) -> TextView:
    """The visible text of an HTML region: tags dropped, block tags as line breaks,
    character references decoded, and source line breaks turned into spaces (1:1)."""
    text: list[str] = []
    pieces: list[tuple[int, int, int, bool]] = []
    length = breaks = 0  # breaks: line breaks since the last visible character

    def add(chunk: str, src_start: int, src_end: int, exact: bool) -> None:
        nonlocal length, breaks
        if chunk:
            pieces.append((length, src_start, src_end, exact))
            text.append(chunk)
            length += len(chunk)
            breaks = breaks + chunk.count("\n") if not chunk.strip() else 0

    position = start
    for match in _HTML_TOKEN.finditer(source_text, start, end):
        add(_spaces(source_text[position:match.start()]), position, match.start(), True)
        if match.group("ref"):
            add(html.unescape(match.group("ref")), match.start(), match.end(), False)
        elif match.group("tag") and match.group("name").lower() in BLOCK_TAGS and breaks < 2:
            add("\n", match.start(), match.end(), False)  # at most one empty line between blocks
        position = match.end()
    add(_spaces(source_text[position:end]), position, end, True)
    return TextView("".join(text), tuple(pieces))


def _spaces(chunk: str) -> str:
    return chunk.translate({ord("\n"): " ", ord("\r"): " ", ord("\t"): " "})


def looks_like_html(source: str, source_text: str) -> bool:
    """HTML files by extension, or text that starts like a page."""
    if Path(source).suffix.lower() in {".html", ".htm", ".xhtml"}:
        return True
    head = source_text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head)


def entity_spans(mentions: pd.DataFrame, source_text: str, view: TextView, region: tuple[int, int],
                 tips: Tooltips) -> tuple[list[dict], collections.Counter]:
    """displaCy spans for the mentions of one document, and how many were left out, by reason.

    displaCy's entity style draws no nested spans, so a mention inside a longer one is left
    out ("nested"); so is one whose text no longer matches the file ("changed": the file was
    edited after the run) or that lies in text the view does not show ("hidden"), rather
    than being drawn in the wrong place.
    """
    spans: list = []
    skipped: collections.Counter[str] = collections.Counter()
    last_end = -1
    ordered = mentions.assign(_length=mentions["end"] - mentions["start"]).sort_values(
        ["start", "_length"], ascending=[True, False], kind="stable")  # the longer of two nested spans wins
    for row in ordered.itertuples(index=False):
        start, end = int(row.start), int(row.end)
        if not (region[0] <= start < end <= region[1]) or source_text[start:end] != row.text:
            skipped["changed"] += 1
            continue
        view_start, view_end = view.to_view(start), view.to_view(end, is_end=True)
        if view_end <= view_start:
            skipped["hidden"] += 1
        elif view_start < last_end:
            skipped["nested"] += 1
        else:
            last_end = view_end
            spans.append(_span(row, view_start, view_end, tips))
    return spans, skipped


SKIP_REASONS = {"nested": "inside a longer mention", "hidden": "in markup that is not shown",
                "changed": "no longer matching the source file (edited after the run?)"}


def skipped_note(skipped: collections.Counter) -> str:
    """Why some mentions of a document carry no highlight, for the line above its text."""
    parts = [f"{n} {SKIP_REASONS[reason]}" for reason, n in sorted(skipped.items()) if n]
    return f"Not highlighted: {'; '.join(parts)}." if parts else ""


def _span(mention, start: int, end: int, tips: Tooltips) -> dict:
    """One displaCy span; the tooltip and Wikidata link go in through template params."""
    qid = html.escape(mention.wikidata)
    link = f' <a href="https://www.wikidata.org/wiki/{qid}">{qid}</a>' if qid else ""
    return {"start": start, "end": end, "label": mention.label,
            "params": {"tip": tips.number(tooltip(mention)), "qid": link}}


def tooltip(mention) -> str:
    """What hovering a highlight tells: linked names, Wikidata id and coordinates."""
    names = " — ".join(n for n in (mention.name_ar, mention.name_en) if n) or mention.text
    details = [mention.label, mention.wikidata or "no Wikidata id"]
    if getattr(mention, "coordinates", ""):
        details.append(mention.coordinates)
    if mention.entity_id:
        details.append(mention.entity_id)
    return f"{names}\n" + " · ".join(details)


def render_markup(text: str, spans: list[dict]) -> str:
    """displaCy's entity renderer, right to left, with our template."""
    from spacy import displacy

    parsed = {"text": text, "ents": spans, "title": None, "settings": {"lang": "ar", "direction": "rtl"}}
    options = {"template": ENTITY_TEMPLATE}
    return displacy.render(parsed, style="ent", manual=True, jupyter=False, options=options)


def document_views(shown: pd.DataFrame, documents: pd.DataFrame, mentions: pd.DataFrame, entities: pd.DataFrame, *,
                   roots: list[Path], tips: Tooltips) -> list[DocumentView]:
    """Views for the ``shown`` documents; ``documents`` and ``mentions`` are the whole run,
    needed to find where each article of a multi-article file begins."""
    coordinates = _coordinates(entities)
    sources = set(shown["source"])
    in_files = mentions[mentions["source"].isin(sources)]
    file_docs = documents[documents["source"].isin(sources)]
    regions = _regions_per_file(shown, file_docs, in_files, roots)
    selected = in_files[in_files["doc_id"].isin(set(shown["doc_id"]))]
    selected = selected.assign(coordinates=selected["entity_id"].map(coordinates).fillna(""))
    by_doc = dict(tuple(selected.groupby("doc_id", sort=False)))
    views = []
    for row in shown.itertuples(index=False):
        source_text, region = regions.get(row.doc_id, (None, (0, 0)))
        views.append(_view(row, by_doc.get(row.doc_id, selected.iloc[0:0]), source_text, region, tips))
    return views


def _coordinates(entities: pd.DataFrame) -> dict[str, str]:
    located = entities.dropna(subset=["latitude", "longitude"])
    return {e: f"{lat:g}, {lon:g}" for e, lat, lon in zip(located["entity_id"], located["latitude"], located["longitude"])}


def _regions_per_file(shown: pd.DataFrame, file_docs: pd.DataFrame, mentions: pd.DataFrame,
                      roots: list[Path]) -> dict[str, tuple[str, tuple[int, int]]]:
    """Source text and article region of every shown document whose file is found."""
    wanted = set(shown["doc_id"])
    spans = {doc: list(zip(group["start"].astype(int), group["end"].astype(int))) for doc, group in mentions.groupby("doc_id")}
    out = {}
    for source, encoding, locator in shown[["source", "encoding", "locator"]].drop_duplicates().itertuples(index=False):
        text = read_source(source, encoding, roots, locator)
        if text is None:
            continue
        siblings = file_docs[(file_docs["source"] == source) & (file_docs["locator"] == locator)].dropna(subset=["part"])
        part_ids = {int(part): doc for part, doc in zip(siblings["part"], siblings["doc_id"])}
        part_spans = {part: spans.get(doc, []) for part, doc in part_ids.items()}
        for part, region in document_regions(text, list(part_ids), part_spans).items():
            if part_ids[part] in wanted:
                out[part_ids[part]] = (text, region)
    return out


def _view(row, mentions: pd.DataFrame, source_text: str | None, region: tuple[int, int], tips: Tooltips) -> DocumentView:
    labels = mentions["label"].value_counts().to_dict()
    header = dict(doc_id=row.doc_id, title=row.title or Path(row.source).name, source=row.source,
                  published=row.published, outlet=row.outlet, n_mentions=int(row.n_mentions or 0), labels=labels,
                  entity_names=entity_names(mentions))
    if source_text is None:
        where = f"{row.source} → {row.locator}" if row.locator else row.source
        text, spans = mention_list(mentions, tips)
        return DocumentView(**header, markup=render_markup(text, spans),
                            problem=f"text not available ({where} cannot be read again); its mentions:")
    view = (html_view if looks_like_html(row.source, source_text) else plain_view)(source_text, *region)
    spans, skipped = entity_spans(mentions, source_text, view, region, tips)
    return DocumentView(**header, markup=render_markup(view.text, spans), problem=skipped_note(skipped))


def mention_list(mentions: pd.DataFrame, tips: Tooltips) -> tuple[str, list[dict]]:
    """When the text cannot be shown, the mentions themselves in order, separated by dots."""
    parts: list[str] = []
    spans: list[dict] = []
    length = 0
    for row in mentions.sort_values(["start", "end"]).itertuples(index=False):
        if parts:
            parts.append(" · ")
            length += 3
        parts.append(row.text)
        spans.append(_span(row, length, length + len(row.text), tips))
        length += len(row.text)
    return "".join(parts), spans


def entity_names(mentions: pd.DataFrame) -> tuple[str, ...]:
    """Names a filter should find a document by: surface forms and linked names."""
    names = set(mentions["text"]) | set(mentions["name_ar"]) | set(mentions["name_en"])
    return tuple(sorted(n for n in names if n))
