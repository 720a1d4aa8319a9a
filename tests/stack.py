"""A real action server + Rasa server on free ports, for end-to-end and browser tests.

    stack = start_stack(kb_dir, workdir)          # waits until both answer their health checks
    stack.send("alice", "公交线路今年新增几条？")   # -> the REST channel's list of bot messages
    stack.restart_rasa(); stack.stop()

The Rasa server uses the trained model models/wuzhong.tar.gz, a tracker store in a temporary SQLite
file (or the given one: PostgreSQL for the replica tests) and an endpoints file derived from
bot/endpoints.yml pointing at this stack's action server; the action server reads the given knowledge
base (WUZHONG_KB_DIR) and writes to a temporary app database (WUZHONG_DB, or `db_url`). Both bind
127.0.0.1 and are guarded as in production: `stack.actions_token` (Rasa → action server) and
`stack.rasa_token` (Rasa's HTTP API) are fresh random secrets.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from scripts.endpoints import sqlite_tracker, write_endpoints
from scripts.services import QUIET_ENV, RASA_MODEL, REPO, actions_command, group_alive, http_ok, rasa_command

RASA_START_TIMEOUT = 240.0
ACTIONS_START_TIMEOUT = 180.0  # the action server loads the knowledge base's models before it answers


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Stack:
    """Handles on a running action server + Rasa server pair."""

    workdir: Path
    kb_dir: Path
    db_path: Path
    tracker_db: Path
    actions_port: int
    rasa_port: int
    model: Path = RASA_MODEL
    actions_token: str = field(default_factory=lambda: secrets.token_hex(16))
    rasa_token: str = field(default_factory=lambda: secrets.token_hex(16))
    db_url: str | None = None  # the app database when not the SQLite file db_path (PostgreSQL)
    extra_env: dict[str, str] = field(default_factory=dict)
    _processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}"

    @property
    def endpoints(self) -> Path:
        return self.workdir / "endpoints.yml"

    @property
    def secrets_env(self) -> dict[str, str]:
        """What both servers are told: where the action server is and the two secrets."""
        return {"WUZHONG_ACTIONS_URL": self.actions_url, "WUZHONG_ACTIONS_TOKEN": self.actions_token,
                "WUZHONG_RASA_TOKEN": self.rasa_token}

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> None:
        log = open(self.workdir / f"{name}.log", "ab")
        self._processes[name] = subprocess.Popen(
            command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, env={**os.environ, **QUIET_ENV, **self.secrets_env, **self.extra_env, **env},
        )
        log.close()

    def _wait(self, name: str, health_url: str, timeout: float) -> None:
        process = self._processes[name]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if http_ok(health_url):
                return
            if process.poll() is not None:
                break
            time.sleep(0.5)
        log = (self.workdir / f"{name}.log").read_text(errors="replace")[-3000:]
        self.stop()
        raise RuntimeError(f"{name} did not come up at {health_url}:\n{log}")

    def start_actions(self) -> None:
        """Start the action server on this stack's KB and app database; it loads the models before answering."""
        env = {"WUZHONG_KB_DIR": str(self.kb_dir), "WUZHONG_DB": str(self.db_path)}
        if self.db_url:
            env["WUZHONG_DATABASE_URL"] = self.db_url
        self._spawn("actions", actions_command(self.actions_port), env)
        self._wait("actions", f"{self.actions_url}/health", ACTIONS_START_TIMEOUT)

    def start_rasa(self) -> None:
        """Start the Rasa server (REST channel, HTTP API) and wait until its model is loaded."""
        self._spawn("rasa", rasa_command(self.rasa_port, self.endpoints, self.model), {})
        self._wait("rasa", f"{self.rasa_url}/status?token={self.rasa_token}", RASA_START_TIMEOUT)

    def _stop(self, name: str, timeout: float = 20.0) -> None:
        process = self._processes.pop(name, None)
        if process is None or process.poll() is not None and not group_alive(process.pid):
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        deadline = time.monotonic() + timeout
        while group_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)

    def restart_rasa(self) -> None:
        """Stop and start the Rasa server (same tracker store, same port)."""
        self._stop("rasa")
        self.start_rasa()

    def stop(self) -> None:
        """Stop both servers."""
        self._stop("rasa")
        self._stop("actions")

    def send(self, sender: str, message: str, timeout: float = 60.0) -> list[dict]:
        """POST a message to the REST channel; the bot's messages."""
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(f"{self.rasa_url}/webhooks/rest/webhook", body,
                                         {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)

    def tracker(self, sender: str) -> dict:
        """The conversation's tracker from the Rasa HTTP API (with this stack's token)."""
        query = urllib.parse.urlencode({"token": self.rasa_token})
        url = f"{self.rasa_url}/conversations/{urllib.parse.quote(sender)}/tracker?{query}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.load(response)


def start_stack(kb_dir: Path | str, workdir: Path | str, model: Path | str = RASA_MODEL,
                tracker_store: dict[str, Any] | None = None, lock_store: dict[str, Any] | None = None,
                db_url: str | None = None, extra_env: dict[str, str] | None = None,
                before_rasa: Callable[[], None] | None = None) -> Stack:
    """Start an action server and a Rasa server on free ports with temporary databases (or the given
    tracker store, lock store and app database URL); wait for health. `before_rasa` runs between the two
    (a replica waits there until the first one has created the shared tracker tables)."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    if not Path(model).is_file():
        raise RuntimeError(f"no trained Rasa model at {model}: run `make rasa-model`")
    stack = Stack(workdir=workdir, kb_dir=Path(kb_dir), db_path=workdir / "app.sqlite",
                  tracker_db=workdir / "tracker.sqlite", actions_port=free_port(), rasa_port=free_port(),
                  model=Path(model), db_url=db_url, extra_env=dict(extra_env or {}))
    write_endpoints(stack.endpoints, tracker_store or sqlite_tracker(stack.tracker_db), lock_store)
    try:
        stack.start_actions()
        if before_rasa is not None:
            before_rasa()
        stack.start_rasa()
    except BaseException:
        stack.stop()
        raise
    return stack
