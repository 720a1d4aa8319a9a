"""A battery of malformed inputs against every route of the app (found from its url_map, so a new route is
covered), anonymous and logged in as an admin, plus field-level cases per endpoint: each must get a 4xx in the
project's one error shape (JSON for the API, the HTML error page for pages) — never a 500.

The table is built at collection time; `test_battery_is_large_enough` asserts its size (≥ 150 cases).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

import records

# ---- the table ------------------------------------------------------------------------------------

LONE_SURROGATE = "\ud800学位"
DEEP_JSON = "[" * 10_000 + "]" * 10_000
DEEP_OBJECT = '{"a":' * 10_000 + "1" + "}" * 10_000
HUGE_BODY = "学" * 70_000  # over MAX_CONTENT_LENGTH (64 KiB)
BIG_NUMBER = "9" * 5000
LONG_QUERY = "x" * 9000  # over validation.MAX_QUERY_STRING_BYTES
VERBS = ("GET", "POST", "PUT", "DELETE", "PATCH")


@dataclass
class Case:
    """One malformed request and the 4xx status it must get."""

    id: str
    method: str
    path: str
    status: int
    query: str = ""
    body: bytes | str | None = None
    content_type: str | None = None
    json_body: Any = None
    as_admin: bool = False
    words: str = ""  # part of the error message, when the case checks what residents are told
    rule: str = ""  # the url_map rule a route case was made for

    def send(self, client):
        """Send the request with Flask's test client."""
        kwargs: dict[str, Any] = {"method": self.method}
        if self.json_body is not None:
            kwargs["data"] = json.dumps(self.json_body)  # ensure_ascii: a lone surrogate travels as \ud800
            kwargs["content_type"] = "application/json"
        elif self.body is not None:
            kwargs["data"] = self.body
            kwargs["content_type"] = self.content_type or "application/octet-stream"
        url = self.path + ("?" + self.query if self.query else "")
        return client.open(url, **kwargs)


def _app_rules() -> list[tuple[str, frozenset[str], dict[str, str]]]:
    """(rule, methods, converter of each argument) for every route of a freshly built app."""
    import tempfile

    from web import create_app

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "DB": f"{folder}/rules.sqlite", "DATABASE_URL": "", "SECRET_KEY": "x"})
        rules = [(rule.rule, frozenset(rule.methods - {"HEAD", "OPTIONS"}),
                  {name: type(conv).__name__ for name, conv in rule._converters.items()})
                 for rule in app.url_map.iter_rules()]
    return sorted(rules)


def _sample_path(rule: str, converters: dict[str, str], **override: str) -> str:
    """The rule with each argument filled: 1 for numbers, a plausible word otherwise (or `override`)."""
    path = rule
    for name, converter in converters.items():
        value = override.get(name) or ("1" if converter in ("IntegerConverter", "NumberConverter") else
                                       "site.css" if converter == "PathConverter" else "p-1")
        path = re.sub(r"<(?:[^:<>]+:)?" + name + ">", value, path)
    return path


