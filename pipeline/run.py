"""The run loop: inputs -> work units -> an engine -> the output folder.

:func:`run` streams the work units of the inputs through an :class:`~pipeline.analyzer.Analyzer`,
in order, with ``workers`` processes (:mod:`pipeline.engines.local`) or on a Dask cluster
(:mod:`pipeline.engines.dask`), into an :class:`~pipeline.io.outputs.OutputFolder`, so the tables
are identical whatever the worker count or engine.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.analyzer import Analyzer, Timed
from pipeline.engines.local import map_in_order
from pipeline.io.export import UnitOutput
from pipeline.io.inputs import STDIN, InputFile, RecordFields, WorkUnit, discover, sha256_file, work_units
from pipeline.io.outputs import JournalEntry, OutputFolder
from pipeline.limits import DEFAULT_LIMITS, Limits


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


@dataclass(frozen=True)
class RunOptions:
    workers: int = 1
    mode: str = "fresh"  # fresh | resume | incremental
    overwrite: bool = False
    fields: RecordFields = RecordFields()
    stdin_format: str = "auto"
    engine: str = "local"  # local (this machine, ``workers`` processes) | dask (pipeline.engines.dask)
    scheduler: str = ""  # dask: address of a running scheduler; empty starts a local cluster of ``workers``
    table_format: str = "csv"  # csv | parquet (published tables; the journal always keeps CSV parts)
    wait: bool = False  # another run holds the output folder: wait for it instead of stopping

    def describe(self) -> str:
        """The options that change table contents (part of the configuration fingerprint)."""
        return f"{self.fields}|{self.stdin_format}"


def run(inputs: Iterable[str], out_dir: str | Path, analyzer: Analyzer, options: RunOptions = RunOptions(),
        progress: Callable[[Iterable], Iterable] = lambda items: items,
        waiting: Callable[[str], None] | None = None) -> RunSummary:
    """Process every input into tables in ``out_dir``; see :class:`~pipeline.io.outputs.OutputFolder`.

    Holds the folder's lock for the whole run (``waiting`` is told when ``options.wait`` makes it
    queue behind another run). Raises :class:`~pipeline.io.environment.EnvironmentFailure` when
    the machine fails the run (nothing new is published then) and
    :class:`~pipeline.io.outputs.OutputError` / :class:`~pipeline.io.lock.FolderBusy` for an
    unusable or busy folder.
    """
    started = time.perf_counter()
    folder = OutputFolder(out_dir, analyzer.fingerprint(options.describe()), mode=options.mode, overwrite=options.overwrite,
                          table_format=options.table_format, wait=options.wait, waiting=waiting)
    try:
        todo = _pending_units(discover(inputs), folder, options, analyzer.limits)
        times = analyzer.stage_times
        if times is not None:
            todo = _timed_iter(todo, "read", times)
        if options.engine == "dask":
            from pipeline.engines.dask import map_in_order as dask_map_in_order

            outputs = dask_map_in_order(analyzer, todo, folder.run_dir / "parts", options.workers, options.scheduler)
        else:
            outputs = map_in_order(analyzer, todo, options.workers)
        append = folder.append if times is None else Timed(folder.append, "write", times)
        for output in progress(outputs):
            if isinstance(output, UnitOutput):
                append(output)
            else:
                for entry in output:
                    folder.copy_previous(entry)
        folder.publish()
    except BaseException:  # the part files stay for --resume; the folder's lock is released
        folder.close_unpublished()
        raise
    totals = folder.totals
    return RunSummary(documents=totals.documents, statuses=totals.statuses, labels=totals.labels,
                      entities=len(totals.entities), words=totals.words, analyzed_words=totals.analyzed_words, seconds=time.perf_counter() - started,
                      errors=totals.errors, reused_units=totals.reused, resumed_units=folder.resumed_units)


def _timed_iter(items: Iterator, stage: str, times: dict[str, float]) -> Iterator:
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


def _pending_units(items: Iterable[InputFile], folder: OutputFolder, options: RunOptions,
                   analyzer_limits: Limits = DEFAULT_LIMITS) -> Iterator[WorkUnit | list[JournalEntry]]:
    """Units still to process, and (``--incremental``) journal entries of unchanged inputs to copy.

    ``--resume`` skips the units the interrupted run finished, as long as they match the inputs
    (:meth:`~pipeline.io.outputs.OutputFolder.already_done`).
    """
    for item in items:
        if folder.mode == "incremental" and item.status == "ok" and item.source != STDIN:
            try:
                file_hash = sha256_file(item.location)
            except OSError:
                file_hash = ""  # unreadable now: work_units reports it
            reusable = folder.reusable(item.source, file_hash) if file_hash else []
            if reusable:
                yield reusable
                continue
        for unit in work_units(item, options.fields, options.stdin_format, analyzer_limits):
            if not folder.already_done(unit.key, unit.file_hash):
                yield unit
    folder.settle_resume()


