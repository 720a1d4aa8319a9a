"""The JSON API with Flask's test client, on the real knowledge base; Rasa is down here (reduced mode)."""
from __future__ import annotations

import json

import pytest

import records as store

CITATION_KEYS = {"passage_id", "document", "section", "title", "quote", "kb_version"}


def assert_error(response, status: int) -> dict:
    """The one error shape: {"ok": false, "error": "...", "status": N}."""
    assert response.status_code == status
    body = response.get_json()
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    return body


# ---- search ---------------------------------------------------------------------------------

def test_search_is_the_knowledge_cli_record(client, kb):
    from knowledge.cli import search_record

    body = client.get("/api/search", query_string={"q": "今年新增多少学位？"}).get_json()
    expected = json.loads(json.dumps(search_record(kb, "今年新增多少学位？", 5), ensure_ascii=False))
    assert body == expected
    assert len(body["results"]) == 5
    for result in body["results"]:
        assert {"passage_id", "document", "section", "title", "text", "score"} <= result.keys()
    assert "7530" in body["answer"]["citation"]["quote"]
    assert CITATION_KEYS | {"text"} <= body["answer"]["citation"].keys()


def test_search_k_and_section_filter(client):
    body = client.get("/api/search", query_string={"q": "公交", "k": 3}).get_json()
    assert len(body["results"]) == 3
    body = client.get("/api/search", query_string={"q": "公交线路", "k": 4, "section": 4}).get_json()
    assert body["results"] and all(r["section"].startswith("四、") for r in body["results"])
    assert "10条" in body["answer"]["citation"]["quote"]
    # The answer lives in part 4, so filtering on part 1 drops it.
    assert client.get("/api/search", query_string={"q": "公交线路", "section": 1}).get_json()["answer"] is None


def test_search_abstains_with_null_answer(client):
    body = client.get("/api/search", query_string={"q": "明天苏州会下雨吗"}).get_json()
    assert body["answer"] is None
    assert isinstance(body["results"], list)


@pytest.mark.parametrize("params, words", [
    ({}, "q"),
    ({"q": "   "}, "不能为空"),
    ({"q": "学" * 501}, "500字"),
    ({"q": "学位", "k": "0"}, "k"),
    ({"q": "学位", "k": "21"}, "k"),
    ({"q": "学位", "k": "abc"}, "k"),
    ({"q": "学位", "section": "七"}, "section"),
])
def test_search_rejects_bad_input(client, params, words):
    body = assert_error(client.get("/api/search", query_string=params), 400)
    assert words in body["error"]


# ---- passages -------------------------------------------------------------------------------

def test_passage_has_full_text_and_metadata(client, kb):
    hit = kb.search("新增学位7530个", k=1)[0]
    body = client.get(f"/api/passages/{hit.passage.id}").get_json()
    assert body["id"] == hit.passage.id
    assert body["text"] == hit.passage.text and "7530" in body["text"]
    assert body["document"] == "苏州市吴中区人民政府工作报告"
    assert body["section"] == hit.passage.section and body["title"] == hit.passage.title
    assert body["kb_version"] == kb.version
    assert body["text"] in body["paragraph"] and body["paragraph"].startswith(body["title"])


@pytest.mark.parametrize("passage_id", ["does-not-exist", "..%2F..%2Fetc", "x" * 100])
def test_unknown_passage_is_404(client, passage_id):
    assert_error(client.get(f"/api/passages/{passage_id}"), 404)


# ---- chat (reduced mode: Rasa is unreachable) -------------------------------------------------

def chat(client, message, sender="tester-1"):
    return client.post("/api/chat", json={"sender": sender, "message": message})


def test_chat_answers_from_the_report_when_rasa_is_down(client, app):
    response = chat(client, "今年新增多少学位？")
    assert response.status_code == 200
    body = response.get_json()
    assert body["mode"] == "reduced"
    notice, reply = body["messages"]
    assert notice["kind"] == "notice" and "降级模式" in notice["text"]
    assert "7530" in reply["text"]
    assert CITATION_KEYS <= reply["citation"].keys() and "7530" in reply["citation"]["quote"]
    ids = [m["message_id"] for m in body["messages"]]
    assert len(set(ids)) == 2 and all(ids)
    stored = store.get_bot_message(reply["message_id"], url=app.config["DB"])
    assert stored["passage_id"] == reply["citation"]["passage_id"] and stored["mode"] == "reduced"


def test_chat_reduced_mode_answers_english(client):
    body = chat(client, "How many new bus stops will be added?").get_json()
    assert "Reduced mode" in body["messages"][0]["text"]
    assert "20" in body["messages"][1]["citation"]["quote"]


