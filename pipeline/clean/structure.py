"""Article structure of a scraped page: titles, metadata lines, related-article blocks.

A scraped file often holds one article, its metadata lines ("تاريخ النشر:", "المصدر:",
"كلمات دلالية:") and then "إقرأ أيضاً:" followed by another article. We split it into
articles, take metadata out of the body, and keep every kept line as a slice of the mapped
text so offsets still point into the source.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from pipeline.clean.dates import parse_date
from pipeline.lang.arabic import fold
from pipeline.offsets import MappedText

_COLON = r"\s*[:：\-–—]\s*"
# Patterns run on folded lines (alef/hamza unified, ة->ه, ى->ي), hence the spellings.
_DATE_LINE = regex.compile(rf"^(?:تاريخ النشر|تاريخ الخبر|تاريخ|نشر في|نشر بتاريخ|بتاريخ|published|date){_COLON}(.*)$", regex.I)
_OUTLET_LINE = regex.compile(rf"^(?:المصدر|مصدر الخبر|source){_COLON}(.+)$", regex.I)
_KEYWORDS_LINE = regex.compile(rf"^(?:كلمات دلاليه|الكلمات الدلاليه|كلمات مفتاحيه|الكلمات المفتاحيه|الوسوم|وسوم|tags|keywords){_COLON}(.*)$", regex.I)
_RELATED_LINE = regex.compile(r"^(?:اقرا|إقرا)\s+(?:ايضا|المزيد|كذلك)\s*[:：]?\s*(.*)$")
_SENTENCE_END = regex.compile(r"[.!?؟…:\"')»]\s*$")
TITLE_MAX_WORDS = 25


@dataclass
class Article:
    """One article of a page: optional title, body lines, and the metadata found for it."""

    title: MappedText | None = None
    lines: list[MappedText] = field(default_factory=list)
    published: str | None = None
    published_raw: str = ""
    outlet: str = ""
    keywords: list[str] = field(default_factory=list)
    has_title_marker: bool = False
    title_known: bool = False

    @property
    def is_empty(self) -> bool:
        return self.title is None and not self.lines


def split_articles(text: MappedText, title: MappedText | None = None, *, has_title: bool = False) -> list[Article]:
    """Split normalized page text into articles.

    ``title`` comes from HTML ``<title>``; ``has_title`` says the first article's title is
    known from elsewhere (a record's title field), so its first line is body text.
    """
    articles = [Article(title=title, has_title_marker=title is not None)]
    articles[0].title_known = has_title
    for line in _lines(text):
        current = articles[-1]
        folded = fold(line.text)
        if related := _RELATED_LINE.match(folded):
            articles.append(Article())
            rest = related.group(1).strip()
            if rest:  # "اقرأ أيضا: <headline>" on one line
                articles[-1].title = line.slice(len(line.text) - len(rest), len(line.text))
                articles[-1].has_title_marker = True
            continue
        if match := _DATE_LINE.match(folded):
            current.published_raw = match.group(1).strip()
            current.published = current.published or parse_date(match.group(1))
            current.has_title_marker = True
        elif match := _OUTLET_LINE.match(folded):
            current.outlet = line.text[_value_start(line.text, match):].strip()
        elif match := _KEYWORDS_LINE.match(folded):
            current.keywords = _split_keywords(line.text[_value_start(line.text, match):])
        else:
            current.lines.append(line)
    for article in articles:
        _promote_title(article)
    return [a for a in articles if not a.is_empty] or [articles[0]]


def _lines(text: MappedText) -> list[MappedText]:
    out = []
    for match in regex.finditer(r"[^\n]+", text.text):
        line = text.slice(*match.span()).strip()
        if line.text:
            out.append(line)
    return out


def _value_start(line: str, match: regex.Match) -> int:
    """Folding is 1:1 in length on cleaned text, so folded offsets index the line."""
    return match.start(1)


def _split_keywords(value: str) -> list[str]:
    parts = regex.split(r"\s*[،,;|؛]\s*", value.strip())
    return [p for p in parts if p]


def _promote_title(article: Article) -> None:
    """The first line is a headline when a date line follows it or it looks like one."""
    if article.title is not None or article.title_known or not article.lines:
        return
    first = article.lines[0]
    words = first.text.split()
    looks_like_headline = (
        len(words) <= TITLE_MAX_WORDS
        and not _SENTENCE_END.search(first.text)
        and (len(article.lines) > 1 or article.has_title_marker)
    )
    if article.has_title_marker or looks_like_headline:
        if len(words) <= TITLE_MAX_WORDS:
            article.title = first
            article.lines = article.lines[1:]
