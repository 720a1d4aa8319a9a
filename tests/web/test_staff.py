"""Staff console, login/CSRF and the create-user command (Flask test client)."""
from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash

import records as store

from web_helpers import STAFF_PASSWORD, csrf_token, log_in


@pytest.mark.parametrize("path", ["/staff/", "/admin/"])
def test_pages_require_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login?next=")


def test_staff_search_json_requires_login(client):
    response = client.get("/staff/search.json?q=养老床位")
    assert response.status_code == 401
    assert response.get_json() == {"ok": False, "error": "请先登录。", "status": 401}


@pytest.mark.parametrize("path", ["/staff/", "/staff/search.json?q=学位"])
def test_pages_open_after_login(staff_client, path):
    assert staff_client.get(path).status_code == 200


def test_staff_cannot_open_admin(staff_client):
    response = staff_client.get("/admin/")
    assert response.status_code == 403 and "没有权限" in response.get_data(as_text=True)


def test_wrong_password_is_refused(client, staff_user):
    response = log_in(client, staff_user[0], "wrong password")
    assert response.status_code == 200 and "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302
    assert log_in(client, "nobody", STAFF_PASSWORD).status_code == 200


def test_login_form_needs_its_csrf_token(client, staff_user):
    response = client.post("/staff/login", data={"username": staff_user[0], "password": staff_user[1]})
    assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_login_redirects_only_inside_the_site(client, staff_user):
    page = client.get("/staff/login?next=//evil.example/x")
    response = client.post("/staff/login?next=//evil.example/x", data={
        "username": staff_user[0], "password": staff_user[1], "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.headers["Location"] == "/staff/"


def test_logout_is_a_csrf_protected_post(staff_client):
    assert staff_client.get("/staff/logout").status_code == 405
    assert staff_client.post("/staff/logout").status_code == 400  # no token: still logged in
    assert staff_client.get("/staff/").status_code == 200
    token = csrf_token(staff_client.get("/staff/").get_data(as_text=True))
    assert staff_client.post("/staff/logout", data={"csrf_token": token}).status_code == 302
    assert staff_client.get("/staff/").status_code == 302


def test_console_lists_handoffs_and_unanswered_newest_first_escaped(staff_client, app):
    db = app.config["DB"]
    store.record_unanswered("r1", "第一个问题：社保怎么转", url=db)
    store.record_unanswered("r2", "<script>alert('x')</script>我的电话13912345678", url=db)
    store.record_handoff("r3", "想找人工", transcript=[{"role": "user", "text": "想找人工<b>急</b>"}], url=db)
    html = staff_client.get("/staff/").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<b>急</b>" not in html and "&lt;b&gt;急&lt;/b&gt;" in html
    assert "13912345678" not in html and "139****5678" in html
    assert html.index("&lt;script&gt;alert") < html.index("第一个问题")  # newest first
    assert "想找人工" in html and "待处理转人工（1）" in html
    assert staff_client.get("/staff/").headers["X-Frame-Options"] == "DENY"


def test_console_offers_the_section_filter(staff_client):
    html = staff_client.get("/staff/").get_data(as_text=True)
    assert '<option value="7">七、围绕办实事、重保障' in html


def test_staff_search_highlights_and_builds_the_phone_script(staff_client):
    body = staff_client.get("/staff/search.json", query_string={"q": "养老床位"}).get_json()
    answer = body["answer"]
    quote = answer["citation"]["quote"]
    marked = [quote[s:e] for s, e in answer["quote_highlights"]]
    assert "180张" in marked
    assert answer["script"] == f"{quote}\n依据：2025年吴中区政府工作报告·第七部分·{answer['citation']['title']}"
    top = body["results"][0]
    words = {top["text"][s:e] for s, e in top["highlights"]}
    assert words & {"养老", "床位", "养老床位"}


def test_staff_search_section_filter(staff_client):
    body = staff_client.get("/staff/search.json", query_string={"q": "公交", "section": 4}).get_json()
    assert body["results"] and all(r["section"].startswith("四、") for r in body["results"])


@pytest.mark.parametrize("query", ["", "学" * 501])
def test_staff_search_rejects_bad_queries(staff_client, query):
    response = staff_client.get("/staff/search.json", query_string={"q": query})
    assert response.status_code == 400 and response.get_json()["ok"] is False


def test_create_user_command_hashes_the_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "zhang.san", "--password", "s3cret-pass"])
    assert result.exit_code == 0, result.output
    row = store.get_user_by_name("zhang.san", url=app.config["DB"])
    assert row["password_hash"] != "s3cret-pass" and check_password_hash(row["password_hash"], "s3cret-pass")
    assert row["role"] == "staff"
    duplicate = runner.invoke(args=["create-user", "zhang.san", "--password", "another-pass"])
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    short = runner.invoke(args=["create-user", "li.si", "--password", "short"])
    assert short.exit_code != 0 and "at least" in short.output
    piped = runner.invoke(args=["create-user", "wang.wu", "--role", "admin"], input="piped-password\n")
    assert piped.exit_code == 0 and store.get_user_by_name("wang.wu", url=app.config["DB"])["role"] == "admin"
    reset = runner.invoke(args=["create-user", "zhang.san", "--reset", "--password", "new-password"])
    assert reset.exit_code == 0
    row = store.get_user_by_name("zhang.san", url=app.config["DB"])
    assert check_password_hash(row["password_hash"], "new-password")