def test_chat_reduced_mode_records_unanswered_and_offers_12345(client, app):
    body = chat(client, "东山景区门票多少钱？我的号码13912345678，证件320506199001011234").get_json()
    reply = body["messages"][1]
    assert "citation" not in reply and "12345" in reply["text"]
    assert reply["buttons"][0]["payload"] == "/request_human"
    (row,) = store.recent_unanswered(5, url=app.config["DB"])
    assert "320506199001011234" not in row["question"] and "13912345678" not in row["question"]
    assert "139****5678" in row["question"]
    shown = store.get_bot_message(reply["message_id"], url=app.config["DB"])
    assert "13912345678" not in shown["question"]


def test_chat_reduced_mode_handoff_is_recorded(client, app):
    body = chat(client, "/request_human").get_json()
    assert body["messages"][1]["handoff"] is True and "12345" in body["messages"][1]["text"]
    (handoff,) = store.recent_handoffs(5, url=app.config["DB"])
    assert handoff["sender_id"] == "tester-1"


def test_chat_reduced_mode_topic_button(client):
    body = chat(client, '/ask_report{"topic": "elder_care"}').get_json()
    assert "180张" in body["messages"][1]["citation"]["quote"]


def test_chat_accepts_exactly_500_characters(client):
    assert chat(client, "学位" * 250).status_code == 200


@pytest.mark.parametrize("payload, words", [
    ({"sender": "a"}, "message"),
    ({"sender": "a", "message": ""}, "不能为空"),
    ({"sender": "a", "message": " \n\t "}, "不能为空"),
    ({"sender": "a", "message": "学" * 501}, "500字"),
    ({"sender": "a", "message": 123}, "文字"),
    ({"sender": "a", "message": ["今年新增多少学位"]}, "文字"),
    ({"sender": "a", "message": {"text": "x"}}, "文字"),
    ({"message": "学位"}, "sender"),
    ({"sender": "<script>", "message": "学位"}, "sender"),
    ({"sender": "a" * 65, "message": "学位"}, "sender"),
])
def test_chat_rejects_bad_messages(client, payload, words):
    body = assert_error(client.post("/api/chat", json=payload), 400)
    assert words in body["error"]