def route_cases(as_admin: bool) -> list[Case]:
    """The malformed requests every route gets, whatever it does."""
    who = "admin" if as_admin else "anon"
    cases: list[Case] = []
    paths_methods: dict[str, set[str]] = {}
    rules = _app_rules()
    for rule, methods, converters in rules:
        paths_methods.setdefault(_sample_path(rule, converters), set()).update(methods)
    for rule, methods, converters in rules:
        path = _sample_path(rule, converters)
        method = "POST" if "POST" in methods else sorted(methods)[0]
        tag = f"{who}:{method}:{rule}"
        first = len(cases)
        unused = [verb for verb in VERBS if verb not in paths_methods[path]]
        if unused:
            cases.append(Case(f"{tag}:method-{unused[-1]}", unused[-1], path, 405, as_admin=as_admin))
        cases += [
            Case(f"{tag}:query-8k", method, path, 414, query="q=" + LONG_QUERY, as_admin=as_admin),
            Case(f"{tag}:query-nul", method, path, 400, query="q=%00", as_admin=as_admin),
            Case(f"{tag}:query-crlf", method, path, 400, query="next=%2F%0D%0ASet-Cookie:x=1", as_admin=as_admin),
            Case(f"{tag}:query-rtl", method, path, 400, query="q=%E2%80%AE%E5%AD%A6", as_admin=as_admin),
            Case(f"{tag}:query-superscript", method, path, 400, query="page=%C2%B2", as_admin=as_admin),
            Case(f"{tag}:query-5000-digits", method, path, 400, query="page=" + BIG_NUMBER, as_admin=as_admin),
        ]
        for name, converter in converters.items():
            if converter in ("IntegerConverter", "NumberConverter"):
                huge = _sample_path(rule, converters, **{name: "9" * 30})
                cases.append(Case(f"{tag}:path-{name}-30-digits", method, huge, 404, as_admin=as_admin))
            else:
                nul = _sample_path(rule, converters, **{name: "a%00b"})
                cases.append(Case(f"{tag}:path-{name}-nul", method, nul, 404, as_admin=as_admin))
        if "POST" in methods:
            cases += [
                Case(f"{tag}:json-10000-deep", "POST", path, 400, body=DEEP_JSON, content_type="application/json",
                     as_admin=as_admin),
                Case(f"{tag}:json-surrogate", "POST", path, 400, json_body={"message": LONE_SURROGATE},
                     as_admin=as_admin),
                Case(f"{tag}:form-nul", "POST", path, 400, body="a=%00", as_admin=as_admin,
                     content_type="application/x-www-form-urlencoded"),
                Case(f"{tag}:body-70k", "POST", path, 413, body=HUGE_BODY.encode(), as_admin=as_admin,
                     content_type="application/x-www-form-urlencoded"),
            ]
        for case in cases[first:]:
            case.rule = rule
    return cases


def _chat(message: Any, **extra: Any) -> dict[str, Any]:
    return {"sender": "tester", "message": message, **extra}


def _feedback(**fields: Any) -> dict[str, Any]:
    return {"sender": "tester", "helpful": False, **fields}


