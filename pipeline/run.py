"""Wiring the stages together: inputs -> work units -> (workers) -> output folder.

:class:`Pipeline` loads the resources once (gazetteers, lexicons, model) and turns one work
unit into a :class:`~pipeline.export.UnitOutput`; a bad document becomes an error row, never an
exception. :func:`run` streams units through it, in order, with ``workers`` processes (or on a
Dask cluster, :mod:`pipeline.distributed`), into an :class:`~pipeline.outputs.OutputFolder`, so
the tables are identical whatever the worker count or engine.
"""

from __future__ import annotations

import collections
import gc
import hashlib
import multiprocessing
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from pipeline import __version__
from pipeline.clean import clean
from pipeline.export import UnitOutput, unit_output
from pipeline.gazetteer import DATA_DIR, DEFAULT_DIR, load_gazetteer
from pipeline.inputs import STDIN, Failure, InputFile, RecordFields, WorkUnit, discover, read_lazy, sha256_file, work_units
from pipeline.link import Linker
from pipeline.ner import DEFAULT_COMPONENTS, Recognizer
from pipeline.outputs import JournalEntry, OutputFolder
from pipeline.tokenize import Tokenizer
from pipeline.types import CleanDocument, DocumentResult, PipelineError, RawInput

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"


@dataclass
class RunSummary:
    documents: int = 0
    statuses: collections.Counter = field(default_factory=collections.Counter)
    labels: collections.Counter = field(default_factory=collections.Counter)
    entities: int = 0
    words: int = 0
    analyzed_words: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    reused_units: int = 0
    resumed_units: int = 0

    def lines(self) -> list[str]:
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items()))
        labels = ", ".join(f"{label} {n}" for label, n in sorted(self.labels.items())) or "none"
        speed = self.analyzed_words / self.seconds if self.seconds else 0.0
        lines = [
            f"documents: {self.documents} ({statuses or 'none'})",
            f"mentions:  {sum(self.labels.values())} ({labels})",
            f"entities:  {self.entities}",
            f"errors:    {len(self.errors)}",
            f"time:      {self.seconds:.2f} s ({self.analyzed_words} words analyzed, {speed:,.0f} words/s)",
        ]
        if self.reused_units or self.resumed_units:
            lines.append(f"reused:    {self.reused_units} unchanged units, {self.resumed_units} units from the interrupted run")
        return lines


class Pipeline:
    """All stages with their resources loaded once."""

    stage_times: collections.Counter | None = None  # seconds per stage, once time_stages() is called
    _clean = staticmethod(clean)
    _export = staticmethod(unit_output)

    def __init__(self, gazetteers: Sequence[str | Path] = (), gazetteer_dir: Path = DEFAULT_DIR,
                 components: tuple[str, ...] = DEFAULT_COMPONENTS):
        # what a Dask worker needs to build the same pipeline (pipeline.distributed)
        self.settings = dict(gazetteers=tuple(gazetteers), gazetteer_dir=gazetteer_dir, components=components)
        self.gazetteer = load_gazetteer(gazetteer_dir, gazetteers)
        self.tokenizer = Tokenizer()
        self.recognizer = Recognizer(self.gazetteer, self.tokenizer, components)
        self.linker = Linker(self.gazetteer)
        self.components = components

    def fingerprint(self, options: str = "") -> str:
        """Identifies what the tables depend on: code version, resources, components, options."""
        digest = hashlib.sha256(f"{__version__}\n{self.components}\n{options}\n".encode())
        resources = list(self.gazetteer.files) + sorted((DATA_DIR / "lexicon").glob("*"))
        resources += sorted(p for p in MODELS_DIR.rglob("*") if p.is_file()) if MODELS_DIR.exists() else []
        for path in resources:
            digest.update(f"{path.name}\t{sha256_file(str(path))}\n".encode())
        return digest.hexdigest()

    def process_unit(self, unit: WorkUnit) -> UnitOutput:
        results = [result for item in read_lazy(unit) for result in self.process(item)]
        return self._export(unit.key, unit.source, unit.file_hash, results)

    def process(self, item: RawInput | Failure) -> list[DocumentResult]:
        """Every document of one input; failures are returned as rows, never raised."""
        if isinstance(item, Failure):
            key = f"{item.source}!{item.locator}" if item.locator else item.source
            return [DocumentResult(f"{key}#1", item.source, item.status, item.problem, locator=item.locator)]
        try:
            documents = self._clean(item)
        except PipelineError as exc:
            return [DocumentResult(f"{item.key}#1", item.source, "error", str(exc), locator=item.locator)]
        except Exception as exc:  # a bug must not stop the run: report it on the row
            return [DocumentResult(f"{item.key}#1", item.source, "error", f"internal error in clean: {_describe(exc)}",
                                   locator=item.locator)]
        return [self.analyze(doc) for doc in documents]

    def analyze(self, doc: CleanDocument) -> DocumentResult:
        """Tokenize, recognize and link one clean document."""
        common = dict(doc=doc, encoding=doc.encoding, locator=doc.locator)
        try:
            tdoc = self.tokenizer(doc)
            if not tdoc.tokens:
                return DocumentResult(doc.doc_id, doc.source, "empty", "no text after cleaning", **common)
            mentions = self.linker(tdoc, self.recognizer(tdoc))
        except Exception as exc:
            return DocumentResult(doc.doc_id, doc.source, "error", f"internal error: {_describe(exc)}", **common)
        return DocumentResult(doc.doc_id, doc.source, "ok", "", n_tokens=tdoc.n_words, n_sentences=len(tdoc.sentences),
                              mentions=mentions, **common)

    def time_stages(self) -> collections.Counter:
        """Collect wall-clock seconds per stage from now on (benchmarks; costs two clock reads a call).

        Stages: read (reading and parsing inputs in the parent), clean, tokenize, ner, link,
        export (rendering rows), write (output folder). Only the ``workers=1`` local engine
        fills in every stage; other processes keep their own counters.
        """
        if self.stage_times is None:
            self.stage_times = collections.Counter()
            self._clean = _Timed(self._clean, "clean", self.stage_times)
            self._export = _Timed(self._export, "export", self.stage_times)
            self.tokenizer = _Timed(self.tokenizer, "tokenize", self.stage_times)
            self.recognizer = _Timed(self.recognizer, "ner", self.stage_times)
            self.linker = _Timed(self.linker, "link", self.stage_times)
        return self.stage_times


