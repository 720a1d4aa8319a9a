"""Admins' emergency switches: the widget notice and taking the assistant offline — admins only, audited,
live in another web process (same database only) within 5 s, and /api/chat stops calling Rasa."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

import records
from records import switches

from web_helpers import LiveServer, csrf_token, free_port

REPO = Path(__file__).resolve().parents[2]
ROUTES = [("GET", "/admin/switches/"), ("POST", "/admin/switches/notice"), ("POST", "/admin/switches/offline")]


class CountingRasa:
    """A stand-in Rasa REST channel on a real port that counts the messages relayed to it."""

    def __init__(self) -> None:
        self.calls = 0
        self.server = LiveServer(self)
        self.url = self.server.url

    def __call__(self, environ, start_response):
        self.calls += 1
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps([{"recipient_id": "x", "text": "来自对话服务的回答"}], ensure_ascii=False).encode()]


@pytest.fixture
def rasa():
    fake = CountingRasa()
    yield fake
    fake.server.stop()


def _token(client) -> str:
    return csrf_token(client.get("/staff/").get_data(as_text=True))


def _post(client, path: str, **data):
    return client.post(path, data={"csrf_token": _token(client), **data})


@pytest.mark.parametrize("role", ["staff", "operator", "reviewer"])
def test_other_roles_get_403_on_every_switch_route(app, login_as, role):
    client = login_as(role)
    for method, path in ROUTES:
        response = client.get(path) if method == "GET" else _post(client, path, notice="x", offline="1")
        assert response.status_code == 403, (role, path)
        assert "没有权限" in response.get_data(as_text=True) and "管理员" in response.get_data(as_text=True)
    assert switches.current(app.config["DB"]) == {**switches.DEFAULTS}


def test_anonymous_is_sent_to_login(app, client):
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))  # a valid form, but no login
    for method, path in ROUTES:
        response = client.open(path, method=method, data={"csrf_token": token, "notice": "x", "offline": "1"})
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"], path
    assert switches.current(app.config["DB"]) == {**switches.DEFAULTS}


def test_admin_sets_and_clears_both_switches_audited(app, login_as):
    admin, db = login_as("admin", "chief"), app.config["DB"]
    page = admin.get("/admin/switches/")
    assert page.status_code == 200 and "未发布公告" in page.get_data(as_text=True)
    assert "应急开关" in admin.get("/admin/").get_data(as_text=True)  # in the admin menu

    assert _post(admin, "/admin/switches/notice", notice="  今晚22点系统维护  ", action="set").status_code == 302
    assert switches.current(db)["notice"] == "今晚22点系统维护"
    assert "今晚22点系统维护" in admin.get("/admin/switches/").get_data(as_text=True)
    assert _post(admin, "/admin/switches/offline", offline="1", message="系统升级，请拨打12345").status_code == 302
    assert switches.current(db)["offline"] is True
    assert _post(admin, "/admin/switches/offline", offline="0").status_code == 302
    assert _post(admin, "/admin/switches/notice", action="clear").status_code == 302
    assert switches.current(db) == {**switches.DEFAULTS, "offline_message": "系统升级，请拨打12345"}

    with records.session_scope(db) as session:
        rows = records.audit.events(session, target="switches")
    assert [(r["actor"], r["action"], r["detail"]) for r in reversed(rows)] == [
        ("chief", "notice_set", {"notice": "今晚22点系统维护"}),
        ("chief", "assistant_offline", {"offline": True, "offline_message": "系统升级，请拨打12345"}),
        ("chief", "assistant_online", {"offline": False}),
        ("chief", "notice_clear", {"notice": ""}),
    ]


@pytest.mark.parametrize("path, data, message", [
    ("/admin/switches/notice", {"notice": "维" * 301, "action": "set"}, "公告太长（301字），请控制在300字以内"),
    ("/admin/switches/notice", {"notice": "   ", "action": "set"}, "公告内容不能为空"),
    ("/admin/switches/offline", {"offline": "1", "message": "停" * 301}, "停用提示太长（301字）"),
    ("/admin/switches/offline", {"offline": "maybe"}, "操作无效"),
])
def test_bad_switch_input_is_refused_and_changes_nothing(app, admin_client, path, data, message):
    response = _post(admin_client, path, **data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert switches.current(app.config["DB"]) == {**switches.DEFAULTS}
    assert admin_client.post(path, data=data).status_code == 400  # and without the CSRF token


def test_offline_chat_answers_without_rasa_and_status_says_so(make_app, rasa):
    app = make_app(RASA_URL=rasa.url)
    client, db = app.test_client(), app.config["DB"]
    online = client.post("/api/chat", json={"sender": "w-1", "message": "今年新增多少学位？"}).get_json()
    assert online["mode"] == "normal" and rasa.calls == 1
    switches.set_offline(True, "chief", url=db)
    switches.set_notice("系统维护中", "chief", url=db)

    response = client.post("/api/chat", json={"sender": "w-1", "message": "今年新增多少学位？"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["mode"] == "offline" and rasa.calls == 1  # Rasa was not asked
    assert [m["text"] for m in body["messages"]] == [switches.DEFAULT_OFFLINE_MESSAGE]
    assert "12345" in body["messages"][0]["text"] and body["messages"][0]["kind"] == "offline"
    assert client.post("/api/chat", json={"sender": "w-1", "message": "/request_human"}).get_json()["mode"] == "offline"
    assert records.recent_handoffs(5, url=db) == []

    status = client.get("/api/status")
    assert status.get_json() == {"notice": "系统维护中", "offline": True,
                                 "offline_message": switches.DEFAULT_OFFLINE_MESSAGE}
    assert status.headers["Cache-Control"] == "no-store"
    switches.set_offline(False, "chief", url=db)
    assert client.post("/api/chat", json={"sender": "w-1", "message": "学位"}).get_json()["mode"] == "normal"
    assert rasa.calls == 2


def test_status_follows_the_widget_origin_rules(make_app):
    client = make_app(WIDGET_ORIGINS="https://www.szwz.gov.cn").test_client()
    allowed = client.get("/api/status", headers={"Origin": "https://www.szwz.gov.cn"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://www.szwz.gov.cn"
    refused = client.get("/api/status", headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403 and "未获授权" in refused.get_json()["error"]


def test_the_per_process_cache_is_at_most_one_second_old(app):
    db = app.config["DB"]
    assert switches.current(db)["notice"] == ""
    with records.session_scope(db) as session:  # as another process would: this process's cache is not told
        session.add(switches.Switch(key="notice", value=json.dumps("另一进程写入"), updated_at="2026-01-01T00:00:00Z"))
    assert switches.current(db)["notice"] == ""  # still cached …
    time.sleep(switches.CACHE_SECONDS + 0.1)
    assert switches.current(db)["notice"] == "另一进程写入"  # … for no longer than CACHE_SECONDS


SECOND_APP = """
import sys
from waitress import serve
from web import create_app
app = create_app({"DB": sys.argv[1], "DATABASE_URL": "", "SECRET_KEY": "second", "RASA_URL": sys.argv[3],
                  "ACTIONS_URL": sys.argv[3], "KB_DIR": sys.argv[4]})
