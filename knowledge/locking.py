"""The library's build/publish lock: flock across processes, re-entrant in the thread holding it."""
from __future__ import annotations

import fcntl
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from .errors import PublishInProgressError

LOCK_FILE = ".lock"
# Locks this process holds, by library root: {root: (thread id, depth, fd)}; flock alone cannot tell threads apart.
_held: dict[str, tuple[int, int, int]] = {}
_held_guard = threading.Lock()


@contextmanager
def library_lock(root: Path, wait: float = 0.0):
    """Hold the lock of the library at `root`; PublishInProgressError if another process or thread keeps it
    longer than `wait` seconds. The kernel releases it when the holder dies (kill -9 included)."""
    key, me = str(Path(root).resolve()), threading.get_ident()
    deadline = time.monotonic() + wait
    while not _acquire(key, me, Path(root) / LOCK_FILE):
        if time.monotonic() >= deadline:
            raise PublishInProgressError()
        time.sleep(0.2)
    try:
        yield
    finally:
        with _held_guard:
            owner, depth, fd = _held[key]
            if depth > 1:
                _held[key] = (owner, depth - 1, fd)
            else:
                del _held[key]
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)


def _acquire(key: str, me: int, path: Path) -> bool:
    with _held_guard:
        held = _held.get(key)
        if held:
            if held[0] != me:
                return False
            _held[key] = (me, held[1] + 1, held[2])
            return True
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # who holds it, for an operator looking at the folder
        _held[key] = (me, 1, fd)
        return True
