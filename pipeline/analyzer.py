"""The analyzer: every stage with its resources loaded once, one input in, table rows out.

:class:`Analyzer` turns a work unit into a :class:`~pipeline.io.export.UnitOutput` (the run loop
and the engines call it) and a text into a :class:`~pipeline.api.Doc` (the library API); a bad
document becomes an error row, never an exception (an internal error's traceback rides along
in the result, for ``OUT/.mena-ner/errors.log``).

A document longer than ``PIECE_CHARS`` (a whole archive pasted on one line) is tokenized,
recognized and linked in pieces cut at a line break, else a sentence end, else a space, each
seeing ``PIECE_MARGIN`` characters of context on both sides: memory stays flat however long it
is, offsets stay exact (a piece is a slice of the document's mapped text), and a mention
across a cut is kept once, by the piece where it starts. Only document-wide context
(partial names, the countries that pick a place's reading) is then per piece. Documents over
``--max-document-chars`` are refused with an ``error`` row (:mod:`pipeline.limits`).
"""

from __future__ import annotations

import bisect
import collections
import dataclasses
import hashlib
import itertools
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import regex

from pipeline.clean import clean
from pipeline.doc import Doc
from pipeline.engines.local import map_items
from pipeline.io.export import UnitOutput, unit_output
from pipeline.io.inputs import Failure, WorkUnit, read_lazy, sha256_file
from pipeline.kb.gazetteer import load_gazetteer
from pipeline.limits import DEFAULT_LIMITS, Limits
from pipeline.link import Linker
from pipeline.ner import DEFAULT_COMPONENTS, Recognizer
from pipeline.resources import resource_paths
from pipeline.tokenize import Lexicon, Tokenizer, protected_names
from pipeline.types import (
    CleanDocument,
    DocumentResult,
    LinkedMention,
    PipelineError,
    RawInput,
    TokenizedDocument,
    document_id,
)
from pipeline.version import __version__

