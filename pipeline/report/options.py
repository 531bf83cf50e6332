"""The report's options, apart from the code that builds it so the CLI can import them cheaply."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SCOPES = ("document", "sentence")


@dataclass(frozen=True)
class ReportOptions:
    """Knobs of the report; the defaults suit a run of any size."""

    max_docs: int = 200
    per_page: int = 10
    top: int = 10
    network_nodes: int = 40
    network_edges: int = 120
    scope: str = "document"
    roots: tuple[Path, ...] = ()  # where relative source paths are looked up (default: cwd)