FIELD_CASES = [
    # /api/chat: bodies and content types
    Case("chat:surrogate", "POST", "/api/chat", 400, json_body=_chat(LONE_SURROGATE), words="代理字符"),
    Case("chat:nul", "POST", "/api/chat", 400, json_body=_chat("学位\x00"), words="控制字符"),
    Case("chat:escape-sequence", "POST", "/api/chat", 400, json_body=_chat("\x1b[31m学位"), words="控制字符"),
    Case("chat:rtl-override", "POST", "/api/chat", 400, json_body=_chat("\u202e位学"), words="文字方向"),
    Case("chat:rtl-isolate", "POST", "/api/chat", 400, json_body=_chat("学位\u2067"), words="文字方向"),
    Case("chat:whitespace", "POST", "/api/chat", 400, json_body=_chat("\u3000 \n"), words="不能为空"),
    Case("chat:501-chars", "POST", "/api/chat", 400, json_body=_chat("学" * 501), words="500字"),
    Case("chat:number", "POST", "/api/chat", 400, json_body=_chat(12345), words="文字"),
    Case("chat:5000-digit-number", "POST", "/api/chat", 400, body='{"sender":"a","message":' + BIG_NUMBER + "}",
         content_type="application/json", words="JSON"),
    Case("chat:bool", "POST", "/api/chat", 400, json_body=_chat(True), words="文字"),
    Case("chat:null", "POST", "/api/chat", 400, json_body=_chat(None), words="message"),
    Case("chat:list", "POST", "/api/chat", 400, json_body=_chat(["学位"]), words="文字"),
    Case("chat:object", "POST", "/api/chat", 400, json_body=_chat({"text": "学位"}), words="文字"),
    Case("chat:top-level-array", "POST", "/api/chat", 400, json_body=["学位"], words="JSON"),
    Case("chat:top-level-string", "POST", "/api/chat", 400, json_body="学位", words="JSON"),
    Case("chat:top-level-number", "POST", "/api/chat", 400, body="42", content_type="application/json"),
    Case("chat:json-null", "POST", "/api/chat", 400, body="null", content_type="application/json"),
    Case("chat:empty-body", "POST", "/api/chat", 400, body="", content_type="application/json"),
    Case("chat:truncated-json", "POST", "/api/chat", 400, body='{"sender": "a", "mess', content_type="application/json"),
    Case("chat:not-utf8", "POST", "/api/chat", 400, body=b'{"sender":"a","message":"\xff\xfe"}',
         content_type="application/json"),
    Case("chat:nested-object-10000", "POST", "/api/chat", 400, body=DEEP_OBJECT, content_type="application/json",
         words="嵌套"),
    Case("chat:nested-20", "POST", "/api/chat", 400, json_body=_chat("学位", extra=json.loads("[" * 20 + "]" * 20)),
         words="嵌套"),
    Case("chat:surrogate-in-key", "POST", "/api/chat", 400, json_body={"sender": "a", "message": "学位", "\udfff": 1}),
    Case("chat:text-plain", "POST", "/api/chat", 400, body='{"sender":"a","message":"学位"}', content_type="text/plain"),
    Case("chat:form", "POST", "/api/chat", 400, body="sender=a&message=学位",
         content_type="application/x-www-form-urlencoded"),
    Case("chat:multipart", "POST", "/api/chat", 400, body=b"--x\r\n\r\n--x--", content_type="multipart/form-data; boundary=x"),
    Case("chat:xml", "POST", "/api/chat", 400, body="<message>学位</message>", content_type="application/xml"),
    Case("chat:huge-json", "POST", "/api/chat", 413, json_body=_chat("学" * 40_000)),
    Case("chat:get", "GET", "/api/chat", 405),
    Case("chat:put", "PUT", "/api/chat", 405, json_body=_chat("学位")),
    # sender ids
    Case("sender:trailing-newline", "POST", "/api/chat", 400, json_body={"sender": "alice\n", "message": "学位"},
         words="sender"),
    Case("sender:crlf", "POST", "/api/chat", 400, json_body={"sender": "alice\r\n", "message": "学位"}, words="sender"),
    Case("sender:1000-chars", "POST", "/api/chat", 400, json_body={"sender": "a" * 1000, "message": "学位"},
         words="sender"),
    Case("sender:empty", "POST", "/api/chat", 400, json_body={"sender": "", "message": "学位"}, words="sender"),
    Case("sender:space", "POST", "/api/chat", 400, json_body={"sender": "a b", "message": "学位"}, words="sender"),
    Case("sender:number", "POST", "/api/chat", 400, json_body={"sender": 7, "message": "学位"}, words="sender"),
    Case("sender:chinese", "POST", "/api/chat", 400, json_body={"sender": "居民", "message": "学位"}, words="sender"),
    Case("sender:fullwidth-digits", "POST", "/api/chat", 400, json_body={"sender": "１２３", "message": "学位"},
         words="sender"),
    # /api/search
    Case("search:section-superscript", "GET", "/api/search", 400, query="q=学位&section=%C2%B2", words="0-9"),
    Case("search:section-arabic-indic", "GET", "/api/search", 400, query="q=学位&section=%D9%A3", words="0-9"),
    Case("search:section-5000-digits", "GET", "/api/search", 400, query="q=学位&section=" + BIG_NUMBER, words="位数"),
    Case("search:section-negative", "GET", "/api/search", 400, query="q=学位&section=-1", words="section"),
    Case("search:section-zero", "GET", "/api/search", 400, query="q=学位&section=0", words="section"),
    Case("search:section-float", "GET", "/api/search", 400, query="q=学位&section=1.5", words="section"),
    Case("search:k-fullwidth", "GET", "/api/search", 400, query="q=学位&k=%EF%BC%95", words="0-9"),
    Case("search:k-5000-digits", "GET", "/api/search", 400, query="q=学位&k=" + BIG_NUMBER, words="位数"),
    Case("search:k-exponent", "GET", "/api/search", 400, query="q=学位&k=1e3", words="k"),
    Case("search:q-nul", "GET", "/api/search", 400, query="q=%E5%AD%A6%00", words="控制字符"),
    Case("search:q-newline", "GET", "/api/search", 400, query="q=%E5%AD%A6%0A%E4%BD%8D", words="控制字符"),
    Case("search:q-rtl", "GET", "/api/search", 400, query="q=%E2%80%AE%E5%AD%A6", words="文字方向"),
    Case("search:q-emoji", "GET", "/api/search", 400, query="q=%F0%9F%98%80", words="没有文字"),
    Case("search:q-bad-utf8", "GET", "/api/search", 400, query="q=%ED%A0%80", words="UTF-8"),
    Case("search:q-missing", "GET", "/api/search", 400, words="q"),
    Case("search:q-too-long", "GET", "/api/search", 400, query="q=" + "学" * 501, words="500字"),
    Case("search:query-string-9k", "GET", "/api/search", 414, query="q=" + LONG_QUERY, words="网址太长"),
    Case("search:post", "POST", "/api/search", 405, json_body={"q": "学位"}),
    # /api/passages
    Case("passage:unknown", "GET", "/api/passages/no-such-passage", 404, words="原文"),
    Case("passage:nul", "GET", "/api/passages/a%00b", 404),
    Case("passage:rtl", "GET", "/api/passages/%E2%80%AEp1", 404),
    Case("passage:1000-chars", "GET", "/api/passages/" + "a" * 1000, 404),
    Case("passage:dots", "GET", "/api/passages/..%2F..%2Fsecret", 404),
    Case("passage:trailing-newline", "GET", "/api/passages/p1%0A", 404),
    # /api/feedback
    Case("feedback:unknown-passage", "POST", "/api/feedback", 404, json_body=_feedback(passage_id="made-up-1"),
         words="找不到原文段落"),
    Case("feedback:unknown-message", "POST", "/api/feedback", 404, json_body=_feedback(message_id="never-shown"),
         words="找不到这条回答"),
    Case("feedback:id-newline", "POST", "/api/feedback", 400, json_body=_feedback(passage_id="p1\n"),
         words="passage_id"),
    Case("feedback:id-list", "POST", "/api/feedback", 400, json_body=_feedback(message_id=["m1"]), words="message_id"),
    Case("feedback:helpful-string", "POST", "/api/feedback", 400,
         json_body={"sender": "a", "helpful": "false", "passage_id": "p1"}, words="helpful"),
    Case("feedback:helpful-number", "POST", "/api/feedback", 400,
         json_body={"sender": "a", "helpful": 0, "passage_id": "p1"}, words="helpful"),
    Case("feedback:comment-surrogate", "POST", "/api/feedback", 400,
         json_body=_feedback(passage_id="p1", comment=LONE_SURROGATE), words="代理字符"),
    Case("feedback:comment-nul", "POST", "/api/feedback", 400, json_body=_feedback(passage_id="p1", comment="a\x00"),
         words="控制字符"),
    Case("feedback:comment-list", "POST", "/api/feedback", 400, json_body=_feedback(passage_id="p1", comment=["x"]),
         words="补充说明"),
    Case("feedback:comment-501", "POST", "/api/feedback", 400, json_body=_feedback(passage_id="p1", comment="x" * 501),
         words="500字"),
    Case("feedback:reason-number", "POST", "/api/feedback", 400, json_body=_feedback(passage_id="p1", reason=3),
         words="reason"),
    Case("feedback:nothing-rated", "POST", "/api/feedback", 400, json_body=_feedback(), words="message_id"),
    Case("feedback:sender-newline", "POST", "/api/feedback", 400,
         json_body={"sender": "a\n", "helpful": True, "passage_id": "p1"}, words="sender"),
    Case("feedback:deep", "POST", "/api/feedback", 400, body=DEEP_JSON, content_type="application/json"),
    Case("feedback:get", "GET", "/api/feedback", 405),
    # staff login: next= (CRLF, open redirects)
    Case("login:next-crlf", "GET", "/staff/login", 400, query="next=%2Fstaff%2F%0D%0ALocation:%20http://evil"),
    Case("login:next-backslash", "GET", "/staff/login", 400, query="next=/%5Cevil.example", words="本站"),
    Case("login:next-backslash-logged-in", "GET", "/staff/login", 400, query="next=/%5C%5Cevil.example",
         as_admin=True, words="本站"),
    Case("login:next-tab", "GET", "/staff/login", 400, query="next=/%09/evil.example", as_admin=True),
    Case("login:next-crlf-logged-in", "GET", "/staff/login", 400, query="next=%2Fstaff%2F%0D%0ASet-Cookie:%20a=b",
         as_admin=True, words="控制字符"),
    Case("login:post-next-lf", "POST", "/staff/login", 400, query="next=/staff/%0Ax",
         body="username=a&password=b", content_type="application/x-www-form-urlencoded"),
    Case("login:form-nul", "POST", "/staff/login", 400, body="username=a%00&password=b",
         content_type="application/x-www-form-urlencoded"),
    Case("login:json", "POST", "/staff/login", 400, json_body={"username": "a", "password": "b"}),
    # the staff console and the admin pages, logged in
    Case("staff:section-superscript", "GET", "/staff/search.json", 400, query="q=学位&section=%C2%B2", as_admin=True,
         words="0-9"),
    Case("staff:section-5000-digits", "GET", "/staff/search.json", 400, query="q=学位&section=" + BIG_NUMBER,
         as_admin=True, words="位数"),
    Case("staff:section-arabic-indic", "GET", "/staff/search.json", 400, query="q=学位&section=%D9%A3", as_admin=True),
    Case("staff:k-superscript", "GET", "/staff/search.json", 400, query="q=学位&k=%C2%B3", as_admin=True),
    Case("staff:k-5000-digits", "GET", "/staff/search.json", 400, query="q=学位&k=-" + BIG_NUMBER, as_admin=True),
    Case("staff:q-emoji", "GET", "/staff/search.json", 400, query="q=%F0%9F%91%8D", as_admin=True, words="没有文字"),
    Case("staff:q-nul", "GET", "/staff/search.json", 400, query="q=%00", as_admin=True),
    Case("staff:page-superscript", "GET", "/staff/", 400, query="page=%C2%B2", as_admin=True),
    Case("staff:page-5000-digits", "GET", "/staff/", 400, query="closed_page=" + BIG_NUMBER, as_admin=True),
    Case("staff:date-newline", "GET", "/staff/", 400, query="since=2026-11-29%0A", as_admin=True),
    Case("staff:handoff-huge-id", "POST", "/staff/handoffs/" + "9" * 25 + "/status", 404, as_admin=True),
    Case("admin:audit-nul", "GET", "/admin/audit", 400, query="actor=%00", as_admin=True),
    Case("admin:audit-rtl", "GET", "/admin/audit.csv", 400, query="target=%E2%80%AE", as_admin=True),
    Case("admin:user-huge-id", "POST", "/admin/users/" + "9" * 40 + "/role", 404, as_admin=True),
    Case("admin:draft-huge-id", "GET", "/admin/drafts/" + "9" * 40, 404, as_admin=True),
    Case("admin:create-user-nul", "POST", "/admin/users", 400, body="username=a%00b&password=12345678&role=staff",
         content_type="application/x-www-form-urlencoded", as_admin=True),
    Case("admin:rollback-control", "POST", "/admin/versions/%01/rollback", 404, as_admin=True),
    Case("admin:upload-json", "POST", "/admin/documents/upload", 400, json_body={"file": "x"}, as_admin=True),
    # pages and static files
    Case("page:static-nul", "GET", "/static/site.css%00.js", 404),
    Case("page:static-traversal", "GET", "/static/..%2F..%2Fsettings.py", 404),
    Case("page:index-delete", "DELETE", "/", 405),
    Case("page:widget-post", "POST", "/widget.js", 405),
    Case("page:healthz-post", "POST", "/healthz", 405),
    Case("page:healthz-query-nul", "GET", "/healthz", 400, query="verbose=%00"),
]