@pytest.mark.parametrize("data, content_type", [
    ("今年新增多少学位", "text/plain"),
    ("{not json", "application/json"),
    ('["a", "b"]', "application/json"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
])
def test_chat_rejects_non_json_payloads(client, data, content_type):
    assert_error(client.post("/api/chat", data=data, content_type=content_type), 400)


# ---- feedback -------------------------------------------------------------------------------

def test_feedback_is_stored_and_a_second_vote_replaces_the_first(client, app):
    reply = chat(client, "今年新增多少学位？").get_json()["messages"][1]
    response = client.post("/api/feedback", json={"sender": "tester-1", "message_id": reply["message_id"],
                                                  "helpful": False, "reason": "wrong_figure",
                                                  "comment": "我的电话是13912345678"})
    assert response.status_code == 201 and response.get_json()["ok"] is True
    (row,) = store.recent_feedback(5, url=app.config["DB"])
    assert row["helpful"] == 0 and row["reason"] == "wrong_figure"
    assert row["passage_id"] == reply["citation"]["passage_id"]
    assert "学位" in row["question"] and "7530" in row["answer"]
    assert "13912345678" not in row["comment"]
    client.post("/api/feedback", json={"sender": "tester-1", "message_id": reply["message_id"], "helpful": True})
    (row,) = store.recent_feedback(5, url=app.config["DB"])
    assert row["helpful"] == 1 and row["reason"] is None


def test_feedback_on_a_passage_only(client, app, kb):
    passage_id = kb.passages[0].id
    assert client.post("/api/feedback", json={"sender": "s1", "passage_id": passage_id, "helpful": True}).status_code == 201
    assert store.recent_feedback(1, url=app.config["DB"])[0]["passage_id"] == passage_id


@pytest.mark.parametrize("payload, status", [
    ({"sender": "s1", "message_id": "m1"}, 400),                                     # helpful missing
    ({"sender": "s1", "message_id": "m1", "helpful": "yes"}, 400),                   # not a bool
    ({"sender": "s1", "helpful": False}, 400),                                       # nothing to rate
    ({"sender": "s1", "passage_id": "p1", "helpful": False, "reason": "ugly"}, 400),  # unknown reason
    ({"sender": "s1", "passage_id": "p1", "helpful": False, "comment": "x" * 501}, 400),
    ({"helpful": True, "passage_id": "p1"}, 400),                                    # no sender
    ({"sender": "s1", "message_id": "never-shown", "helpful": True}, 404),
])
def test_feedback_rejects_bad_input(client, payload, status):
    assert_error(client.post("/api/feedback", json=payload), status)


# ---- limits, errors, CORS -------------------------------------------------------------------

def test_chat_is_rate_limited_per_client(make_app):
    client = make_app(CHAT_RATE_LIMIT="2 per minute").test_client()
    assert chat(client, "学位").status_code == 200
    assert chat(client, "学位").status_code == 200
    response = chat(client, "学位")
    body = assert_error(response, 429)
    assert "频繁" in body["error"] and response.headers.get("Retry-After")
    # Another client (address) still gets answers.
    other = client.post("/api/chat", json={"sender": "b", "message": "学位"}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_search_is_rate_limited(make_app):
    client = make_app(SEARCH_RATE_LIMIT="1 per minute").test_client()
    assert client.get("/api/search?q=学位").status_code == 200
    assert_error(client.get("/api/search?q=学位"), 429)


@pytest.mark.parametrize("method, path, status", [
    ("get", "/api/no-such-endpoint", 404),
    ("get", "/api/chat", 405),
    ("delete", "/api/feedback", 405),
])
def test_http_errors_have_the_error_shape(client, method, path, status):
    assert_error(getattr(client, method)(path), status)


def test_oversized_body_is_413(client):
    big = json.dumps({"sender": "a", "message": "学" * 40000})
    assert_error(client.post("/api/chat", data=big, content_type="application/json"), 413)


def test_unexpected_errors_do_not_leak_a_stack_trace(make_app):
    class BrokenKB:
        version = "x"

        def answer(self, query, context=None):
            raise RuntimeError("secret internals")

    client = make_app(KB=BrokenKB()).test_client()
    body = assert_error(chat(client, "学位"), 500)
    assert "secret" not in body["error"] and "Traceback" not in json.dumps(body)


def test_cors_allows_only_configured_origins(make_app):
    client = make_app(WIDGET_ORIGINS="https://www.szwz.gov.cn, http://localhost:9000").test_client()
    allowed = {"Origin": "https://www.szwz.gov.cn", "Access-Control-Request-Method": "POST",
               "Access-Control-Request-Headers": "content-type"}
    preflight = client.options("/api/chat", headers=allowed)
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://www.szwz.gov.cn"
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
    response = client.post("/api/chat", json={"sender": "a", "message": "学位"}, headers={"Origin": "http://localhost:9000"})
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "http://localhost:9000"

    evil = client.options("/api/chat", headers={**allowed, "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in evil.headers
    body = assert_error(client.post("/api/chat", json={"sender": "a", "message": "学位"},
                                    headers={"Origin": "https://evil.example"}), 403)
    assert "未获授权" in body["error"]
    # The app's own pages are always allowed.
    same = client.get("/api/search?q=学位", headers={"Origin": "http://localhost"})
    assert same.status_code == 200


def test_openapi_documents_every_api_route(app, client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"ok", "error", "status"}
    for rule in app.url_map.iter_rules():
        if not (rule.rule.startswith("/api/") or rule.rule == "/healthz"):
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        assert path in document["paths"], f"{rule.rule} is not documented"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = document["paths"][path].get(method.lower())
            assert operation, f"{method} {rule.rule} is not documented"
            errors = [code for code in operation["responses"] if code[0] in "45"]
            if rule.rule != "/api/openapi.json":
                assert errors, f"{method} {rule.rule} documents no error response"


def test_healthz_reports_each_part(client, kb):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["state"] == "degraded" and body["web"]["ok"] is True
    assert body["knowledge"] == {"ok": True, "version": kb.version, "passages": len(kb.passages)}
    assert body["rasa"]["ok"] is False and body["actions"]["ok"] is False


def test_healthz_and_chat_without_a_knowledge_base(make_app, tmp_path):
    client = make_app(KB=None, KB_DIR=str(tmp_path / "no-kb")).test_client()
    body = assert_error(client.get("/healthz"), 503)
    assert body["state"] == "down" and body["knowledge"]["ok"] is False
    assert "知识库" in assert_error(chat(client, "学位"), 503)["error"]


def test_pages_send_security_headers(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    widget = client.get("/widget.js")
    assert widget.mimetype == "text/javascript" and b"attachShadow" in widget.data


def test_rate_limits_count_clients_behind_a_trusted_proxy(make_app):
    client = make_app(CHAT_RATE_LIMIT="1 per minute", PROXY_HOPS=1).test_client()
    first = {"X-Forwarded-For": "203.0.113.7"}
    assert client.post("/api/chat", json={"sender": "a", "message": "学位"}, headers=first).status_code == 200
    assert client.post("/api/chat", json={"sender": "a", "message": "学位"}, headers=first).status_code == 429
    other = {"X-Forwarded-For": "203.0.113.8"}
    assert client.post("/api/chat", json={"sender": "b", "message": "学位"}, headers=other).status_code == 200


def test_widget_is_small_and_inserts_text_only():
    from pathlib import Path

    static = Path(__file__).resolve().parents[2] / "web" / "static"
    js, css = (static / "widget.js").read_text(encoding="utf-8"), (static / "widget.css").read_text(encoding="utf-8")
    assert len(js.encode()) + len(css.encode()) <= 50 * 1024
    for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert risky not in js
