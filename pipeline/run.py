"""Wiring the stages together for one input at a time; a bad input becomes an error row.

:class:`Pipeline` loads the resources once (gazetteers, lexicons, model) and exposes
``process(input_file) -> list[DocumentResult]``. :func:`run` streams inputs through it into
a :class:`~pipeline.export.TableWriter` and returns a :class:`RunSummary`.
"""

from __future__ import annotations

import collections
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from pipeline.clean import clean
from pipeline.export import TableWriter
from pipeline.gazetteer import DEFAULT_DIR, load_gazetteer
from pipeline.inputs import InputFile, discover
from pipeline.link import Linker
from pipeline.ner import DEFAULT_COMPONENTS, Recognizer
from pipeline.tokenize import Tokenizer
from pipeline.types import CleanDocument, DocumentResult, PipelineError, RawInput


@dataclass
class RunSummary:
    documents: int = 0
    statuses: collections.Counter = field(default_factory=collections.Counter)
    labels: collections.Counter = field(default_factory=collections.Counter)
    entities: int = 0
    words: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def add(self, result: DocumentResult) -> None:
        self.documents += 1
        self.statuses[result.status] += 1
        self.words += result.n_tokens
        self.labels.update(m.mention.label for m in result.mentions)
        if result.status == "error":
            self.errors.append(f"{result.source}: {result.error}")

    def lines(self) -> list[str]:
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items()))
        labels = ", ".join(f"{label} {n}" for label, n in sorted(self.labels.items())) or "none"
        speed = self.words / self.seconds if self.seconds else 0.0
        return [
            f"documents: {self.documents} ({statuses or 'none'})",
            f"mentions:  {sum(self.labels.values())} ({labels})",
            f"entities:  {self.entities}",
            f"errors:    {len(self.errors)}",
            f"time:      {self.seconds:.2f} s ({self.words} words, {speed:,.0f} words/s)",
        ]


class Pipeline:
    """All stages with their resources loaded once."""

    def __init__(self, gazetteers: Sequence[str | Path] = (), gazetteer_dir: Path = DEFAULT_DIR,
                 components: tuple[str, ...] = DEFAULT_COMPONENTS):
        self.gazetteer = load_gazetteer(gazetteer_dir, gazetteers)
        self.tokenizer = Tokenizer()
        self.recognizer = Recognizer(self.gazetteer, self.tokenizer, components)
        self.linker = Linker(self.gazetteer)

    def process(self, item: InputFile) -> list[DocumentResult]:
        """Every document of one input; failures are returned as error rows, never raised."""
        if item.status != "ok":
            return [DocumentResult(f"{item.source}#1", item.source, item.status, item.problem)]
        try:
            raw = RawInput(item.source, Path(item.source).read_bytes(), item.format)
            documents = clean(raw)
        except (OSError, PipelineError) as exc:
            return [DocumentResult(f"{item.source}#1", item.source, "error", _describe(exc))]
        except Exception as exc:  # a bug must not stop the run: report it on the row
            return [DocumentResult(f"{item.source}#1", item.source, "error", f"internal error in clean: {_describe(exc)}")]
        return [self.analyze(doc) for doc in documents]

    def analyze(self, doc: CleanDocument) -> DocumentResult:
        """Tokenize, recognize and link one clean document."""
        try:
            tdoc = self.tokenizer(doc)
            if not tdoc.tokens:
                return DocumentResult(doc.doc_id, doc.source, "empty", "no text after cleaning", doc, encoding=doc.encoding)
            mentions = self.linker(tdoc, self.recognizer(tdoc))
        except Exception as exc:
            return DocumentResult(doc.doc_id, doc.source, "error", f"internal error: {_describe(exc)}", doc,
                                  encoding=doc.encoding)
        return DocumentResult(doc.doc_id, doc.source, "ok", "", doc, tdoc.n_words, len(tdoc.sentences), mentions,
                              encoding=doc.encoding)


def run(inputs: Iterable[str], out_dir: str | Path, pipeline: Pipeline,
        progress: Callable[[Iterable[InputFile]], Iterable[InputFile]] = lambda items: items) -> RunSummary:
    """Process every input into tables in ``out_dir``."""
    started = time.perf_counter()
    summary = RunSummary()
    writer = TableWriter(out_dir)
    try:
        for item in progress(list(discover(inputs))):
            for result in pipeline.process(item):
                writer.write(result)
                summary.add(result)
        summary.entities = len(writer.entities)
        writer.close()
    except BaseException:
        writer.abort()
        raise
    summary.seconds = time.perf_counter() - started
    return summary


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if not isinstance(exc, PipelineError) else str(exc)
