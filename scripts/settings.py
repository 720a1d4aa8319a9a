"""What the service scripts start and how: paths, commands, ports, workers and the services' secrets.

Read from WUZHONG_* environment variables (documented in README.md, "Running and scaling"). The two
secrets — WUZHONG_RASA_TOKEN (Rasa's HTTP API) and WUZHONG_ACTIONS_TOKEN (Rasa → action server) — are
generated once into instance/ when unset.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from scripts.endpoints import postgres_tracker, redis_lock_store, sqlite_lock_store, sqlite_tracker, write_endpoints

REPO = Path(__file__).resolve().parent.parent
INSTANCE = REPO / "instance"
PY = str(REPO / ".venv" / "bin" / "python")
RASA_PY = str(REPO / ".venv-rasa" / "bin" / "python")
RASA_MODEL = REPO / "models" / "wuzhong.tar.gz"

# Nothing may download a model at run time; Rasa's telemetry would phone home.
QUIET_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "RASA_TELEMETRY_ENABLED": "false",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "PYTHONUNBUFFERED": "1",
}
# Several serving processes share the machine's cores (Rasa's workers, the action servers, the web workers): each
# process's math libraries (torch, TensorFlow, BLAS) using every core oversubscribes them. One thread each, the
# processes in parallel: 16 clients with first-seen questions, SCALE=1, 14.3 → 32.2 turns/s (bench/load.py).
ONE_MATH_THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
}


def actions_command(port: int, workers: int = 1) -> list[str]:
    """The action server (actions/server.py: rasa_sdk behind the shared secret) on 127.0.0.1."""
    return [PY, "-m", "actions.server", "--host", "127.0.0.1", "-p", str(port), "--workers", str(workers)]


def rasa_command(port: int, endpoints: str | Path, model: str | Path = RASA_MODEL) -> list[str]:
    """The Rasa server on 127.0.0.1: REST channel, HTTP API behind $WUZHONG_RASA_TOKEN (scripts/rasa_run.py)."""
    return [RASA_PY, str(REPO / "scripts" / "rasa_run.py"), "run", "--enable-api", "-m", str(model),
            "--endpoints", str(endpoints), "--credentials", str(REPO / "bot" / "credentials.yml"),
            "--logging-config-file", str(REPO / "bot" / "logging.yml"),  # every log record masked (PII)
            "-i", "127.0.0.1", "-p", str(port)]


def web_command(port: int, workers: int, threads: int) -> list[str]:
    """The web app under gunicorn: `workers` processes × `threads` threads (config in web/serve.py)."""
    return [PY, "-m", "gunicorn", "-c", "python:web.serve", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", str(threads), "web.serve:application()"]


def services_dir() -> Path:
    """Where supervisord's config, socket, logs, the generated secrets and the scale-out data live:
    $WUZHONG_SERVICES_DIR, default instance/ (tests use a temporary one)."""
    return Path(os.environ.get("WUZHONG_SERVICES_DIR") or INSTANCE).resolve()


def instance_token(name: str, env: str) -> str:
    """$env when set, else a random token kept (owner-only) in <services dir>/<name>, created on first use."""
    if os.environ.get(env):
        return os.environ[env]
    path = services_dir() / name
    if path.is_file() and path.read_text().strip():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(token)
    return token


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _port(url: str) -> int:
    return urlsplit(url).port or 80


@dataclass
class ServiceSettings:
    """The deployment's shape: ports, worker counts, secrets, and whether PostgreSQL + Redis run."""

    rasa_url: str
    actions_url: str
    web_port: int
    rasa_token: str
    actions_token: str
    actions_workers: int
    web_workers: int
    web_threads: int
    scale: bool
    redis_url: str
    pg_port: int
    rasa_workers: int

    @classmethod
    def from_env(cls) -> "ServiceSettings":
        """Settings from the WUZHONG_* environment (see README.md)."""
        scale = os.environ.get("WUZHONG_SCALE", "0").lower() in ("1", "true", "yes")
        redis_url = os.environ.get("WUZHONG_REDIS_URL") or ("redis://127.0.0.1:6379/0" if scale else "")
        # Several Rasa processes share their conversation locks: Redis scaled out, a SQLite file on one machine.
        rasa_workers = _int("WUZHONG_RASA_WORKERS", 2)
        return cls(
            rasa_url=os.environ.get("WUZHONG_RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            actions_url=os.environ.get("WUZHONG_ACTIONS_URL", "http://127.0.0.1:5055").rstrip("/"),
            web_port=_int("WUZHONG_WEB_PORT", 8000),
            rasa_token=instance_token("rasa_token", "WUZHONG_RASA_TOKEN"),
            actions_token=instance_token("actions_token", "WUZHONG_ACTIONS_TOKEN"),
            actions_workers=_int("WUZHONG_ACTIONS_WORKERS", 2),
            web_workers=_int("WUZHONG_WEB_WORKERS", 2),
            web_threads=_int("WUZHONG_WEB_THREADS", 8),
            scale=scale, redis_url=redis_url, pg_port=_int("WUZHONG_PG_PORT", 5432), rasa_workers=rasa_workers,
        )

    rasa_port = property(lambda self: _port(self.rasa_url))
    actions_port = property(lambda self: _port(self.actions_url))
    redis_port = property(lambda self: urlsplit(self.redis_url).port or 6379)
    pg_dir = property(lambda self: services_dir() / "pg" / "data")
    pg_app_db = "wuzhong"
    pg_rasa_db = "wuzhong_rasa"

    def endpoints_file(self) -> Path:
        """Rasa's endpoints, derived from bot/endpoints.yml into the services dir."""
        return services_dir() / "endpoints.yml"

    def write_endpoints(self) -> None:
        """bot/endpoints.yml with the tracker and lock files in the services dir (instance/rasa_tracker.sqlite,
        instance/rasa_locks.sqlite by default), or, scaled out, trackers on PostgreSQL and conversation locks on
        Redis."""
        if self.scale:
            write_endpoints(self.endpoints_file(), postgres_tracker("127.0.0.1", self.pg_port, self.pg_rasa_db),
                            redis_lock_store(self.redis_url))
        else:
            write_endpoints(self.endpoints_file(), sqlite_tracker(self.tracker_file()),
                            sqlite_lock_store(services_dir() / "rasa_locks.sqlite"))

    def tracker_url(self) -> str:
        """The SQLAlchemy URL of the tracker store `write_endpoints` gives Rasa (the retention purge reads it)."""
        if self.scale:
            return f"postgresql://postgres@127.0.0.1:{self.pg_port}/{self.pg_rasa_db}"
        return f"sqlite:///{self.tracker_file()}"

    def tracker_file(self) -> Path:
        """The embedded (SQLite) tracker store's file."""
        return services_dir() / "rasa_tracker.sqlite"

    def process_env(self) -> dict[str, str]:
        """What every supervised process sees: the caller's WUZHONG_* settings, the URLs, the secrets, and in
        scale mode the shared stores."""
        env = {key: value for key, value in os.environ.items() if key.startswith("WUZHONG_")}
        env |= {"WUZHONG_RASA_URL": self.rasa_url, "WUZHONG_ACTIONS_URL": self.actions_url,
               "WUZHONG_WEB_PORT": str(self.web_port), "WUZHONG_RASA_TOKEN": self.rasa_token,
               "WUZHONG_ACTIONS_TOKEN": self.actions_token}
        if self.scale:
            env["WUZHONG_REDIS_URL"] = self.redis_url
            env["WUZHONG_DATABASE_URL"] = os.environ.get("WUZHONG_DATABASE_URL") or (
                f"postgresql://postgres@127.0.0.1:{self.pg_port}/{self.pg_app_db}")
        return env
