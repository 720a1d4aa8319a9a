"""A real PostgreSQL server from Debian's package for the test session (no mock): initdb into a
temporary folder owned by `postgres`, pg_ctl start on a free port, one database per test."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

PG_BIN = Path(os.environ.get("WUZHONG_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(*args: str | os.PathLike) -> None:
    # PostgreSQL refuses to run as root: every server command runs as the package's `postgres` user.
    subprocess.run(["runuser", "-u", "postgres", "--", *map(str, args)], check=True,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)


class PostgresServer:
    """One throwaway cluster: `start()`, `new_database()` → URL, `stop()`."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="wuzhong-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> "PostgresServer":
        """initdb and start the server; raises when PostgreSQL is not installed."""
        if not (PG_BIN / "initdb").is_file():
            raise RuntimeError(f"PostgreSQL is not installed ({PG_BIN}): run `make postgresql`")
        shutil.chown(self.root, "postgres", "postgres")
        os.chmod(self.root, 0o700)
        _as_postgres(PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                     "--no-locale", "--no-sync")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        _as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-o", options, "-l", self.root / "server.log", "-w",
                     "-t", "60", "start")
        return self

    def new_database(self) -> str:
        """A fresh empty database; its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        """Stop the server and remove its files."""
        try:
            _as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
