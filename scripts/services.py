"""Start, stop and report the assistant's resident processes (stdlib only).

    .venv/bin/python scripts/services.py start|stop|status

Each service runs in the background in its own session, with a pid file under instance/run/ and a
log under instance/logs/. `start` is idempotent and waits until every service answers its health
check; `stop` stops them in reverse order. Add a process by appending a `Service` to `SERVICES`.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
RUN_DIR = REPO / "instance" / "run"
LOG_DIR = REPO / "instance" / "logs"
PY = str(REPO / ".venv" / "bin" / "python")
RASA = str(REPO / ".venv-rasa" / "bin" / "rasa")
RASA_MODEL = REPO / "models" / "wuzhong.tar.gz"
ACTIONS_PORT = 5055  # bot/endpoints.yml points the Rasa server here
RASA_PORT = 5005

# Nothing may download a model at run time; Rasa's telemetry would phone home.
QUIET_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "RASA_TELEMETRY_ENABLED": "false",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "PYTHONUNBUFFERED": "1",
}


@dataclass
class Service:
    """A background process: how to start it, how to tell it is up, where residents reach it."""

    name: str
    command: list[str]
    health_url: str
    url: str
    marker: str  # a word of its command line: tells our process from another that reused the pid
    start_timeout: float = 60.0
    env: dict[str, str] = field(default_factory=dict)
    after_start: Callable[["Service"], None] | None = None
    resident: bool = False  # the URL printed last by `start` (the web app, once it exists)

    @property
    def pid_file(self) -> Path:
        return RUN_DIR / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return LOG_DIR / f"{self.name}.log"


def actions_command(port: int) -> list[str]:
    """The rasa_sdk action server serving the `actions` package."""
    return [PY, "-m", "rasa_sdk", "--actions", "actions", "-p", str(port)]


def rasa_command(port: int, endpoints: str | Path, model: str | Path = RASA_MODEL) -> list[str]:
    """The Rasa server with the HTTP API and the REST channel, on loopback only."""
    return [RASA, "run", "--enable-api", "-m", str(model), "--endpoints", str(endpoints),
            "--credentials", str(REPO / "bot" / "credentials.yml"), "-i", "127.0.0.1", "-p", str(port)]


def http_ok(url: str, timeout: float = 2.0) -> bool:
    """True when GET `url` answers 2xx."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def warm_up_actions(actions_url: str, timeout: float = 120.0) -> None:
    """Ask the action server to load the knowledge base's models now, not on a resident's first question."""
    body = json.dumps({"next_action": "action_warm_up", "sender_id": "warm-up",
                       "tracker": {"sender_id": "warm-up", "slots": {}, "latest_message": {}, "events": []},
                       "domain": {}}).encode()
    request = urllib.request.Request(f"{actions_url}/webhook", body, {"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(request, timeout=timeout).close()
    except (urllib.error.URLError, OSError) as error:
        print(f"  warning: warm-up failed ({error}); the first question will be slower", file=sys.stderr)


SERVICES: list[Service] = [
    Service(
        name="actions",
        command=actions_command(ACTIONS_PORT),
        health_url=f"http://127.0.0.1:{ACTIONS_PORT}/health",
        url=f"http://127.0.0.1:{ACTIONS_PORT}",
        marker="rasa_sdk",
        after_start=lambda svc: warm_up_actions(svc.url),
    ),
    Service(
        name="rasa",
        command=rasa_command(RASA_PORT, REPO / "bot" / "endpoints.yml"),
        health_url=f"http://127.0.0.1:{RASA_PORT}/status",
        url=f"http://127.0.0.1:{RASA_PORT}",
        marker="rasa run",
        start_timeout=240.0,
    ),
    # The web app (widget, staff console, API) under waitress; it relays chat to Rasa above.
    Service(
        name="web",
        command=[PY, "-m", "web.serve", "--port", os.environ.get("WUZHONG_WEB_PORT", "8000")],
        health_url=f"http://127.0.0.1:{os.environ.get('WUZHONG_WEB_PORT', '8000')}/healthz",
        url=f"http://127.0.0.1:{os.environ.get('WUZHONG_WEB_PORT', '8000')}",
        marker="web.serve",
        start_timeout=90.0,
        resident=True,
    ),
]


def running_pid(service: Service) -> int | None:
    """The pid of our running process for `service`, else None (a stale pid file is removed)."""
    try:
        pid = int(service.pid_file.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (OSError, ValueError):
        service.pid_file.unlink(missing_ok=True)
        return None
    if service.marker not in cmdline:
        service.pid_file.unlink(missing_ok=True)
        return None
    return pid


def tail(path: Path, lines: int = 20) -> str:
    """The last lines of a log file."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def start_service(service: Service) -> bool:
    """Start one service (unless running) and wait for its health check; False if it did not come up."""
    pid = running_pid(service)
    if pid is not None and http_ok(service.health_url):
        print(f"{service.name}: already running at {service.url}")
        return True
    if pid is None and http_ok(service.health_url):
        print(f"{service.name}: {service.url} is taken by a process not started here; stop it first")
        return False
    if pid is None:
        RUN_DIR.mkdir(parents=True, exist_ok=True)
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        with open(service.log_file, "ab") as log:
            process = subprocess.Popen(service.command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True,
                                       env={**os.environ, **QUIET_ENV, **service.env})
        pid = process.pid
        service.pid_file.write_text(str(pid))
        print(f"{service.name}: starting (pid {pid}, log {service.log_file.relative_to(REPO)})")
    deadline = time.monotonic() + service.start_timeout
    while time.monotonic() < deadline:
        if http_ok(service.health_url):
            if service.after_start:
                service.after_start(service)
            print(f"{service.name}: up at {service.url}")
            return True
        if not group_alive(pid):
            break
        time.sleep(0.5)
    print(f"{service.name}: did not come up; last lines of {service.log_file}:\n{tail(service.log_file)}")
    return False


def group_alive(pgid: int) -> bool:
    """True while any process of the group (the service and its workers) is alive and not a zombie."""
    try:
        os.waitpid(pgid, os.WNOHANG)  # reap our own child so it does not linger as a zombie
    except ChildProcessError:
        pass
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_service(service: Service, timeout: float = 20.0) -> None:
    """Stop one service: SIGTERM to its process group, SIGKILL if it lingers."""
    pid = running_pid(service)
    if pid is None:
        print(f"{service.name}: not running")
        return
    # Each service leads its own session: the group holds its worker processes too (Sanic spawns them).
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and group_alive(pid):
        time.sleep(0.2)
    if group_alive(pid):
        os.killpg(pid, signal.SIGKILL)
    service.pid_file.unlink(missing_ok=True)
    print(f"{service.name}: stopped")


def start() -> int:
    """Start every service in order; print where residents reach the assistant."""
    if not RASA_MODEL.is_file():
        print(f"no Rasa model at {RASA_MODEL.relative_to(REPO)}: run `make rasa-model` first")
        return 1
    for service in SERVICES:
        if not start_service(service):
            return 1
    resident = next((s for s in SERVICES if s.resident), None)
    if resident:
        print(f"\nThe assistant is running: {resident.url}")
    else:
        print(f"\nRasa REST channel: {SERVICES[-1].url}/webhooks/rest/webhook")
    return 0


def stop() -> int:
    """Stop every service, last started first."""
    for service in reversed(SERVICES):
        stop_service(service)
    return 0


def status() -> int:
    """Print each service's state; exit 1 unless all are up."""
    healthy = True
    for service in SERVICES:
        pid = running_pid(service)
        up = pid is not None and http_ok(service.health_url)
        healthy &= up
        state = f"up (pid {pid}) at {service.url}" if up else ("starting or unhealthy" if pid else "stopped")
        print(f"{service.name}: {state}")
    return 0 if healthy else 1


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    commands = {"start": start, "stop": stop, "status": status}
    if len(argv) != 1 or argv[0] not in commands:
        print(f"usage: {Path(sys.argv[0]).name} start|stop|status")
        return 2
    return commands[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
