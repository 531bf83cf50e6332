"""Failures of the machine rather than of an input: disk full, an output folder removed or made
read-only, an input changed while the run read it.

They are not one document's problem (an ``error`` row) but the run's: it stops with nothing
new published, says why in one line, exits with status 2, and ``--resume`` finishes it once
the cause is fixed. This module names them (:class:`EnvironmentFailure`), words an ``OSError``
or SQLite error for a person (:func:`reason`), and holds the fault-injection points the chaos
tests use to kill a run or fail a write at a chosen place (:func:`checkpoint`).
"""

from __future__ import annotations

import errno
import os
import signal
import sqlite3
import time
from pathlib import Path

FAULTS_VARIABLE = "MENA_NER_FAULTS"  # tests only: "kill@journal-written:3,enospc@publish-entities"


class EnvironmentFailure(Exception):
    """The run cannot go on because of the machine; nothing new is published."""


class InputChanged(EnvironmentFailure):
    """An input was changed, replaced or deleted after the run hashed it and before it finished reading it."""


_WORDS = {
    errno.ENOSPC: "no space left on the device (disk full)",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOENT: "a file or folder it was using is gone (removed while the run used it)",
    errno.EIO: "input/output error (a failing disk or network file system)",
    errno.EFBIG: "file too large for the file system",
    errno.ESTALE: "stale network file handle",
}


def reason(exc: BaseException) -> str:
    """What went wrong, in words, for an ``OSError`` or a SQLite error raised while writing."""
    if isinstance(exc, OSError) and exc.errno in _WORDS:
        return _WORDS[exc.errno]
    if isinstance(exc, sqlite3.Error):
        text = str(exc).lower()
        if "full" in text:
            return _WORDS[errno.ENOSPC]
        if "readonly" in text or "read-only" in text:
            return _WORDS[errno.EROFS]
        if "unable to open" in text:
            return _WORDS[errno.ENOENT]
        return f"SQLite: {exc}"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[0].lower() + exc.strerror[1:]
    return f"{type(exc).__name__}: {exc}"


def is_environmental(exc: BaseException) -> bool:
    """An error of the file system rather than a bug: any ``OSError``, or SQLite failing on its file."""
    if isinstance(exc, OSError):
        return True
    return isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) and any(
        word in str(exc).lower() for word in ("full", "readonly", "read-only", "disk i/o", "unable to open", "no such"))


# -- fault injection (tests) ---------------------------------------------------------------
_FAULTS: dict[str, tuple[str, int]] | None = None
_COUNTS: dict[str, int] = {}
_ERRNOS = {"enospc": errno.ENOSPC, "erofs": errno.EROFS, "eio": errno.EIO, "enoent": errno.ENOENT}


def checkpoint(point: str) -> None:
    """A place where the chaos tests may kill the run or fail a write (``MENA_NER_FAULTS``).

    ``action@point[:n]`` acts the n-th time (default the first) the run passes ``point``:
    ``kill`` (SIGKILL, as a crash or the OOM killer would), ``enospc``/``erofs``/``eio``/``enoent``
    (the write fails with that error), ``pause`` (waits until the file named by
    ``MENA_NER_FAULTS_RELEASE`` exists, having created ``<that file>.paused``). Without the
    variable this is one dictionary look-up.
    """
    global _FAULTS
    if _FAULTS is None:
        _FAULTS = _parse(os.environ.get(FAULTS_VARIABLE, ""))
    if point not in _FAULTS:
        return
    action, when = _FAULTS[point]
    _COUNTS[point] = _COUNTS.get(point, 0) + 1
    if _COUNTS[point] != when:
        return
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "pause":
        release = Path(os.environ["MENA_NER_FAULTS_RELEASE"])
        Path(f"{release}.paused").write_text(str(os.getpid()))
        while not release.exists():
            time.sleep(0.02)
    else:
        code = _ERRNOS[action]
        raise OSError(code, os.strerror(code))


def _parse(spec: str) -> dict[str, tuple[str, int]]:
    faults = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        action, _, where = item.partition("@")
        point, _, count = where.partition(":")
        faults[point] = (action, int(count or 1))
    return faults