PIECE_CHARS = 100_000  # a longer document is analyzed in pieces of at most this many characters ...
PIECE_MARGIN = 1_000  # ... each seeing this much of the text before and after it
_SENTENCE_CUT = regex.compile(r"[.!?؟…](?=\s)", flags=regex.REVERSE)
_SPACE_CUT = regex.compile(r"\s", flags=regex.REVERSE)


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
                 components: tuple[str, ...] = DEFAULT_COMPONENTS, without_entities: Iterable[str] = (),
                 limits: Limits = DEFAULT_LIMITS):
        self.paths = resource_paths()
        self.paths.check()
        # what a worker process needs to build the same analyzer (pipeline.engines.dask)
        without = tuple(sorted(without_entities))
        self.limits = limits
        self.settings = dict(gazetteers=tuple(gazetteers), gazetteer_dir=gazetteer_dir, components=components,
                             without_entities=without, limits=limits)
        self.gazetteer = load_gazetteer(gazetteer_dir, gazetteers).without(without)
        self.tokenizer = Tokenizer(Lexicon.load(self.paths.lexicon), _protected_names(self.gazetteer, self.paths))
        self.recognizer = Recognizer(self.gazetteer, self.tokenizer, components)
        self.linker = Linker(self.gazetteer)
        self.components = components

    def fingerprint(self, options: str = "") -> str:
        """Identifies what the tables depend on: code version, resources, components, options."""
        digest = hashlib.sha256(f"{__version__}\n{self.components}\n{self.settings['without_entities']}\n{options}\n"
                                f"{self.limits.describe()}\n".encode())
        resources = dict.fromkeys(self.paths.files() + list(self.gazetteer.files))
        for path in resources:
            digest.update(f"{path.name}\t{sha256_file(str(path))}\n".encode())
        return digest.hexdigest()

    def process_unit(self, unit: WorkUnit) -> UnitOutput:
        """A work unit's rows; raises :class:`~pipeline.io.environment.InputChanged` if its file changed."""
        results = [result for item in read_lazy(unit, self.limits) for result in self.process(item)]
        return self._export(unit.key, unit.source, unit.file_hash, results)

    def process(self, item: RawInput | Failure) -> list[DocumentResult]:
        """Every document of one input; failures are returned as rows, never raised."""
        if isinstance(item, Failure):
            return [DocumentResult(document_id(item.source, item.locator), item.source, item.status, item.problem,
                                   locator=item.locator)]
        try:
            documents = self._clean(item, max_chars=self.limits.max_document_chars)
        except PipelineError as exc:
            return [DocumentResult(document_id(item.source, item.locator), item.source, "error", str(exc),
                                   locator=item.locator)]
        except Exception as exc:  # a bug must not stop the run: report it on the row
            return [DocumentResult(document_id(item.source, item.locator), item.source, "error",
                                   f"internal error in clean: {_describe(exc)}", locator=item.locator,
                                   traceback=_traceback(document_id(item.source, item.locator)))]
        return [self.analyze(doc) for doc in documents]

    def analyze(self, doc: CleanDocument) -> DocumentResult:
        """Tokenize, recognize and link one clean document (in pieces when it is long)."""
        def result(status: str, error: str = "", **counts) -> DocumentResult:
            return DocumentResult(doc.doc_id, doc.source, status, error, doc=doc, encoding=doc.encoding,
                                  locator=doc.locator, **counts)

        try:
            if len(doc.text) > PIECE_CHARS:
                mentions, words, sentences = self._analyze_in_pieces(doc)
            else:
                tdoc = self.tokenizer(doc)
                mentions = self.linker(tdoc, self.recognizer(tdoc)) if tdoc.tokens else []
                words, sentences = tdoc.n_words, len(tdoc.sentences)
        except Exception as exc:
            return result("error", f"internal error: {_describe(exc)}", traceback=_traceback(doc.doc_id))
        if not words:
            return result("empty", "no text after cleaning")
        return result("ok", n_tokens=words, n_sentences=sentences, mentions=mentions)

    def _analyze_in_pieces(self, doc: CleanDocument) -> tuple[list[LinkedMention], int, int]:
        """Mentions, words and sentences of a long document, a piece at a time (see the module doc)."""
        text = doc.text.text
        mentions: list[LinkedMention] = []
        words = sentences = reach = 0
        for start, end in piece_bounds(text, PIECE_CHARS):
            low, high = max(0, start - PIECE_MARGIN), min(len(text), end + PIECE_MARGIN)
            tdoc = self.tokenizer(dataclasses.replace(doc, text=doc.text.slice(low, high)))
            found = self.linker(tdoc, self.recognizer(tdoc)) if tdoc.tokens else []
            first = [tdoc.tokens[s.start].start + low for s in tdoc.sentences]
            opened = [offset for offset in first if start <= offset < end]  # sentences this piece starts
            before = reach  # a mention across the cut belongs to the earlier piece, where it starts
            for linked in found:
                m = linked.mention
                if start <= m.start + low < end and m.start + low >= before:
                    mentions.append(_shifted(linked, low, sentences + bisect.bisect_right(opened, m.start + low) - 1))
                    reach = max(reach, m.end + low)
            words += sum(1 for t in tdoc.tokens if not t.is_clitic and start <= t.start + low < end)
            sentences += len(opened)
        return mentions, words, sentences

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


def _traceback(doc_id: str) -> str:
    """The traceback of the exception being handled, headed by the document it happened in."""
    return f"internal error in {doc_id}:\n{traceback.format_exc()}"


def piece_bounds(text: str, size: int) -> list[tuple[int, int]]:
    """``[start, end)`` pieces of at most ``size`` characters covering ``text``, each cut in its
    second half after a line break, else after a sentence end, else at a space, else anywhere."""
    bounds = []
    start = 0
    while len(text) - start > size:
        half, limit = start + size // 2, start + size
        cut = text.rfind("\n", half, limit) + 1
        if cut <= half:
            found = _SENTENCE_CUT.search(text, half, limit) or _SPACE_CUT.search(text, half, limit)
            cut = found.end() if found else limit
        bounds.append((start, cut))
        start = cut
    bounds.append((start, len(text)))
    return bounds


def _shifted(linked: LinkedMention, offset: int, sentence: int) -> LinkedMention:
    """A piece's mention with offsets into the whole document's clean text."""
    m = linked.mention
    antecedent = m.antecedent + offset if m.antecedent >= 0 else m.antecedent
    return LinkedMention(dataclasses.replace(m, start=m.start + offset, end=m.end + offset, sentence=sentence,
                                             antecedent=antecedent), linked.entity)