class _Timed:
    """A stage callable that adds its run time to ``times[stage]``; other attributes pass through."""

    def __init__(self, function: Callable, stage: str, times: collections.Counter):
        self._function, self._stage, self._times = function, stage, times

    def __call__(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self._function(*args, **kwargs)
        finally:
            self._times[self._stage] += time.perf_counter() - started

    def __getattr__(self, name: str):
        return getattr(self._function, name)


@dataclass(frozen=True)
class RunOptions:
    workers: int = 1
    mode: str = "fresh"  # fresh | resume | incremental
    overwrite: bool = False
    fields: RecordFields = RecordFields()
    stdin_format: str = "auto"
    engine: str = "local"  # local (this machine, ``workers`` processes) | dask (pipeline.distributed)
    scheduler: str = ""  # dask: address of a running scheduler; empty starts a local cluster of ``workers``
    table_format: str = "csv"  # csv | parquet (published tables; the journal always keeps CSV parts)

    def describe(self) -> str:
        """The options that change table contents (part of the configuration fingerprint)."""
        return f"{self.fields}|{self.stdin_format}"


def run(inputs: Iterable[str], out_dir: str | Path, pipeline: Pipeline, options: RunOptions = RunOptions(),
        progress: Callable[[Iterable], Iterable] = lambda items: items) -> RunSummary:
    """Process every input into tables in ``out_dir``; see :class:`~pipeline.outputs.OutputFolder`."""
    started = time.perf_counter()
    folder = OutputFolder(out_dir, pipeline.fingerprint(options.describe()), mode=options.mode, overwrite=options.overwrite,
                          table_format=options.table_format)
    resumed = len(folder.done)
    try:
        todo = _pending_units(discover(inputs), folder, options)
        times = pipeline.stage_times
        if times is not None:
            todo = _timed_iter(todo, "read", times)
        if options.engine == "dask":
            from pipeline.distributed import map_in_order as dask_map_in_order

            outputs = dask_map_in_order(pipeline, todo, folder.run_dir / "parts", options)
        else:
            outputs = _map_in_order(pipeline, todo, options.workers)
        append = folder.append if times is None else _Timed(folder.append, "write", times)
        for output in progress(outputs):
            if isinstance(output, UnitOutput):
                append(output)
            else:
                for entry in output:
                    folder.copy_previous(entry)
    except BaseException:
        folder.close_unpublished()
        raise
    folder.publish()
    totals = folder.totals
    return RunSummary(documents=totals.documents, statuses=totals.statuses, labels=totals.labels,
                      entities=len(totals.entities), words=totals.words, analyzed_words=totals.analyzed_words, seconds=time.perf_counter() - started,
                      errors=totals.errors, reused_units=totals.reused, resumed_units=resumed)


def _timed_iter(items: Iterator, stage: str, times: collections.Counter) -> Iterator:
    items = iter(items)
    while True:
        started = time.perf_counter()
        try:
            item = next(items)
        except StopIteration:
            return
        finally:
            times[stage] += time.perf_counter() - started
        yield item


def _pending_units(items: Iterable[InputFile], folder: OutputFolder, options: RunOptions) -> Iterator[WorkUnit | list[JournalEntry]]:
    """Units still to process, and (``--incremental``) journal entries of unchanged inputs to copy."""
    for item in items:
        if options.mode == "incremental" and item.status == "ok" and item.source != STDIN:
            reusable = folder.reusable(item.source, sha256_file(item.source))
            if reusable:
                yield reusable
                continue
        for unit in work_units(item, options.fields, options.stdin_format):
            if unit.key not in folder.done:
                yield unit


_WORKER_PIPELINE: Pipeline | None = None


def _work(unit: WorkUnit) -> UnitOutput:
    assert _WORKER_PIPELINE is not None
    return _WORKER_PIPELINE.process_unit(unit)


def _map_in_order(pipeline: Pipeline, units: Iterator[WorkUnit | list[JournalEntry]],
                  workers: int) -> Iterator[UnitOutput | list[JournalEntry]]:
    """``pipeline.process_unit`` over units, in input order, with at most 2*workers units in flight.

    Journal entries (unchanged inputs) pass through untouched, in their place.
    """
    if workers <= 1:
        for unit in units:
            yield pipeline.process_unit(unit) if isinstance(unit, WorkUnit) else unit
        return
    global _WORKER_PIPELINE
    _WORKER_PIPELINE = pipeline  # inherited by the forked workers: resources load once
    context = multiprocessing.get_context("fork")
    gc.freeze()  # the collector leaves the objects the workers inherit alone, so their pages stay shared
    try:
        with context.Pool(workers) as pool:
            pending: collections.deque = collections.deque()
            for unit in units:
                pending.append(pool.apply_async(_work, (unit,)) if isinstance(unit, WorkUnit) else _Ready(unit))
                if len(pending) >= 2 * workers:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        gc.unfreeze()


class _Ready:
    """An already-available result in the queue of pending worker results."""

    def __init__(self, value):
        self.value = value

    def get(self):
        return self.value


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
