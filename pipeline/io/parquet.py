"""``--format parquet``: the published tables as Parquet files, for big runs.

The run itself always journals CSV part files (that is what ``--resume`` cuts back and
appends to); when it publishes, each finished CSV table is converted here, streaming in
blocks of rows with pyarrow's CSV reader, so memory stays flat however long the table is.
Columns get explicit types: counts and offsets are integers, scores and coordinates floats,
everything else strings ("" stays "", never null; a missing coordinate is null).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

BLOCK_BYTES = 8 << 20  # CSV bytes parsed per batch
INTEGER_COLUMNS = {
    "documents": ("n_chars", "n_tokens", "n_sentences", "n_mentions"),
    "mentions": ("sentence", "start", "end"),
    "entities": ("n_mentions", "n_documents"),
    "edges": ("count",),
    "timeline": ("n_mentions", "n_documents"),
}
FLOAT_COLUMNS = {
    "mentions": ("score",),
    "entities": ("latitude", "longitude"),
}
TABLE_NAMES = ("documents", "mentions", "entities", "edges", "timeline")


def csv_tables_to_parquet(folder: Path, tables: Iterable[str] = TABLE_NAMES, remove_csv: bool = False) -> list[Path]:
    """Convert ``folder/<table>.csv`` (those that exist) to ``<table>.parquet``."""
    written = []
    for table in tables:
        source = Path(folder) / f"{table}.csv"
        if not source.exists():
            continue
        target = source.with_suffix(".parquet")
        csv_to_parquet(source, target, table)
        if remove_csv:
            source.unlink()
        written.append(target)
    return written


def csv_to_parquet(source: Path, target: Path, table: str = "") -> int:
    """Stream one CSV table (header line first) into a Parquet file; returns the row count."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    with open(source, encoding="utf-8") as handle:
        columns = next(csv.reader([handle.readline()]), [])
    types = {name: pa.string() for name in columns}
    types.update({name: pa.int64() for name in INTEGER_COLUMNS.get(table, ()) if name in types})
    types.update({name: pa.float64() for name in FLOAT_COLUMNS.get(table, ()) if name in types})
    schema = pa.schema([(name, types[name]) for name in columns])
    reader = pacsv.open_csv(
        source,
        read_options=pacsv.ReadOptions(block_size=BLOCK_BYTES, use_threads=True),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=False,
                                             quoted_strings_can_be_null=False, null_values=[""]),
    )
    rows = 0
    partial = target.with_name(target.name + ".partial")
    with pq.ParquetWriter(partial, schema, compression="zstd") as writer:
        for batch in reader:
            writer.write_batch(batch)
            rows += batch.num_rows
    partial.replace(target)
    return rows
