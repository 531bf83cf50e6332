"""Input and output: reading inputs, rendering rows (export), the output folder, entity totals, Parquet."""
