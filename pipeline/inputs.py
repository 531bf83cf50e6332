"""Finding the inputs: files, folders (recursively) and glob patterns, in a stable order.

Yields one :class:`InputFile` per file to read, and one for every argument or file that
cannot be used (missing path, unsupported extension) so that it gets a row in
``documents.csv`` instead of disappearing.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

FORMATS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".xhtml": "html"}


@dataclass(frozen=True)
class InputFile:
    """A file to read (``format`` set) or a problem to report (``problem`` set)."""

    source: str
    format: str = ""
    status: str = "ok"  # ok | skipped | error
    problem: str = ""


def discover(arguments: Iterable[str]) -> Iterator[InputFile]:
    """Expand command-line arguments into input files; duplicates are read once."""
    seen: set[str] = set()
    for argument in arguments:
        for item in _expand(argument):
            if item.source not in seen:
                seen.add(item.source)
                yield item


def _expand(argument: str) -> Iterator[InputFile]:
    path = Path(argument)
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            if any(part.startswith(".") for part in child.relative_to(path).parts):
                continue  # hidden files and folders (.git, .DS_Store) are not news
            yield _classify(str(Path(argument) / child.relative_to(path)), explicit=False)
    elif path.is_file():
        yield _classify(argument, explicit=True)
    elif glob.has_magic(argument):
        matches = sorted(glob.glob(argument, recursive=True))
        if not matches:
            yield InputFile(argument, status="error", problem="glob pattern matched no files")
        for match in matches:
            yield from _expand(match)
    else:
        yield InputFile(argument, status="error", problem="no such file or directory")


def _classify(source: str, *, explicit: bool) -> InputFile:
    fmt = FORMATS.get(Path(source).suffix.lower())
    if fmt:
        return InputFile(source, fmt)
    if explicit:
        return InputFile(source, "text")  # named on the command line: read it as text
    supported = ", ".join(sorted(FORMATS))
    return InputFile(source, status="skipped", problem=f"unsupported file type (supported: {supported})")
