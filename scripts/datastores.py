"""PostgreSQL 15 and Redis 7 from Debian's packages for the scale-out variant (`make run SCALE=1`).

Their data lives under instance/ (instance/pg, instance/redis); supervisord runs both servers on
127.0.0.1 only. PostgreSQL refuses to run as root: its commands run as the package's `postgres` user.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("WUZHONG_PG_BIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def as_postgres(*args: str | os.PathLike) -> list[str]:
    """A command run as the `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *map(str, args)]


def ensure_postgres_cluster(data_dir: Path) -> None:
    """initdb into `data_dir` (owned by postgres, trust auth on loopback) unless it already holds a cluster."""
    if (data_dir / "PG_VERSION").is_file():
        return
    if not (PG_BIN / "initdb").is_file():
        raise RuntimeError(f"PostgreSQL 15 is not installed ({PG_BIN}): run `make postgresql`")
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.chown(data_dir.parent, "postgres", "postgres")
    shutil.chown(data_dir, "postgres", "postgres")
    os.chmod(data_dir, 0o700)
    subprocess.run(as_postgres(PG_BIN / "initdb", "-D", data_dir, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                               "--no-locale"), check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)


def postgres_command(data_dir: Path, port: int) -> list[str]:
    """The PostgreSQL server in the foreground (supervisord's child), loopback only, socket beside its data."""
    return as_postgres(PG_BIN / "postgres", "-D", data_dir, "-p", str(port), "-k", data_dir.parent,
                       "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200")


def redis_command(data_dir: Path, port: int) -> list[str]:
    """Redis in the foreground on 127.0.0.1, its dump under `data_dir` (rate-limit counters, Rasa's locks)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data_dir),
            "--daemonize", "no", "--protected-mode", "yes", "--save", "", "--appendonly", "no"]


def wait_postgres(port: int, timeout: float = 60.0) -> None:
    """Block until PostgreSQL accepts connections on 127.0.0.1:`port`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = subprocess.run([str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if ready.returncode == 0:
            return
        time.sleep(0.5)
    raise RuntimeError(f"PostgreSQL did not accept connections on port {port}")


def ensure_databases(port: int, names: list[str]) -> None:
    """Create each database that does not exist yet (psycopg, app venv)."""
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True) as conn:
        existing = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
        for name in names:
            if name not in existing:
                conn.execute(f'CREATE DATABASE "{name}"')


def redis_ping(port: int, timeout: float = 1.0) -> bool:
    """True when Redis on 127.0.0.1:`port` answers PING."""
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False