def test_created_user_can_log_in(app, client):
    app.test_cli_runner().invoke(args=["create-user", "hotline02", "--password", "hotline-pass"])
    assert log_in(client, "hotline02", "hotline-pass").status_code == 302
    assert "hotline02" in client.get("/staff/").get_data(as_text=True)


def test_login_is_rate_limited(make_app):
    app = make_app(LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    for _ in range(2):
        log_in(client, "nobody", "wrong password")
    assert log_in(client, "nobody", "wrong password").status_code == 429


def test_staff_close_and_reopen_a_handoff(staff_client, app):
    db = app.config["DB"]
    handoff_id = store.record_handoff("r9", "社保卡补办", url=db)
    html = staff_client.get("/staff/").get_data(as_text=True)
    assert f"#{handoff_id} 待处理" in html and "标记已处理" in html
    token = csrf_token(html)
    url = f"/staff/handoffs/{handoff_id}/status"
    assert staff_client.post(url, data={"status": "closed"}).status_code == 400  # no CSRF token
    assert store.recent_handoffs(1, url=db)[0]["status"] == "open"
    response = staff_client.post(url, data={"status": "closed", "csrf_token": token})
    assert response.status_code == 302
    assert store.recent_handoffs(1, url=db)[0]["status"] == "closed"
    assert f"#{handoff_id} 已处理" in staff_client.get("/staff/").get_data(as_text=True)
    assert staff_client.post(url, data={"status": "open", "csrf_token": token}).status_code == 302
    assert store.recent_handoffs(1, url=db)[0]["status"] == "open"
    with store.session_scope(db) as session:
        changes = store.audit.events(session, action="handoff_status")
    assert [(c["actor"], c["target"], c["detail"]["status"]) for c in changes] == [
        ("hotline01", f"handoff:{handoff_id}", "open"), ("hotline01", f"handoff:{handoff_id}", "closed")]
    assert staff_client.post(url, data={"status": "deleted", "csrf_token": token}).status_code == 400
    assert staff_client.post("/staff/handoffs/999/status", data={"status": "closed", "csrf_token": token}).status_code == 404


def test_handoff_status_requires_login(client, app):
    handoff_id = store.record_handoff("r9", "社保卡补办", url=app.config["DB"])
    assert client.post(f"/staff/handoffs/{handoff_id}/status", data={"status": "closed"}).status_code in (302, 400)
    assert store.recent_handoffs(1, url=app.config["DB"])[0]["status"] == "open"