ANON_ROUTE_CASES = route_cases(as_admin=False)
ADMIN_ROUTE_CASES = route_cases(as_admin=True)
ALL_CASES = FIELD_CASES + ANON_ROUTE_CASES + ADMIN_ROUTE_CASES


# ---- the checks -----------------------------------------------------------------------------------

def is_json_route(path: str) -> bool:
    """Where the app answers errors in JSON (the API, /healthz, the console's .json): web/errors.py's rule."""
    return path.startswith("/api/") or path == "/healthz" or (path.startswith("/staff/") and path.endswith(".json"))


def assert_clean_error(response, case: Case) -> None:
    """A 4xx of the expected status in the error shape of the route's kind; never a stack trace."""
    text = response.get_data(as_text=True)
    assert response.status_code == case.status, f"{case.id}: {response.status_code} {text[:300]}"
    assert "Traceback" not in text
    if is_json_route(case.path.split("?")[0]):
        body = response.get_json()
        assert set(body) == {"ok", "error", "status"}, body
        assert body["ok"] is False and body["status"] == case.status and body["error"]
        message = body["error"]
    else:
        assert response.mimetype == "text/html", case.id
        assert f"出错了（{case.status}）" in text
        message = text
    assert case.words in message, f"{case.id}: {message[:300]}"


