"""The distributed engine: the same run on a Dask cluster (``--engine dask``).

The driver (the ``mena-ner run`` process) streams work units exactly as the local engine
does and groups consecutive units into partitions. Each partition is one Dask task: a
worker analyzes its units with an :class:`~pipeline.analyzer.Analyzer` built once per worker (by
:class:`PipelinePlugin`, not per task) and writes the partition's part tables next to the
run's journal::

    OUT/.mena-ner/run/parts/000000042.documents.csv   rows of the partition's units, no header
    OUT/.mena-ner/run/parts/000000042.mentions.csv
    OUT/.mena-ner/run/parts/000000042.units.jsonl     per unit: byte ranges, entity totals, stats

The driver merges finished partitions in partition order into the
:class:`~pipeline.io.outputs.OutputFolder`, one unit at a time, then deletes the parts; the tables
are therefore byte-identical to a local ``--workers 1`` run, ``--resume`` and
``--incremental`` work unchanged, and entity totals are summed across partitions by the
folder. Entity ids never depend on which partition saw a mention (gazetteer ids, or ids
derived from label and folded name). At most two partitions per worker thread are in flight,
so the driver's memory does not grow with the input.

A cluster elsewhere (``--scheduler ADDRESS``) must see the same paths as the driver: the
inputs that workers read themselves (plain .txt/.html files) and the ``--out`` folder, as with
any Dask job writing files; and run the same mena-ner version with the same resources (checked:
every partition reports its worker's pipeline fingerprint).
"""

from __future__ import annotations

import collections
import contextlib
import functools
import logging
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pipeline.analyzer import Analyzer
from pipeline.io.export import UnitOutput
from pipeline.io.inputs import WorkUnit
from pipeline.io.outputs import TABLES, JournalEntry, read_unit, write_unit

PARTITION_UNITS = 8  # work units per Dask task (a unit is up to 50 records, 50 archive members or one file)
PLUGIN_NAME = "mena-ner-pipeline"
PART_TABLES = TABLES  # documents and mentions; entities are summed by the driver


class EngineError(RuntimeError):
    """The cluster cannot run this job (unreachable, or workers with other code or resources)."""


@functools.lru_cache(maxsize=1)
def _worker_plugin_class():
    from distributed import WorkerPlugin

    class PipelinePlugin(WorkerPlugin):
        """Builds the pipeline when a worker starts (or joins), once for all of its tasks."""

        def __init__(self, settings: dict):
            self.settings = settings
            self.pipeline: Analyzer | None = None
            self.fingerprint = ""

        def setup(self, worker) -> None:
            self.pipeline = Analyzer(**self.settings)
            self.fingerprint = self.pipeline.fingerprint()

        def teardown(self, worker) -> None:
            self.pipeline = None

    return PipelinePlugin


def process_partition(number: int, units: list[WorkUnit], parts_dir: str, plugin_name: str) -> tuple[int, str]:
    """Dask task: analyze a partition's units, write its part tables; returns (units, fingerprint)."""
    from distributed import get_worker

    plugin: Any = get_worker().plugins[plugin_name]  # the PipelinePlugin registered by map_in_order
    write_partition(plugin.pipeline, number, units, Path(parts_dir))
    return len(units), plugin.fingerprint


def write_partition(pipeline: Analyzer, number: int, units: Iterable[WorkUnit], parts_dir: Path) -> None:
    """Write one partition's part tables; the ``units.jsonl`` file appears last, when all is written."""
    paths = _part_paths(parts_dir, number)
    partial = {name: path.with_name(path.name + ".partial") for name, path in paths.items()}
    handles = {table: open(partial[table], "wb") for table in PART_TABLES}
    try:
        with open(partial["units"], "w", encoding="utf-8") as journal:
            for unit in units:
                journal.write(write_unit(handles, pipeline.process_unit(unit)).to_json() + "\n")
    finally:
        for handle in handles.values():
            handle.close()
    for name in (*PART_TABLES, "units"):
        os.replace(partial[name], paths[name])


