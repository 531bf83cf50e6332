"""The local engine: the analyzer over work units with this machine's processes, in input order."""

from __future__ import annotations

import collections
import gc
import multiprocessing
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from pipeline.io.export import UnitOutput
from pipeline.io.inputs import WorkUnit
from pipeline.io.outputs import JournalEntry
from pipeline.types import RawInput

if TYPE_CHECKING:  # the analyzer imports this module
    from pipeline.analyzer import Analyzer

_WORKER_ANALYZER: Analyzer | None = None


def _work(unit: WorkUnit) -> UnitOutput:
    assert _WORKER_ANALYZER is not None
    return _WORKER_ANALYZER.process_unit(unit)


def map_in_order(analyzer: Analyzer, units: Iterator[WorkUnit | list[JournalEntry]],
                  workers: int) -> Iterator[UnitOutput | list[JournalEntry]]:
    """``analyzer.process_unit`` over units, in input order, with at most 2*workers units in flight.

    Journal entries (unchanged inputs) pass through untouched, in their place.
    """
    if workers <= 1:
        for unit in units:
            yield analyzer.process_unit(unit) if isinstance(unit, WorkUnit) else unit
        return
    global _WORKER_ANALYZER
    _WORKER_ANALYZER = analyzer  # inherited by the forked workers: resources load once
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




def _analyze(item: tuple[str, str]) -> tuple[tuple[str, str], list]:
    assert _WORKER_ANALYZER is not None
    doc_id, text = item
    return item, _WORKER_ANALYZER.process(RawInput(doc_id, b"", "text", text=text))


def map_items(analyzer: Analyzer, items: Iterable[tuple[str, str]], workers: int) -> Iterator[tuple[tuple[str, str], list]]:
    """``(doc_id, text)`` pairs -> (pair, document results), in order, with ``workers`` processes."""
    if workers <= 1:
        for doc_id, text in items:
            yield (doc_id, text), analyzer.process(RawInput(doc_id, b"", "text", text=text))
        return
    global _WORKER_ANALYZER
    _WORKER_ANALYZER = analyzer
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_analyze, items, chunksize=8)
    finally:
        gc.unfreeze()
