"""An analyzed text as the library API returns it: :class:`Doc`, its :class:`Span` mentions, and
:func:`to_frames` (the CSV tables as pandas DataFrames)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.io.export import (
    DOCUMENT_COLUMNS,
    ENTITY_COLUMNS,
    MENTION_COLUMNS,
    document_row,
    entity_rows,
    mention_rows,
    render_csv,
)
from pipeline.types import DocumentResult

if TYPE_CHECKING:
    import pandas


@dataclass(frozen=True)
class Span:
    """One mention, as a row of ``mentions.csv``: ``start``/``end`` index the analyzed text."""

    doc_id: str
    sentence: int
    start: int
    end: int
    text: str
    label: str
    value: str
    entity_id: str
    wikidata: str
    name_ar: str
    name_en: str
    method: str
    score: float

    @classmethod
    def from_row(cls, row: dict) -> Span:
        return cls(str(row["doc_id"]), int(row["sentence"]), int(row["start"]), int(row["end"]), str(row["text"]),
                   str(row["label"]), str(row["value"]), str(row["entity_id"]), str(row["wikidata"]),
                   str(row["name_ar"]), str(row["name_en"]), str(row["method"]), float(row["score"]))


@dataclass
class Doc:
    """An analyzed text: the articles found in it (usually one) and their mentions."""

    doc_id: str
    text: str
    results: list[DocumentResult] = field(default_factory=list)

    @property
    def mentions(self) -> list[Span]:
        return [Span.from_row(row) for result in self.results for row in mention_rows(result)]

    @property
    def ents(self) -> list[Span]:
        """The mentions (spaCy's name for them)."""
        return self.mentions

    @property
    def status(self) -> str:
        """``ok`` when every article was analyzed, else the first other status (``empty``, ``error``)."""
        return next((r.status for r in self.results if r.status != "ok"), "ok")

    @property
    def errors(self) -> list[str]:
        return [r.error for r in self.results if r.error]


def to_frames(docs: Iterable[Doc]) -> dict[str, pandas.DataFrame]:
    """``{"documents", "mentions", "entities"}`` DataFrames, with the CSV tables' columns and types."""
    import pandas

    results = [result for doc in docs for result in doc.results]
    tables = {
        "documents": render_csv([document_row(r) for r in results], DOCUMENT_COLUMNS, header=True),
        "mentions": render_csv([row for r in results for row in mention_rows(r)], MENTION_COLUMNS, header=True),
        "entities": render_csv(list(entity_rows(results)), ENTITY_COLUMNS, header=True),
    }
    return {name: pandas.read_csv(io.StringIO(text), dtype={"wikidata": str, "value": str}, keep_default_na=False)
            for name, text in tables.items()}
