"""The plain data types that flow through the stages, in order.

RawInput --clean--> CleanDocument --tokenize--> TokenizedDocument --ner--> Mention
--link--> LinkedMention --export--> table rows. Each stage reads the previous stage's type
and never reaches back into a stage's internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.offsets import MappedText

LABELS = ("PER", "LOC", "ORG", "RES", "MISC")


def input_key(source: str, locator: str = "") -> str:
    """``source`` plus ``!locator`` when the document is inside the file (an archive member, a record)."""
    return f"{source}!{locator}" if locator else source


def document_id(source: str, locator: str = "", part: int = 1) -> str:
    """The ``doc_id`` of the ``part``-th article of an input: ``<source>[!<locator>]#<part>``."""
    return f"{input_key(source, locator)}#{part}"


class PipelineError(Exception):
    """A problem with one input, reported in its ``documents.csv`` row; the run goes on."""


@dataclass(frozen=True)
class RawInput:
    """One document as found: where it came from and its undecoded bytes (or a record's text)."""

    source: str  # the path as the user gave it (joined to the folder when a folder was given)
    data: bytes
    format: str  # "text" or "html"
    locator: str = ""  # inside the source: archive member and/or record ("a.zip" -> "2024/x.html")
    text: str | None = None  # a record's text field: already text, the offset base
    title: str = ""  # from a record's title field
    published: str = ""  # from a record's date field

    @property
    def key(self) -> str:
        """``source`` plus ``!locator`` when the document is inside the file."""
        return input_key(self.source, self.locator)


@dataclass
class CleanDocument:
    """One article: normalized text (title line first, then body) mapped into the source."""

    doc_id: str
    source: str
    part: int  # 1-based article number inside the source file
    source_text: str  # the decoded file (or record text); every offset in the tables indexes this string
    encoding: str
    text: MappedText
    title: str = ""
    title_chars: int = 0  # text[:title_chars] is the title line
    published: str | None = None
    outlet: str = ""
    keywords: list[str] = field(default_factory=list)
    locator: str = ""  # archive member and/or record inside the source


@dataclass(frozen=True)
class Token:
    """A word or a proclitic segment; offsets index ``CleanDocument.text.text``."""

    start: int
    end: int
    text: str
    norm: str  # folded form used for matching; a swallowed article is restored ("لأمم" -> "الامم")
    is_clitic: bool = False  # a split-off proclitic (و ف ب ل ك ...)
    space_after: bool = True


@dataclass(frozen=True)
class Sentence:
    start: int  # first token index
    end: int  # one past the last token index


@dataclass
class TokenizedDocument:
    doc: CleanDocument
    tokens: list[Token]
    sentences: list[Sentence]

    @property
    def n_words(self) -> int:
        return sum(1 for t in self.tokens if not t.is_clitic)


@dataclass(frozen=True)
class Mention:
    """A recognized entity span. ``start``/``end`` are character offsets in the clean text."""

    start: int
    end: int
    label: str
    method: str  # gazetteer | rule | model | coreference
    score: float
    sentence: int
    norm: str  # folded surface, article restored, used by the linker
    value: str = ""  # resolution number for RES
    kb_id: str = ""  # gazetteer entry the span was matched from, if any
    antecedent: int = -1  # coreference mentions: clean-text start of the fuller mention they repeat
    container: bool = False  # a facility named after a place ("مطار بغداد"): the place may nest inside
    candidates: tuple[str, ...] = ()  # several gazetteer entries share this name ("طرابلس"): the linker picks


LOCAL_PREFIX = "local:"


@dataclass(frozen=True)
class EntityFacts:
    """What the tables say about an entity, in one type: a link's target, a row's facts.

    ``name_ar`` of a local entity (a name in no gazetteer) is the surface it was first seen
    with; ``entities.csv`` shows its most frequent surface instead.
    """

    entity_id: str
    label: str
    name_ar: str = ""
    name_en: str = ""
    wikidata: str = ""
    geonames: str = ""
    latitude: float | None = None
    longitude: float | None = None
    country: str = ""

    @property
    def is_local(self) -> bool:
        return self.entity_id.startswith(LOCAL_PREFIX)


@dataclass(frozen=True)
class LinkedMention:
    mention: Mention
    entity: EntityFacts

    @property
    def entity_id(self) -> str:
        return self.entity.entity_id

    @property
    def wikidata(self) -> str:
        return self.entity.wikidata

    @property
    def name_ar(self) -> str:
        return self.entity.name_ar

    @property
    def name_en(self) -> str:
        return self.entity.name_en


@dataclass
class DocumentResult:
    """Everything the export stage needs about one document (or one failed input)."""

    doc_id: str
    source: str
    status: str  # ok | empty | error | skipped
    error: str = ""
    doc: CleanDocument | None = None
    n_tokens: int = 0
    n_sentences: int = 0
    mentions: list[LinkedMention] = field(default_factory=list)
    encoding: str = ""
    locator: str = ""
    traceback: str = ""  # an internal error's traceback (for OUT/.mena-ner/errors.log, not the tables)
