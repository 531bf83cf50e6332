"""Stage 1, clean: bytes -> one or more normalized articles, each mapped into the source.

``clean(raw)`` decodes the bytes, strips HTML, normalizes Unicode, takes metadata lines out
and splits related-article blocks into their own documents. Offsets of every later stage are
converted back to the decoded source text through each document's :class:`MappedText`.
"""

from __future__ import annotations

from pipeline.clean.dates import parse_date
from pipeline.clean.decode import DecodeError, decode_bytes
from pipeline.clean.html import extract_html, looks_like_html
from pipeline.clean.normalize import normalize
from pipeline.clean.structure import Article, split_articles
from pipeline.offsets import MappedText
from pipeline.types import CleanDocument, PipelineError, RawInput, document_id

__all__ = ["clean", "clean_text", "MappedText"]


def clean(raw: RawInput, max_chars: int = 0) -> list[CleanDocument]:
    """All articles of one input. Raises :class:`PipelineError` when the bytes are not text, or
    (``max_chars``) when the text is longer than that: the analysis would not fit in memory."""
    if raw.text is not None:  # a record: its text field is the offset base
        text, encoding = raw.text, ""
    else:
        try:
            text, encoding = decode_bytes(raw.data)
        except DecodeError as exc:
            raise PipelineError(str(exc)) from exc
    if max_chars and len(text) > max_chars:
        raise PipelineError(f"too long to analyze: {len(text):,} characters, more than --max-document-chars "
                            f"{max_chars:,}; raise it to analyze this document (in pieces)")
    meta = {"title": raw.title, "published": raw.published}
    return clean_text(text, source=raw.source, encoding=encoding, fmt=raw.format, locator=raw.locator,
                      meta={k: v for k, v in meta.items() if v})


def clean_text(text: str, *, source: str, encoding: str = "utf-8", fmt: str = "text", locator: str = "",
               meta: dict[str, str] | None = None) -> list[CleanDocument]:
    """Like :func:`clean` for text that is already decoded (``fmt``: "text" or "html").

    ``meta`` may give a ``title`` and a ``published`` date (from a record's fields); they win
    over what the text itself says.
    """
    title = None
    meta = dict(meta or {})
    if fmt == "html" or looks_like_html(text):
        page = extract_html(text)
        body, title = page.body, page.title
        meta = {**page.meta, **meta}
    else:
        body = MappedText.identity(text)
    articles = split_articles(normalize(body), normalize(title) if title is not None else None,
                              has_title="title" in meta)
    return [
        _document(article, part, source=source, locator=locator, source_text=text, encoding=encoding,
                  meta=meta)
        for part, article in enumerate(articles, start=1)
    ]


def _document(article: Article, part: int, *, source: str, locator: str, source_text: str, encoding: str,
              meta: dict[str, str]) -> CleanDocument:
    pieces = ([article.title] if article.title is not None else []) + article.lines
    published = article.published
    if part == 1 and "published" in meta:
        published = parse_date(meta["published"]) or published
    title = article.title.text if article.title is not None else ""
    if part == 1 and meta.get("title"):
        title = " ".join(meta["title"].split())
    return CleanDocument(
        doc_id=document_id(source, locator, part),
        source=source,
        locator=locator,
        part=part,
        source_text=source_text,
        encoding=encoding,
        text=MappedText.join(pieces, "\n"),
        title=title,
        title_chars=len(article.title) if article.title is not None else 0,
        published=published,
        outlet=article.outlet,
        keywords=article.keywords,
    )
