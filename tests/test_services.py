"""Service boundaries and supervision with real processes: the action server under a real supervisord refuses
forged calls and comes back after kill -9; `stop` ends everything; Rasa's HTTP API wants its token; the relay's
circuit breaker and the per-client rate limits."""
from __future__ import annotations

import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.stack import free_port

FORGED_HANDOFF = {"next_action": "action_handoff", "sender_id": "forger", "version": "3.6.21", "domain": {},
                  "tracker": {"sender_id": "forger", "slots": {}, "latest_message": {"text": "转人工"},
                              "events": [{"event": "user", "text": "转人工", "parse_data": {}}]}}


def post(url: str, body: dict, headers: dict[str, str] | None = None, timeout: float = 120) -> tuple[int, dict]:
    """POST JSON; (status, decoded body) also for error statuses."""
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json",
                                                                        **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def get_status(url: str) -> int:
    """The HTTP status of GET `url`."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def listening_hosts(port: int) -> set[str]:
    """The addresses (IPv4 hex from /proc/net/tcp, IPv6 from tcp6) listening on `port`."""
    hosts = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:
                hosts.add(address)
    return hosts


LOOPBACK = {"0100007F"}  # 127.0.0.1 as /proc/net/tcp writes it


@pytest.fixture(scope="module")
def supervised(kb_dir, tmp_path_factory):
    """The action server started by scripts/services.py under a real supervisord, in a temporary services dir."""
    from scripts import services

    base = tmp_path_factory.mktemp("services")
    env = {"WUZHONG_SERVICES_DIR": str(base), "WUZHONG_ACTIONS_URL": f"http://127.0.0.1:{free_port()}",
           "WUZHONG_ACTIONS_WORKERS": "1", "WUZHONG_KB_DIR": str(kb_dir), "WUZHONG_DB": str(base / "app.sqlite"),
           "WUZHONG_ACTIONS_TOKEN": "", "WUZHONG_RASA_TOKEN": ""}
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        assert services.start(only=["actions"]) == 0, (base / "logs" / "actions.log").read_text()[-3000:]
        yield services, services.ServiceSettings.from_env(), base
    finally:
        services.stop()
        for key, value in saved.items():
            os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)


def test_action_server_binds_loopback_and_refuses_forged_calls(supervised):
    import records

    services, cfg, base = supervised
    assert listening_hosts(cfg.actions_port) == LOOPBACK
    assert (base / "actions_token").stat().st_mode & 0o077 == 0  # generated, owner-only
    webhook = f"{cfg.actions_url}/webhook"
    for headers, query in (({}, ""), ({"Authorization": "Bearer wrong"}, ""), ({}, "?token=wrong")):
        status, body = post(webhook + query, FORGED_HANDOFF, headers)
        assert status == 403 and "token" in body["error"]
    assert records.recent_handoffs(url=base / "app.sqlite") == []
    # The same call with the secret runs the action: the guard, not the request, stopped the forgeries.
    status, body = post(webhook, FORGED_HANDOFF, {"Authorization": f"Bearer {cfg.actions_token}"})
    assert status == 200 and "#" in body["responses"][0]["text"]
    assert [h["sender_id"] for h in records.recent_handoffs(url=base / "app.sqlite")] == ["forger"]


def test_supervisord_config_rotates_logs_and_keeps_secrets_private(supervised):
    services, cfg, _ = supervised
    conf = services.conf_path()
    assert conf.stat().st_mode & 0o077 == 0
    text = conf.read_text()
    for name in ("actions", "rasa", "web"):
        section = text.split(f"[program:{name}]")[1].split("[program:")[0]
        assert "autorestart=true" in section and "stdout_logfile_maxbytes=20MB" in section
        assert "stdout_logfile_backups=5" in section and "killasgroup=true" in section
        assert "127.0.0.1" in section.split("command=")[1].splitlines()[0]
        # several serving processes share the cores: one math thread each (torch, TensorFlow, BLAS)
        environment = section.split("environment=")[1].splitlines()[0]
        assert 'OMP_NUM_THREADS="1"' in environment and 'TF_NUM_INTRAOP_THREADS="1"' in environment


def test_two_rasa_workers_share_the_conversation_locks_in_a_sqlite_file(supervised):
    """One machine, no Redis: both cores serve Rasa, its workers locking conversations through bot/lock_store.py."""
    services, cfg, _ = supervised
    section = services.conf_path().read_text().split("[program:rasa]")[1].split("[program:")[0]
    assert 'SANIC_WORKERS="2"' in section.split("environment=")[1].splitlines()[0]
    endpoints = cfg.endpoints_file().read_text()
    assert "type: bot.lock_store.SQLiteLockStore" in endpoints and "rasa_locks.sqlite" in endpoints


def test_the_retention_purge_runs_daily_on_the_stores_the_stack_uses(supervised):
    services, cfg, _ = supervised
    section = services.conf_path().read_text().split("[program:retention]")[1].split("[program:")[0]
    command = section.split("command=")[1].splitlines()[0]
    assert "records purge --every 86400" in command and "autorestart=true" in section
    assert f"--tracker-url {cfg.tracker_url()}" in command and cfg.tracker_url().endswith("/rasa_tracker.sqlite")


def _program_pid(services, name: str) -> int | None:
    line = services.ctl("status", name).stdout
    return int(line.split("pid ")[1].split(",")[0]) if "RUNNING" in line else None


def test_a_killed_action_server_comes_back_and_stop_ends_everything(supervised):
    services, cfg, _ = supervised
    first = _program_pid(services, "actions")
    assert first and services.http_ok(f"{cfg.actions_url}/health")
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        second = _program_pid(services, "actions")
        if second and second != first and services.http_ok(f"{cfg.actions_url}/health"):
            break
        time.sleep(1)
    else:
        pytest.fail("supervisord did not bring the action server back")
    assert services.supervised_pids(services.services_dir())  # the program, its worker, supervisord's children carry the mark
    os.kill(services.supervisord_pid(), signal.SIGKILL)  # the worst case: the manager itself is gone
    time.sleep(0.5)
    assert services.http_ok(f"{cfg.actions_url}/health")  # orphans still serve ...
    assert services.stop() == 0  # ... until stop finds them by their mark
    assert services.supervised_pids(services.services_dir()) == [] and listening_hosts(cfg.actions_port) == set()


@pytest.mark.rasa
def test_rasa_binds_loopback_and_its_http_api_needs_the_token(rasa_stack):
    rasa_stack.send("api-probe", "你好")
    tracker = f"{rasa_stack.rasa_url}/conversations/api-probe/tracker"
    assert get_status(tracker) == 401
    assert get_status(f"{tracker}?token=wrong") == 401
    assert rasa_stack.tracker("api-probe")["sender_id"] == "api-probe"
    assert listening_hosts(rasa_stack.rasa_port) == LOOPBACK
    assert listening_hosts(rasa_stack.actions_port) == LOOPBACK


class FakeRasa(BaseHTTPRequestHandler):
    """Answers the REST channel as `server.mode` says: "fail" (500), "ok" ([] after `server.delay` s)."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers["Content-Length"]))
        self.server.calls += 1
        time.sleep(self.server.delay)
        body, status = (b"[]", 200) if self.server.mode == "ok" else (b"{}", 500)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def _burst(relay, count: int = 8) -> tuple[int, float]:
    """`count` concurrent sends: (how many failed, the slowest seconds)."""
    from web.chat_relay import RasaUnavailable

    failures, times = [], []

    def one(i: int) -> None:
        start = time.monotonic()
        try:
            relay.send(f"s{i}", "你好")
        except RasaUnavailable:
            failures.append(i)
        times.append(time.monotonic() - start)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(failures), max(times)