@pytest.fixture(scope="module")
def battery_app(kb, tmp_path_factory, dead_url):
    """One app (on its own database) for the whole battery; rate limits out of the way (tested below)."""
    from web import create_app

    db = tmp_path_factory.mktemp("bad_inputs") / "app.sqlite"
    app = create_app({"TESTING": True, "KB": kb, "DB": str(db), "DATABASE_URL": "", "SECRET_KEY": "battery",
                      "RASA_URL": dead_url, "ACTIONS_URL": dead_url, "HEALTH_TIMEOUT": 0.3})
    for key in [key for key in app.config if key.endswith("RATE_LIMIT")]:
        app.config[key] = "100000 per minute"
    yield app
    records.db.dispose(db)


@pytest.fixture(scope="module")
def clients(battery_app):
    """{False: an anonymous client, True: a client logged in as an admin}."""
    from web.auth import add_user
    from web_helpers import log_in

    add_user("battery-admin", "battery password 1", role="admin", db=battery_app.config["DB"])
    admin = battery_app.test_client()
    assert log_in(admin, "battery-admin", "battery password 1").status_code == 302
    return {False: battery_app.test_client(), True: admin}


@pytest.mark.parametrize("case", ALL_CASES, ids=[case.id for case in ALL_CASES])
def test_bad_input_gets_a_clean_4xx(case, clients):
    assert_clean_error(case.send(clients[case.as_admin]), case)
    if case.as_admin:  # still logged in: the case was refused before any view could end the session
        assert clients[True].get("/staff/").status_code == 200


