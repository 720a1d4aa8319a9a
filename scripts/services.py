"""Start, stop and report the assistant's processes under supervisord.

    .venv/bin/python scripts/services.py start|stop|status        (make run / make stop / make status)

`start` writes instance/supervisord.conf, starts supervisord unless it runs (idempotent: a changed
configuration restarts only what changed), then starts the action server, Rasa and the web app in
turn, each after the previous answers its health check, and prints the residents' URL. supervisord
restarts any process that exits or is killed and rotates the logs in instance/logs/. `stop` shuts
supervisord down and then ends any process it had started that is still alive (after a kill -9 of
supervisord itself too). WUZHONG_SCALE=1 adds PostgreSQL and Redis (see scripts/settings.py).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts import datastores  # noqa: E402
from scripts.settings import (ONE_MATH_THREAD_ENV, PY, QUIET_ENV, RASA_MODEL, RASA_PY, REPO, ServiceSettings,  # noqa: E402,F401
                              actions_command, rasa_command, services_dir, web_command)
from scripts.processes import alive, group_alive, http_ok, stop_legacy, supervised_pids  # noqa: E402,F401
from scripts.supervisor_conf import MARK_ENV, Program, render  # noqa: E402


def conf_path() -> Path:
    """The generated supervisord.conf."""
    return services_dir() / "supervisord.conf"


def run_dir() -> Path:
    """supervisord's pid file and control socket."""
    return services_dir() / "run"


def log_dir() -> Path:
    """Every program's rotated log."""
    return services_dir() / "logs"


RETENTION_EVERY_SECONDS = 24 * 3600


def programs(cfg: ServiceSettings) -> list[tuple[Program, str]]:
    """The supervised programs in start order, each with the health URL that says it is up ('' = a datastore,
    checked its own way, or the retention job, which serves nothing)."""
    items: list[tuple[Program, str]] = []
    if cfg.scale:
        items.append((Program("postgres", datastores.postgres_command(cfg.pg_dir, cfg.pg_port), 1,
                              stop_signal="INT"), ""))
        items.append((Program("redis", datastores.redis_command(services_dir() / "redis", cfg.redis_port), 2), ""))
    items += [
        (Program("actions", actions_command(cfg.actions_port, cfg.actions_workers), 10), f"{cfg.actions_url}/health"),
        (Program("rasa", rasa_command(cfg.rasa_port, cfg.endpoints_file()), 20,
                 env={"SANIC_WORKERS": str(cfg.rasa_workers)}, start_seconds=10),
         f"{cfg.rasa_url}/status?token={cfg.rasa_token}"),
        (Program("web", web_command(cfg.web_port, cfg.web_workers, cfg.web_threads), 30),
         f"http://127.0.0.1:{cfg.web_port}/healthz"),
        # Conversations and logs older than WUZHONG_RETENTION_DAYS go once a day (records/retention.py).
        (Program("retention", [PY, "-m", "records", "purge", "--every", str(RETENTION_EVERY_SECONDS),
                               "--tracker-url", cfg.tracker_url(), "--log-dir", str(log_dir())], 40), ""),
    ]
    return items