def test_circuit_breaker_opens_for_everyone_and_one_request_probes():
    from web.chat_relay import PROBE_READ_TIMEOUT, RasaRelay, RasaUnavailable

    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeRasa)
    server.calls, server.mode, server.delay = 0, "fail", 0.0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        relay = RasaRelay(f"http://127.0.0.1:{server.server_address[1]}", read_timeout=8.0, retry_after=0.5)
        with pytest.raises(RasaUnavailable):
            relay.send("a", "你好")
        failed, slowest = _burst(relay)
        assert (failed, server.calls) == (8, 1) and slowest < 0.2  # open: nobody waits on Rasa
        time.sleep(0.6)
        server.mode, server.delay = "ok", 0.5
        failed, _ = _burst(relay)
        assert (failed, server.calls) == (7, 2)  # half-open: one probe, the rest fail fast
        assert _burst(relay)[0] == 0 and server.calls == 10  # closed again: everyone reaches Rasa
        server.delay = PROBE_READ_TIMEOUT + 2  # a hung Rasa: the probe gives up at its own short timeout
        server.mode = "fail"
        with pytest.raises(RasaUnavailable):
            relay.send("b", "你好")
        time.sleep(0.6)
        start = time.monotonic()
        with pytest.raises(RasaUnavailable):
            relay.send("c", "你好")
        assert time.monotonic() - start < PROBE_READ_TIMEOUT + 1
    finally:
        server.shutdown()


def test_rate_limits_count_conversations_apart_behind_one_address(kb, tmp_path):
    from web import create_app

    dead = f"http://127.0.0.1:{free_port()}"
    app = create_app({"TESTING": True, "KB": kb, "DB": str(tmp_path / "app.sqlite"), "SECRET_KEY": "t",
                      "RASA_URL": dead, "ACTIONS_URL": dead, "CHAT_RATE_LIMIT": "2 per minute",
                      "CHAT_ADDRESS_RATE_LIMIT": "5 per minute"})
    client = app.test_client()

    def chat(sender: str) -> int:
        return client.post("/api/chat", json={"sender": sender, "message": "学位"}).status_code

    assert [chat("nat-a"), chat("nat-a"), chat("nat-a")] == [200, 200, 429]  # one resident's budget
    assert [chat("nat-b"), chat("nat-b")] == [200, 200]  # a neighbour behind the same NAT is not throttled
    # Inventing ids does not escape the address cap: its 5 answered requests are used up after nat-c's.
    assert [chat("nat-c"), chat("nat-d"), chat("nat-e")] == [200, 429, 429]


def test_rate_limit_counters_are_shared_through_redis(kb, tmp_path):
    from tests.redis_server import RedisServer
    from web import create_app

    redis = RedisServer().start()
    try:
        def worker_app():  # two gunicorn workers or two replicas: one budget per client between them
            return create_app({"TESTING": True, "KB": kb, "DB": str(tmp_path / "app.sqlite"), "SECRET_KEY": "t",
                               "REDIS_URL": redis.url(0), "SEARCH_RATE_LIMIT": "2 per hour"}).test_client()

        first, second = worker_app(), worker_app()
        assert [first.get("/api/search?q=学位").status_code, second.get("/api/search?q=学位").status_code] == [200, 200]
        assert first.get("/api/search?q=学位").status_code == 429
        assert second.get("/api/search?q=学位").status_code == 429
    finally:
        redis.stop()
