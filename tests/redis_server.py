"""A real Redis server from Debian's package for a test session (no mock): `redis-server` on a free port of
127.0.0.1, no persistence, its files in a temporary folder."""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from scripts.datastores import REDIS_SERVER, redis_command, redis_ping


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """One throwaway server: `start()`, `url(db)`, `stop()`."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="wuzhong-redis-"))
        self.port = _free_port()
        self._process: subprocess.Popen | None = None

    def start(self, timeout: float = 20.0) -> "RedisServer":
        """Start redis-server and wait until it answers PING; raises when Redis is not installed."""
        if not Path(REDIS_SERVER).is_file():
            raise RuntimeError(f"Redis is not installed ({REDIS_SERVER}): run `make redis`")
        log = open(self.root / "redis.log", "wb")
        self._process = subprocess.Popen(redis_command(self.root, self.port), stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while not redis_ping(self.port):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not start: {(self.root / 'redis.log').read_text()[-2000:]}")
            time.sleep(0.1)
        return self

    def url(self, db: int = 0) -> str:
        """The server's URL for database `db`."""
        return f"redis://127.0.0.1:{self.port}/{db}"

    def stop(self) -> None:
        """Stop the server and remove its files."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5)
        shutil.rmtree(self.root, ignore_errors=True)