def test_battery_is_large_enough():
    ids = [case.id for case in ALL_CASES]
    print(f"bad-input battery: {len(ids)} cases ({len(FIELD_CASES)} field cases, "
          f"{len(ANON_ROUTE_CASES)} + {len(ADMIN_ROUTE_CASES)} route cases)")
    assert len(ids) == len(set(ids)) and len(ids) >= 150


def test_every_route_is_in_the_battery():
    covered = {case.rule for case in ANON_ROUTE_CASES} & {case.rule for case in ADMIN_ROUTE_CASES}
    assert covered == {rule for rule, _, _ in _app_rules()}


# ---- what the bad inputs must not leave behind -----------------------------------------------------

def test_sender_with_a_newline_is_not_stored(client, app):
    assert client.post("/api/chat", json={"sender": "alice\n", "message": "学位"}).status_code == 400
    assert client.post("/api/chat", json={"sender": "alice", "message": "今年新增多少学位？"}).status_code == 200
    with records.session_scope(app.config["DB"]) as session:
        senders = {row.sender_id for row in session.query(records.BotMessage)}
    assert senders == {"alice"}


def test_feedback_needs_an_existing_answer_or_passage(make_app, kb):
    app = make_app(FEEDBACK_RATE_LIMIT="100 per minute")
    client = app.test_client()
    junk = [client.post("/api/feedback", json=_feedback(passage_id=f"junk-{i}")).status_code for i in range(5)]
    assert junk == [404] * 5
    assert records.recent_feedback(10, url=app.config["DB"]) == []
    real = client.post("/api/feedback", json=_feedback(passage_id=kb.passages[0].id, helpful=True))
    assert real.status_code == 201


