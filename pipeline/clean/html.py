"""Visible text of an HTML page, mapped back to character offsets in the HTML source.

Uses the standard library's tolerant ``html.parser`` (it never fails on broken or deeply
nested markup, and reports source positions); block-level tags become line breaks so that
the structure parser sees paragraphs as lines.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np
import regex

from pipeline.offsets import OFFSET_DTYPE, MappedText

BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 "
    "h6 header hr li main nav ol p pre section table td th tr ul title".split()
)
HIDDEN_TAGS = frozenset("script style noscript template svg math head iframe object".split())
DATE_META = frozenset(
    "article:published_time date pubdate publishdate dc.date dc.date.issued og:published_time "
    "datepublished sailthru.date".split()
)


@dataclass
class HtmlPage:
    """What we keep of a page: visible text (mapped), its ``<title>``, metadata from ``<meta>``."""

    body: MappedText
    title: MappedText | None = None
    meta: dict[str, str] = field(default_factory=dict)


class _VisibleText(HTMLParser):
    """Collects visible character data as (text, source_start, source_end, one_to_one) pieces."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in regex.finditer("\n", source)]
        self.pieces: list[tuple[str, int, int, bool]] = []
        self.title_pieces: list[tuple[str, int, int, bool]] = []
        self.meta: dict[str, str] = {}
        self.hidden_depth = 0
        self.in_title = False

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _emit(self, text: str, start: int, end: int, one_to_one: bool) -> None:
        if self.hidden_depth:
            return
        target = self.title_pieces if self.in_title else self.pieces
        target.append((text, start, end, one_to_one))

    def _break(self) -> None:
        if not self.in_title:
            pos = self._pos()
            self.pieces.append(("\n", pos, pos, False))

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_TAGS and tag != "head":
            self.hidden_depth += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "meta":
            attrs = dict(attrs)
            key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
            if key in DATE_META and attrs.get("content"):
                self.meta.setdefault("published", attrs["content"])
        if tag in BLOCK_TAGS:
            self._break()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in HIDDEN_TAGS and tag != "head":
            self.hidden_depth -= 1

    def handle_endtag(self, tag):
        if tag in HIDDEN_TAGS and tag != "head":
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag == "title":
            self.in_title = False
        if tag in BLOCK_TAGS:
            self._break()

    def handle_data(self, data):
        start = self._pos()
        self._emit(data, start, start + len(data), True)

    def handle_entityref(self, name):
        start = self._pos()
        end = start + 1 + len(name)
        if self.source.startswith(";", end):
            end += 1
        self._emit(html.unescape(self.source[start:end]), start, end, False)

    def handle_charref(self, name):
        start = self._pos()
        end = start + 2 + len(name)
        if self.source.startswith(";", end):
            end += 1
        self._emit(html.unescape(self.source[start:end]), start, end, False)


def _to_mapped(pieces: list[tuple[str, int, int, bool]], source_len: int) -> MappedText:
    texts, starts, ends = [], [], []
    for text, start, end, one_to_one in pieces:
        texts.append(text)
        if one_to_one:
            rng = np.arange(start, start + len(text), dtype=OFFSET_DTYPE)
            starts.append(rng)
            ends.append(rng + 1)
        else:
            starts.append(np.full(len(text), start, dtype=OFFSET_DTYPE))
            ends.append(np.full(len(text), end, dtype=OFFSET_DTYPE))
    last = pieces[-1][2] if pieces else 0
    starts.append(np.array([last], dtype=OFFSET_DTYPE))
    ends.append(np.array([last], dtype=OFFSET_DTYPE))
    return MappedText("".join(texts), np.concatenate(starts), np.concatenate(ends))


def extract_html(source: str) -> HtmlPage:
    """Parse an HTML document (any quality) into its visible text, title and date metadata."""
    parser = _VisibleText(source)
    parser.feed(source)
    parser.close()
    title = _to_mapped(parser.title_pieces, len(source)).strip() if parser.title_pieces else None
    return HtmlPage(body=_to_mapped(parser.pieces, len(source)), title=title or None, meta=parser.meta)


def looks_like_html(text: str) -> bool:
    """Heuristic for ``.txt`` files that are really scraped HTML."""
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head or (head.count("<p") + head.count("<div")) >= 3


