"""One writer per output folder: an exclusive lock on ``OUT/.mena-ner/lock`` for a whole run.

Two runs writing the same folder interleave their part files and journals and publish wrong
tables with exit status 0, so :class:`FolderLock` lets only one in. It is ``fcntl.flock``
(standard library, no dependency) on a file that is never deleted, because the kernel drops
such a lock when its holder ends however it ends (``kill -9``, out of memory, a power cut
reboots it away): a lock whose process is gone is simply free, and the next run takes it over
without guessing from pids whether the holder still lives. The file's contents only say who
holds it (pid, host, start time, command), for the message a second run prints.

Forked worker processes inherit the lock's descriptor; a fork hook closes it in them, so a
worker left behind by a killed parent cannot keep the folder locked.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path

LOCK_FILE = "lock"
_HELD: set[int] = set()  # descriptors of the locks this process holds


class FolderBusy(Exception):
    """Another run holds the output folder's lock."""


def _close_in_child() -> None:
    """After ``fork``: the child must not keep the parent's locks alive (see the module doc)."""
    for descriptor in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(descriptor)
    _HELD.clear()


os.register_at_fork(after_in_child=_close_in_child)


class FolderLock:
    """The exclusive lock of one output folder's state directory (``OUT/.mena-ner``)."""

    def __init__(self, state_dir: Path, out: Path | None = None):
        self.path = Path(state_dir) / LOCK_FILE
        self.out = out if out is not None else Path(state_dir).parent
        self._fd: int | None = None

    def acquire(self, wait: bool = False, waiting: Callable[[str], None] | None = None) -> None:
        """Take the lock, or raise :class:`FolderBusy` naming the holder (``wait``: block until free)."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _holder(fd)
                if not wait:
                    raise FolderBusy(f"{self.out} is in use by another mena-ner run ({holder}); "
                                     "wait for it to finish, or pass --wait to start when it has") from None
                if waiting is not None:
                    waiting(f"waiting for the other mena-ner run on {self.out} to finish ({holder})")
                fcntl.flock(fd, fcntl.LOCK_EX)
            _write_holder(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        _HELD.add(fd)

    def release(self) -> None:
        """Give the lock up (idempotent); the file stays, only its lock matters."""
        if self._fd is None:
            return
        _HELD.discard(self._fd)
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        with contextlib.suppress(OSError):
            os.close(self._fd)
        self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None


def _write_holder(fd: int) -> None:
    info = {"pid": os.getpid(), "host": socket.gethostname(),
            "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": " ".join(["mena-ner", *sys.argv[1:]])}
    data = json.dumps(info, ensure_ascii=True).encode("ascii")
    with contextlib.suppress(OSError):  # who holds it is only information: a full disk must not stop the run here
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)


def _holder(fd: int) -> str:
    """The other run, in words: pid, host, start time and command (as far as its file says)."""
    try:
        info = json.loads(os.pread(fd, 65536, 0).decode("ascii"))
    except (OSError, ValueError):
        return "pid unknown"
    command = str(info.get("command", ""))[:200]
    return f"pid {info.get('pid', '?')} on {info.get('host', '?')}, started {info.get('started', '?')}" + \
        (f": {command}" if command else "")
