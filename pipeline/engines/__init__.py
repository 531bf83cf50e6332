"""Engines that map the analyzer over work units: this machine's processes (local) or a Dask cluster."""