def supervisord_pid() -> int | None:
    """The pid of our supervisord when it runs, else None."""
    try:
        pid = int((run_dir() / "supervisord.pid").read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if b"supervisord" in cmdline else None


def ctl(*args: str) -> subprocess.CompletedProcess:
    """Run supervisorctl against our socket."""
    return subprocess.run(["supervisorctl", "-c", str(conf_path()), *args], capture_output=True, text=True, timeout=120)


def wait_healthy(name: str, url: str, timeout: float) -> bool:
    """Poll `url` until it answers; False (with the log's tail) on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if http_ok(url):
            return True
        time.sleep(0.5)
    log = log_dir() / f"{name}.log"
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:]) if log.is_file() else ""
    print(f"{name}: did not come up within {timeout:.0f} s; last lines of {log}:\n{tail}")
    return False


def write_config(cfg: ServiceSettings, items: list[tuple[Program, str]]) -> dict[str, str]:
    """Write supervisord.conf (owner-only: it holds the secrets) and the endpoints; the programs' environment."""
    run_dir().mkdir(parents=True, exist_ok=True)
    log_dir().mkdir(parents=True, exist_ok=True)
    if cfg.scale:
        datastores.ensure_postgres_cluster(cfg.pg_dir)
    cfg.write_endpoints()
    env = {**QUIET_ENV, **ONE_MATH_THREAD_ENV, **cfg.process_env(), MARK_ENV: str(services_dir())}
    text = render([p for p, _ in items], run_dir(), log_dir(), REPO, env)
    fd = os.open(conf_path(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return env


def ensure_supervisord() -> None:
    """Start supervisord on the written config, or make a running one apply it (only changed programs restart)."""
    if supervisord_pid() is None:
        subprocess.run(["supervisord", "-c", str(conf_path())], check=True)
        print(f"supervisord: started (config {conf_path()}, logs {log_dir()}/)")
    else:
        ctl("reread")
        ctl("update")


def start_program(cfg: ServiceSettings, program: Program, health: str, env: dict[str, str]) -> bool:
    """Start one program (a no-op when it runs) and wait until it is usable."""
    ctl("start", program.name)
    if program.name == "postgres":
        datastores.wait_postgres(cfg.pg_port)
        datastores.ensure_databases(cfg.pg_port, [cfg.pg_app_db, cfg.pg_rasa_db])
        subprocess.run([PY, "-m", "records", "upgrade"], cwd=REPO, check=True, env={**os.environ, **env})
    elif program.name == "redis":
        deadline = time.monotonic() + 30
        while not datastores.redis_ping(cfg.redis_port):
            if time.monotonic() > deadline:
                print("redis: did not answer PING")
                return False
            time.sleep(0.2)
    elif health and not wait_healthy(program.name, health, 300.0 if program.name == "rasa" else 180.0):
        return False
    print(f"{program.name}: up")
    return True


def start(only: list[str] | None = None) -> int:
    """Write the config, start supervisord, start each program (or those in `only`) after the last is up."""
    if not RASA_MODEL.is_file():
        print(f"no Rasa model at {RASA_MODEL.relative_to(REPO)}: run `make rasa-model` first")
        return 1
    cfg = ServiceSettings.from_env()
    items = programs(cfg)
    stop_legacy(services_dir())  # a stack the former pid-file script started would hold the ports
    env = write_config(cfg, items)
    ensure_supervisord()
    for program, health in items:
        if (only is None or program.name in only) and not start_program(cfg, program, health, env):
            return 1
    print(f"\nThe assistant is running: http://127.0.0.1:{cfg.web_port}")
    return 0


def stop(timeout: float = 60.0) -> int:
    """Shut supervisord down (it stops every program), then end whatever it started that still lives."""
    stop_legacy(services_dir())
    pid = supervisord_pid()
    if pid is not None:
        ctl("shutdown")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists() and supervisord_pid() == pid:
            time.sleep(0.3)
        print("supervisord: stopped")
    leftovers = supervised_pids(services_dir())
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for child in leftovers:
            try:
                os.kill(child, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while leftovers and time.monotonic() < deadline:
            time.sleep(0.3)
            leftovers = [p for p in leftovers if alive(p)]
    if leftovers:
        print(f"could not stop: {leftovers}")
        return 1
    return 0


def status() -> int:
    """Print each program's state from supervisord and its health check; exit 1 unless all are up."""
    if supervisord_pid() is None:
        print("supervisord: stopped")
        return 1
    cfg = ServiceSettings.from_env()
    states = {line.split()[0]: line for line in ctl("status").stdout.splitlines() if line.strip()}
    healthy = True
    for program, health in programs(cfg):
        line = states.get(program.name, f"{program.name} (not configured)")
        up = "RUNNING" in line and (not health or http_ok(health))
        healthy &= up
        print(f"{line}{'' if up or not health else '  (health check failing)'}")
    print(f"web app (residents): http://127.0.0.1:{cfg.web_port}")
    return 0 if healthy else 1


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    sys.stdout.reconfigure(line_buffering=True)  # progress shows up in logs and pipes as it happens
    commands = {"start": start, "stop": stop, "status": status}
    if len(argv) != 1 or argv[0] not in commands:
        print(f"usage: {Path(sys.argv[0]).name} start|stop|status")
        return 2
    return commands[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
