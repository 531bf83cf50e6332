"""A small on-disk cache for resources that are slow to compile (the gazetteer matcher).

Entries are pickles keyed by the content of their input files and of the package's source
code, so a changed gazetteer, lexicon or matcher rebuilds and a stale entry is never used.
Location: ``$MENA_NER_CACHE`` or ``~/.cache/mena-ner``; when it is not writable, nothing is
cached and everything still works.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
CACHE_DIR = Path(os.environ.get("MENA_NER_CACHE", Path.home() / ".cache" / "mena-ner"))


def cached(kind: str, inputs: Iterable[Path], build: Callable[[], T]) -> T:
    """``build()``'s result, from the cache when its inputs and the code are unchanged."""
    digest = hashlib.sha256(f"{kind}\n{_code_digest()}\n".encode())
    for path in inputs:
        digest.update(f"{path}\t{_file_digest(path)}\n".encode())
    target = CACHE_DIR / f"{kind}-{digest.hexdigest()[:24]}.pickle"
    try:
        with open(target, "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    value = build()
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=CACHE_DIR, delete=False, suffix=".tmp") as sink:
            pickle.dump(value, sink, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(sink.name, target)
    except OSError:
        pass  # read-only home, full disk: run without a cache
    return value


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "missing"


@lru_cache(maxsize=1)
def _code_digest() -> str:
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()