def read_partition(parts_dir: Path, number: int, remove: bool = True) -> Iterator[UnitOutput]:
    """The unit outputs of a written partition, in order, one at a time."""
    paths = _part_paths(parts_dir, number)
    with contextlib.ExitStack() as stack:
        handles = {table: stack.enter_context(open(paths[table], "rb")) for table in PART_TABLES}
        with open(paths["units"], encoding="utf-8") as journal:
            for line in journal:
                yield read_unit(handles, JournalEntry.from_json(line))
    if remove:
        for path in paths.values():
            path.unlink(missing_ok=True)


def _part_paths(parts_dir: Path, number: int) -> dict[str, Path]:
    stem = f"{number:09d}"
    return {"documents": parts_dir / f"{stem}.documents.csv", "mentions": parts_dir / f"{stem}.mentions.csv",
            "units": parts_dir / f"{stem}.units.jsonl"}


def partitions(units: Iterable[WorkUnit | list[JournalEntry]],
               size: int) -> Iterator[list[WorkUnit] | list[JournalEntry]]:
    """Consecutive work units in groups of ``size``; journal entries (reused inputs) pass alone, in place."""
    group: list[WorkUnit] = []
    for unit in units:
        if isinstance(unit, WorkUnit):
            group.append(unit)
            if len(group) >= size:
                yield group
                group = []
        else:
            if group:
                yield group
                group = []
            yield unit
    if group:
        yield group


@contextlib.contextmanager
def connect(scheduler: str = "", workers: int = 1):
    """A Dask client: to ``scheduler``, or to a local cluster of ``workers`` single-threaded processes."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise EngineError("--engine dask needs the [dask] extra: pip install 'mena-ner[dask]'") from exc
    with contextlib.ExitStack() as stack:
        try:
            if scheduler:
                client = stack.enter_context(Client(scheduler, timeout="30s"))
            else:
                cluster = stack.enter_context(LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                    silence_logs=logging.ERROR))
                client = stack.enter_context(Client(cluster))
        except OSError as exc:
            raise EngineError(f"cannot reach the Dask scheduler {scheduler or '(local cluster)'}: {exc}") from exc
        yield client


def map_in_order(pipeline: Analyzer, units: Iterable[WorkUnit | list[JournalEntry]], parts_dir: Path,
                 workers: int, scheduler: str = "", partition_units: int | None = None) -> Iterator[UnitOutput | list[JournalEntry]]:
    """Like :func:`pipeline.engines.local.map_in_order`, on Dask: unit outputs (and reused entries) in input order.

    ``scheduler`` is the address of a running Dask scheduler; empty starts a local cluster of ``workers``.
    """
    partition_units = partition_units or PARTITION_UNITS
    parts_dir = Path(parts_dir)
    shutil.rmtree(parts_dir, ignore_errors=True)  # leftovers of an interrupted run are redone
    parts_dir.mkdir(parents=True)
    expected = pipeline.fingerprint()
    run_id = uuid.uuid4().hex[:12]
    plugin_name = f"{PLUGIN_NAME}-{expected[:16]}"  # runs of other configurations may share the cluster
    with connect(scheduler, workers) as client:
        client.register_plugin(_worker_plugin_class()(pipeline.settings), name=plugin_name)
        slots = 2 * max(1, sum(client.nthreads().values()))
        pending: collections.deque = collections.deque()
        number = 0
        for group in partitions(units, partition_units):
            if group and isinstance(group[0], WorkUnit):
                future = client.submit(process_partition, number, group, str(parts_dir), plugin_name,
                                       key=f"mena-ner-{run_id}-partition-{number}")
                pending.append((number, future))
                number += 1
            else:
                pending.append((None, group))
            while len(pending) >= slots:
                yield from _collect(pending.popleft(), parts_dir, expected)
        while pending:
            yield from _collect(pending.popleft(), parts_dir, expected)
    shutil.rmtree(parts_dir, ignore_errors=True)


def _collect(item: tuple, parts_dir: Path, expected: str) -> Iterator[UnitOutput | list[JournalEntry]]:
    number, value = item
    if number is None:  # reused journal entries
        yield value
        return
    _, fingerprint = value.result()
    if fingerprint != expected:
        raise EngineError("a Dask worker runs a different mena-ner version or other gazetteers, lexicons or model "
                          "than this machine; install the same version and resources on every worker")
    value.release()
    yield from read_partition(parts_dir, number)
