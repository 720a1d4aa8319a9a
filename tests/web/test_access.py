"""Who may open what (role matrix over every staff/admin route), sessions that end everywhere,
lock-out that survives a restart, and the admin pages: users and the audit log."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from werkzeug.security import check_password_hash

import records
from records import audit

from web_helpers import csrf_token, log_in

ROLES = ("staff", "operator", "reviewer", "admin")
# What this issue decided, route by route (the knowledge pages declare theirs with `requires`).
EXPECTED = {
    "staff.console": set(ROLES), "staff.search": set(ROLES), "staff.handoff_status": set(ROLES),
    "admin.index": {"admin"}, "admin.create_user": {"admin"}, "admin.change_role": {"admin"},
    "admin.disable": {"admin"}, "admin.enable": {"admin"}, "admin.reset_password": {"admin"},
    "admin.audit_log": {"admin"}, "admin.audit_csv": {"admin"},
}
PUBLIC = {"staff.login", "staff.logout"}


def _private_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/staff", "/admin")) and rule.endpoint not in PUBLIC:
            yield rule


def _example_path(rule) -> str:
    """The rule with made-up arguments (ids that do not exist)."""
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "999999" if m.group(1) == "int" else "no-such-thing", rule.rule)


def _allowed(app, endpoint: str) -> set[str]:
    roles = set(getattr(app.view_functions[endpoint], "required_roles", ()) or ROLES)
    return EXPECTED.get(endpoint, roles | {"admin"})


@pytest.fixture
def matrix_app(make_app):
    # Without CSRF, a POST reaches the role check instead of stopping at the missing token.
    return make_app(WTF_CSRF_ENABLED=False)


def test_every_private_route_checks_a_role(matrix_app):
    endpoints = {rule.endpoint for rule in _private_rules(matrix_app)}
    assert set(EXPECTED) <= endpoints
    for endpoint in endpoints:
        assert hasattr(matrix_app.view_functions[endpoint], "required_roles"), f"{endpoint} has no @requires"


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(matrix_app, role):
    from web.auth import add_user

    add_user(f"{role}-user", "matrix password", role=role, db=matrix_app.config["DB"])
    client = matrix_app.test_client()
    login = client.post("/staff/login", data={"username": f"{role}-user", "password": "matrix password"})
    assert login.status_code == 302
    checked = 0
    for rule in _private_rules(matrix_app):
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(_example_path(rule), method=method)
        where = f"{role} {method} {rule.rule}"
        if role in _allowed(matrix_app, rule.endpoint):
            assert response.status_code != 403, where
            assert "/staff/login" not in response.headers.get("Location", ""), where
        else:
            assert response.status_code == 403, where
            body = response.get_data(as_text=True)
            assert "没有权限" in body and "管理员" in body, where
        checked += 1
    assert checked >= len(EXPECTED)


def test_anonymous_is_sent_to_login_or_gets_401_json(matrix_app):
    client = matrix_app.test_client()
    for rule in _private_rules(matrix_app):
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(_example_path(rule), method=method)
        if rule.rule.endswith(".json"):
            assert response.status_code == 401 and response.get_json()["status"] == 401
        else:
            assert response.status_code == 302 and "/staff/login" in response.headers["Location"], rule.rule


def _copy_session(source, target) -> None:
    target.set_cookie("session", source.get_cookie("session").value)


def _logout(client) -> None:
    token = csrf_token(client.get("/staff/").get_data(as_text=True))
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 302


def test_logout_ends_every_copy_of_the_session_also_after_a_restart(make_app, make_user):
    app = make_app()
    name, password = make_user("staff")
    browser = app.test_client()
    assert log_in(browser, name, password).status_code == 302
    thief = app.test_client()
    _copy_session(browser, thief)
    assert thief.get("/staff/").status_code == 200
    restarted = make_app().test_client()  # same database and key: a session survives a restart …
    _copy_session(browser, restarted)
    assert restarted.get("/staff/").status_code == 200

    _logout(browser)
    assert thief.get("/staff/").status_code == 302  # … but not a logout
    assert thief.get("/staff/search.json?q=学位").status_code == 401
    after_restart = make_app().test_client()
    _copy_session(thief, after_restart)
    assert after_restart.get("/staff/").status_code == 302
    assert log_in(browser, name, password).status_code == 302  # logging in again works
    assert browser.get("/staff/").status_code == 200


@pytest.mark.parametrize("change", ["disable", "role", "password"])
def test_admin_changes_end_the_users_sessions(app, make_user, login_as, change):
    name, password = make_user("operator")
    user_client = app.test_client()
    assert log_in(user_client, name, password).status_code == 302
    admin = login_as("admin")
    user_id = records.get_user_by_name(name, url=app.config["DB"])["id"]
    token = csrf_token(admin.get("/admin/").get_data(as_text=True))
    data = {"disable": {}, "role": {"role": "reviewer"}, "password": {"password": "a brand new pass"}}[change]
    response = admin.post(f"/admin/users/{user_id}/{change}", data={**data, "csrf_token": token})
    assert response.status_code == 302
    assert user_client.get("/staff/").status_code == 302
    if change == "disable":
        assert "已停用" in log_in(user_client, name, password).get_data(as_text=True)
    else:
        new_password = data.get("password", password)
        assert log_in(user_client, name, new_password).status_code == 302


def test_lock_out_survives_a_restart(make_app, make_user):
    app = make_app(LOGIN_MAX_FAILURES=3, LOGIN_LOCK_MINUTES=30)
    name, password = make_user("staff")
    client = app.test_client()
    for _ in range(2):
        assert "用户名或密码错误" in log_in(client, name, "wrong password").get_data(as_text=True)
    assert "已锁定" in log_in(client, name, "wrong password").get_data(as_text=True)
    restarted = make_app(LOGIN_MAX_FAILURES=3, LOGIN_LOCK_MINUTES=30).test_client()
    response = log_in(restarted, name, password)
    assert response.status_code == 200 and "已锁定" in response.get_data(as_text=True)
    assert restarted.get("/staff/").status_code == 302
    with records.session_scope(app.config["DB"]) as session:
        events = audit.events(session, actor=name)
    assert [e["action"] for e in events][:2] == ["login_refused", "login_locked"]
    assert events[1]["detail"]["client"] == "127.0.0.1" and events[1]["detail"]["failures"] == 3


def test_admin_creates_a_user_who_can_log_in(app, admin_client, client):
    page = admin_client.get("/admin/")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert 'href="/admin/documents"' in html and 'href="/admin/audit"' in html
    response = admin_client.post("/admin/users", data={"username": "rev.li", "password": "reviewer pass",
                                                       "role": "reviewer", "csrf_token": csrf_token(html)})
    assert response.status_code == 302
    html = admin_client.get("/admin/").get_data(as_text=True)
    assert "已创建用户「rev.li」（审核）" in html and 'data-user="rev.li"' in html
    row = records.get_user_by_name("rev.li", url=app.config["DB"])
    assert row["role"] == "reviewer" and check_password_hash(row["password_hash"], "reviewer pass")
    duplicate = admin_client.post("/admin/users", data={"username": "REV.LI", "password": "reviewer pass",
                                                        "role": "staff", "csrf_token": csrf_token(html)})
    assert "已存在" in admin_client.get(duplicate.headers["Location"]).get_data(as_text=True)
    assert log_in(client, "rev.li", "reviewer pass").status_code == 302


def test_admin_cannot_lock_themselves_out(app, admin_client):
    me = records.get_user_by_name("admin01", url=app.config["DB"])
    token = csrf_token(admin_client.get("/admin/").get_data(as_text=True))
    admin_client.post(f"/admin/users/{me['id']}/disable", data={"csrf_token": token})
    admin_client.post(f"/admin/users/{me['id']}/role", data={"role": "staff", "csrf_token": token})
    assert admin_client.get("/admin/").status_code == 200
    assert records.get_user(me["id"], url=app.config["DB"])["role"] == "admin"


def _audit_table(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index('<table class="list" id="audit">'):]


def test_audit_page_filters_and_csv_round_trips(app, admin_client, make_user):
    name, _ = make_user("staff")
    log_in(app.test_client(), name, "wrong password")
    page = _audit_table(admin_client.get("/admin/audit", query_string={"actor": name}))
    assert "login_failed" in page and "user_create" not in page  # created by the helper: actor is None
    everything = _audit_table(admin_client.get("/admin/audit"))
    assert "user_create" in everything and "<td>admin01</td><td>login</td>" in everything
    export = admin_client.get("/admin/audit.csv", query_string={"action": "login_failed"})
    assert export.status_code == 200 and export.mimetype == "text/csv"
    rows = audit.from_csv(export.get_data(as_text=True))
    assert rows and {r["action"] for r in rows} == {"login_failed"}
    with records.session_scope(app.config["DB"]) as session:
        assert rows == audit.events(session, action="login_failed", limit=None)
        assert audit.events(session, action="audit_export")[0]["actor"] == "admin01"


def test_create_user_command_takes_every_role(app):
    runner = app.test_cli_runner()
    for role in ROLES:
        result = runner.invoke(args=["create-user", f"cli-{role}", "--role", role, "--password", "cli password"])
        assert result.exit_code == 0, result.output
        assert records.get_user_by_name(f"cli-{role}", url=app.config["DB"])["role"] == role
    bad = runner.invoke(args=["create-user", "cli-x", "--role", "root", "--password", "cli password"])
    assert bad.exit_code != 0
    with records.session_scope(app.config["DB"]) as session:
        assert {e["actor"] for e in audit.events(session, action="user_create")} == {"cli"}


@pytest.fixture(scope="module")
def postgres_url():
    """A database on a real PostgreSQL server (Debian's package), for this module."""
    from tests.records.pg import PostgresServer

    server = PostgresServer().start()
    url = server.new_database()
    yield url
    records.db.dispose(url)
    server.stop()


@pytest.mark.postgres
def test_web_app_on_postgresql(make_app, postgres_url):
    app = make_app(DATABASE_URL=postgres_url, LOGIN_MAX_FAILURES=2)
    app.test_cli_runner().invoke(args=["create-user", "pg-admin", "--role", "admin", "--password", "pg password"])
    admin = app.test_client()
    assert log_in(admin, "PG-ADMIN", "pg password").status_code == 302
    assert 'data-user="pg-admin"' in admin.get("/admin/").get_data(as_text=True)
    thief = make_app(DATABASE_URL=postgres_url).test_client()
    _copy_session(admin, thief)
    assert thief.get("/admin/").status_code == 200
    _logout(admin)
    assert thief.get("/admin/").status_code == 302
    for _ in range(2):
        log_in(admin, "pg-admin", "wrong password")
    assert "已锁定" in log_in(make_app(DATABASE_URL=postgres_url).test_client(), "pg-admin",
                            "pg password").get_data(as_text=True)
    assert records.get_user_by_name("pg-admin", url=postgres_url)["locked_until"]
    assert not Path(app.config["DB"]).exists()  # nothing went to the SQLite file