serve(app, host="127.0.0.1", port=int(sys.argv[2]), threads=2)
"""


def test_a_second_web_process_on_the_same_database_sees_the_switches_within_5_s(app, login_as, tmp_path, dead_url):
    db, port = app.config["DB"], free_port()
    records.upgrade(db)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("WUZHONG_DATABASE_URL", None)
    other = subprocess.Popen([sys.executable, "-c", SECOND_APP, db, str(port), dead_url, str(tmp_path / "no-kb")],
                             cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                assert requests.get(url + "/api/status", timeout=2).json()["notice"] == ""
                break
            except requests.RequestException:
                assert other.poll() is None, other.stderr.read().decode()
                assert time.monotonic() < deadline, "the second app did not start"
                time.sleep(0.2)
        admin = login_as("admin")
        assert _post(admin, "/admin/switches/notice", notice="暴雨红色预警：请勿外出", action="set").status_code == 302
        assert _post(admin, "/admin/switches/offline", offline="1", message="暂停服务，请拨打12345").status_code == 302
        changed = time.monotonic()
        while True:
            status = requests.get(url + "/api/status", timeout=2).json()
            if status["offline"] and status["notice"]:
                break
            assert time.monotonic() - changed < 5, status
            time.sleep(0.1)
        assert status == {"notice": "暴雨红色预警：请勿外出", "offline": True, "offline_message": "暂停服务，请拨打12345"}
        chat = requests.post(url + "/api/chat", json={"sender": "w-2", "message": "学位"}, timeout=5).json()
        assert chat == {"messages": [{"text": "暂停服务，请拨打12345", "kind": "offline", "handoff": True}],
                        "mode": "offline"}
        assert time.monotonic() - changed < 5
    finally:
        other.terminate()
        other.wait(10)
