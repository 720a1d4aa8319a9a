"""Process helpers of the service scripts (stdlib only): health checks, finding and ending processes."""
from __future__ import annotations

import os
import signal
import urllib.error
import urllib.request
from pathlib import Path

from scripts.supervisor_conf import MARK_ENV

REPO = Path(__file__).resolve().parent.parent


def http_ok(url: str, timeout: float = 2.0) -> bool:
    """True when GET `url` answers 2xx."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def group_alive(pgid: int) -> bool:
    """True while any process of the group is alive and not a zombie (reaps our own child)."""
    try:
        os.waitpid(pgid, os.WNOHANG)
    except ChildProcessError:
        pass
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def supervised_pids(services_dir: Path) -> list[int]:
    """Processes started by the supervisord of `services_dir` (they carry MARK_ENV=<dir>), alive or orphaned."""
    mark = f"{MARK_ENV}={services_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if mark in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def stop_legacy(services_dir: Path) -> None:
    """End processes the former pid-file manager (instance/run/<name>.pid) started, once, on upgrade
    (only for the default services dir: a test's temporary one must not touch a running site)."""
    if services_dir != (REPO / "instance").resolve():
        return
    for name, marker in (("web", b"web.serve"), ("rasa", b"rasa"), ("actions", b"rasa_sdk")):
        pid_file = REPO / "instance" / "run" / f"{name}.pid"
        try:
            pid = int(pid_file.read_text().strip())
            if marker in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.killpg(pid, signal.SIGTERM)
                print(f"{name}: stopped (started by the former service script)")
        except (OSError, ValueError):
            pass
        pid_file.unlink(missing_ok=True)


def alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False
