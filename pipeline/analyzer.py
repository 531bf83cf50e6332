"""The analyzer: every stage with its resources loaded once, one input in, table rows out.

:class:`Analyzer` turns a work unit into a :class:`~pipeline.io.export.UnitOutput` (the run loop
and the engines call it) and a text into a :class:`~pipeline.api.Doc` (the library API); a bad
document becomes an error row, never an exception.
"""

from __future__ import annotations

import collections
import hashlib
import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from pipeline.clean import clean
from pipeline.doc import Doc
from pipeline.engines.local import map_items
from pipeline.io.export import UnitOutput, unit_output
from pipeline.io.inputs import Failure, WorkUnit, read_lazy, sha256_file
from pipeline.kb.gazetteer import load_gazetteer
from pipeline.link import Linker
from pipeline.ner import DEFAULT_COMPONENTS, Recognizer
from pipeline.resources import resource_paths
from pipeline.tokenize import Lexicon, Tokenizer, protected_names
from pipeline.types import CleanDocument, DocumentResult, PipelineError, RawInput, TokenizedDocument, document_id
from pipeline.version import __version__


class Analyzer:
    """All stages with their resources loaded once: what :func:`pipeline.load` returns.

    ``analyzer(text)`` analyzes one text into a :class:`~pipeline.api.Doc`;
    :meth:`pipe` streams many (optionally on several processes); the run loop
    (:mod:`pipeline.run`) and the engines (:mod:`pipeline.engines`) call :meth:`process_unit`.
    """

    stage_times: dict[str, float] | None = None  # seconds per stage, once time_stages() is called
    _clean = staticmethod(clean)
    _export = staticmethod(unit_output)

    def __init__(self, gazetteers: Sequence[str | Path] = (), gazetteer_dir: Path | None = None,
                 components: tuple[str, ...] = DEFAULT_COMPONENTS, without_entities: Iterable[str] = ()):
        self.paths = resource_paths()
        self.paths.check()
        # what a worker process needs to build the same analyzer (pipeline.engines.dask)
        without = tuple(sorted(without_entities))
        self.settings = dict(gazetteers=tuple(gazetteers), gazetteer_dir=gazetteer_dir, components=components,
                             without_entities=without)
        self.gazetteer = load_gazetteer(gazetteer_dir, gazetteers).without(without)
        self.tokenizer = Tokenizer(Lexicon.load(self.paths.lexicon), _protected_names(self.gazetteer, self.paths))
        self.recognizer = Recognizer(self.gazetteer, self.tokenizer, components)
        self.linker = Linker(self.gazetteer)
        self.components = components

    def fingerprint(self, options: str = "") -> str:
        """Identifies what the tables depend on: code version, resources, components, options."""
        digest = hashlib.sha256(f"{__version__}\n{self.components}\n{self.settings['without_entities']}\n{options}\n".encode())
        resources = dict.fromkeys(self.paths.files() + list(self.gazetteer.files))
        for path in resources:
            digest.update(f"{path.name}\t{sha256_file(str(path))}\n".encode())
        return digest.hexdigest()

    def process_unit(self, unit: WorkUnit) -> UnitOutput:
        results = [result for item in read_lazy(unit) for result in self.process(item)]
        return self._export(unit.key, unit.source, unit.file_hash, results)

    def process(self, item: RawInput | Failure) -> list[DocumentResult]:
        """Every document of one input; failures are returned as rows, never raised."""
        if isinstance(item, Failure):
            return [DocumentResult(document_id(item.source, item.locator), item.source, item.status, item.problem,
                                   locator=item.locator)]
        try:
            documents = self._clean(item)
        except PipelineError as exc:
            return [DocumentResult(document_id(item.source, item.locator), item.source, "error", str(exc),
                                   locator=item.locator)]
        except Exception as exc:  # a bug must not stop the run: report it on the row
            return [DocumentResult(document_id(item.source, item.locator), item.source, "error",
                                   f"internal error in clean: {_describe(exc)}", locator=item.locator)]
        return [self.analyze(doc) for doc in documents]

    def analyze(self, doc: CleanDocument) -> DocumentResult:
        """Tokenize, recognize and link one clean document."""
        def result(status: str, error: str = "", **counts) -> DocumentResult:
            return DocumentResult(doc.doc_id, doc.source, status, error, doc=doc, encoding=doc.encoding,
                                  locator=doc.locator, **counts)

        try:
            tdoc = self.tokenizer(doc)
            if not tdoc.tokens:
                return result("empty", "no text after cleaning")
            mentions = self.linker(tdoc, self.recognizer(tdoc))
        except Exception as exc:
            return result("error", f"internal error: {_describe(exc)}")
        return result("ok", n_tokens=tdoc.n_words, n_sentences=len(tdoc.sentences), mentions=mentions)

    # -- the library API (pipeline.load() returns an Analyzer) -----------------------------
    def __call__(self, text: str, doc_id: str = "text") -> Doc:
        """Analyze one text (one or more articles) into a :class:`~pipeline.doc.Doc`."""
        return Doc(doc_id, text, self.process(RawInput(doc_id, b"", "text", text=text)))

    def pipe(self, texts: Iterable[str], workers: int = 1, ids: Iterable[str] | None = None) -> Iterator[Doc]:
        """Analyze many texts, streaming, in order; ``workers`` processes give the same results."""

        texts = iter(texts)
        ids = iter(ids) if ids is not None else (f"text-{n}" for n in itertools.count(1))
        pairs = ((doc_id, text) for doc_id, text in zip(ids, texts))
        for (doc_id, text), results in map_items(self, pairs, workers):
            yield Doc(doc_id, text, results)

    def tokenized(self, text: str, doc_id: str = "text") -> list[TokenizedDocument]:
        """The cleaned and tokenized articles of a text (what the NER stage sees; benchmarks use it)."""
        from pipeline.clean import clean_text

        return [self.tokenizer(doc) for doc in clean_text(text, source=doc_id)]

    def time_stages(self) -> dict[str, float]:
        """Collect wall-clock seconds per stage from now on (benchmarks; costs two clock reads a call).

        Stages: read (reading and parsing inputs in the parent), clean, tokenize, ner, link,
        export (rendering rows), write (output folder). Only the ``workers=1`` local engine
        fills in every stage; other processes keep their own counters.
        """
        if self.stage_times is None:
            self.stage_times = collections.defaultdict(float)
            self._clean = Timed(self._clean, "clean", self.stage_times)
            self._export = Timed(self._export, "export", self.stage_times)
            self.tokenizer = Timed(self.tokenizer, "tokenize", self.stage_times)  # type: ignore[assignment]
            self.recognizer = Timed(self.recognizer, "ner", self.stage_times)  # type: ignore[assignment]
            self.linker = Timed(self.linker, "link", self.stage_times)  # type: ignore[assignment]
        return self.stage_times


class Timed:
    """A stage callable that adds its run time to ``times[stage]``; other attributes pass through."""

    def __init__(self, function: Callable, stage: str, times: dict[str, float]):
        self._function, self._stage, self._times = function, stage, times

    def __call__(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self._function(*args, **kwargs)
        finally:
            self._times[self._stage] += time.perf_counter() - started

    def __getattr__(self, name: str):
        return getattr(self._function, name)


def _protected_names(gazetteer, paths) -> frozenset[str]:
    """:func:`~pipeline.tokenize.protected_names` of this knowledge base, through the disk cache."""
    from pipeline.cache import cached

    kind = "protected-names" + ("-without-" + str(len(gazetteer.removed)) if gazetteer.removed else "")
    from pipeline.tokenize import FIRST_NAMES

    return cached(kind, [*gazetteer.files, paths.name_stats, FIRST_NAMES], lambda: protected_names(gazetteer))


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