def test_feedback_is_rate_limited(make_app, kb):
    client = make_app(FEEDBACK_RATE_LIMIT="3 per minute").test_client()
    body = {"helpful": True, "passage_id": kb.passages[0].id}
    # A new sender per call must not get round the limit.
    statuses = [client.post("/api/feedback", json={**body, "sender": f"s{i}"}).status_code for i in range(5)]
    assert statuses == [201, 201, 201, 429, 429]
    other = client.post("/api/feedback", json={**body, "sender": "x"}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 201


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)",
                                    "http:/evil.example", "/staff/../..//evil.example"])
def test_login_never_redirects_off_site(clients, target):
    # Logged in already, the login page redirects at once to next= (the path a successful login takes too).
    response = clients[True].get("/staff/login", query_string={"next": target})
    assert response.status_code == 302
    # Where a browser goes: the Location resolved against the page, as browsers do (backslashes read as slashes).
    location = urljoin("http://localhost/staff/login", response.headers["Location"].replace("\\", "/"))
    assert urlsplit(location).netloc == "localhost", location


@pytest.mark.parametrize("typed, expected", [
    ("/restart", "／restart"),
    ("  /session_start", "／session_start"),
    ("/back", "／back"),
    ('/session_start{"topic": "school"}', '／session_start{"topic": "school"}'),
    ("\u3000/restart", "／restart"),
    ("//restart", "／restart"),
    ('/ask_report{"topic": "school"}', '/ask_report{"topic": "school"}'),  # the widget's and the bot's buttons
    ("/request_human", "/request_human"),
    ("/deny", "/deny"),
    ("今年新增多少学位？", "今年新增多少学位？"),
])
def test_typed_control_payloads_reach_rasa_as_text(typed, expected):
    from web.validation import text_for_rasa

    assert text_for_rasa(typed) == expected


# ---- the real Rasa stack ----------------------------------------------------------------------------

@pytest.mark.rasa
def test_action_server_survives_a_lone_surrogate(rasa_stack):
    import urllib.request

    reply = rasa_stack.send("surrogate-sender", LONE_SURROGATE)  # sent as the JSON escape \ud800
    # An answer, not the silence of a failed action (which the widget shows as reduced mode).
    assert any("7530" in (message.get("text") or "") for message in reply), reply
    with urllib.request.urlopen(rasa_stack.actions_url + "/health", timeout=10) as response:
        assert response.status == 200
    assert any("7530" in (m.get("text") or "") for m in rasa_stack.send("surrogate-sender", "今年新增多少学位？"))


@pytest.mark.rasa
def test_typed_restart_is_answered_as_text_not_run(make_app, rasa_stack):
    client = make_app(RASA_URL=rasa_stack.rasa_url, ACTIONS_URL=rasa_stack.actions_url, RASA_TIMEOUT=60).test_client()
    for typed in ("/restart", "/session_start", "/back"):
        body = client.post("/api/chat", json={"sender": "typed-control", "message": typed}).get_json()
        assert body["mode"] == "normal" and any(m["text"] for m in body["messages"]), (typed, body)
