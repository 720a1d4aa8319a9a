"""Curated answers with the test client: each role on each route, four eyes, versions, retire, audit rows,
prefilled phrasings, bad input, and the reduced-mode chat serving a NEW paraphrase (real KB, real model)."""
from __future__ import annotations

import re
import time

import pytest

from web_helpers import csrf_token

PHRASINGS = ["暑托班什么时候报名", "暑托班几号开始报名", "暑期托管班报名时间是什么时候"]
ANSWER = "暑托班报名时间以区教育局当年通知为准，一般在6月初开放网上报名。"
NEW_PARAPHRASE = "孩子暑托班啥时候能报名"
NEAR_MISS = "暑托班今年办多少个班"
LIVE_WITHIN_SECONDS = 5.0


@pytest.fixture
def app(make_app):
    """Reduced mode (Rasa down); the tests below ask quickly in a row, the rate limit is tested elsewhere."""
    return make_app(CHAT_RATE_LIMIT="1000 per minute")


def passage_id(kb, words: str = "暑托班") -> str:
    return next(p.id for p in kb.passages if words in p.text)


def token(client, path: str = "/admin/curated") -> str:
    return csrf_token(client.get(path).get_data(as_text=True))


def create(client, kb, phrasings=PHRASINGS, answer=ANSWER, **fields):
    data = {"csrf_token": token(client, "/admin/curated/new"), "phrasings": "\n".join(phrasings), "answer": answer,
            "passage_id": passage_id(kb), **fields}
    return client.post("/admin/curated/new", data=data)


def answer_id_of(response) -> int:
    match = re.search(r"/admin/curated/(\d+)$", response.headers.get("Location", ""))
    assert match, (response.status_code, response.get_data(as_text=True)[:600])
    return int(match.group(1))


def post(client, path: str, answer_id: int, **fields):
    return client.post(path, data={"csrf_token": token(client, f"/admin/curated/{answer_id}"), **fields})


def chat(client, message: str) -> dict:
    body = client.post("/api/chat", json={"sender": "curated-tester", "message": message}).get_json()
    return body["messages"][-1]


def wait_for_reply(client, message: str, accept, timeout: float = LIVE_WITHIN_SECONDS) -> tuple[dict, float]:
    """Ask until `accept(reply)`; the reply and the seconds it took (fails after `timeout`)."""
    started = time.monotonic()
    while True:
        reply = chat(client, message)
        if accept(reply):
            return reply, time.monotonic() - started
        assert time.monotonic() - started < timeout, f"not live within {timeout} s: {reply}"
        time.sleep(0.2)


def audit(app, prefix: str = "curated:") -> list[tuple]:
    import records

    with records.session_scope(app.config["DB"]) as session:
        rows = records.audit.events(session, target=prefix, limit=None)
    return [(r["actor"], r["action"], r["target"], r["detail"].get("version")) for r in reversed(rows)]


def is_curated(reply: dict, version: int | None = None) -> bool:
    citation = reply.get("citation") or {}
    return bool(citation.get("curated")) and (version is None or citation.get("curated_version") == version)


# ---- roles --------------------------------------------------------------------------------------------------

ROUTES = [  # (method, path, roles allowed besides admin)
    ("GET", "/admin/curated", {"operator", "reviewer"}),
    ("GET", "/admin/curated/new", {"operator"}),
    ("POST", "/admin/curated/new", {"operator"}),
    ("GET", "/admin/curated/1", {"operator", "reviewer"}),
    ("GET", "/admin/curated/1/edit", {"operator"}),
    ("POST", "/admin/curated/1/edit", {"operator"}),
    ("POST", "/admin/curated/1/versions/1/approve", {"reviewer"}),
    ("POST", "/admin/curated/1/retire", {"operator", "reviewer"}),
]


@pytest.mark.parametrize("role", ["staff", "operator", "reviewer", "admin"])
def test_each_role_on_each_route(make_app, make_user, kb, role):
    from records import curated
    from web.auth import add_user

    app = make_app(WTF_CSRF_ENABLED=False)  # a POST reaches the role check instead of stopping at the token
    add_user("author", "author password 1", role="operator", db=app.config["DB"])
    assert curated.create(ANSWER, PHRASINGS, {"passage_id": passage_id(kb)}, "author", url=app.config["DB"]) == 1
    add_user(f"{role}-x", "matrix password", role=role, db=app.config["DB"])
    client = app.test_client()
    login = client.post("/staff/login", data={"username": f"{role}-x", "password": "matrix password"})
    assert login.status_code == 302
    for method, path, allowed in ROUTES:
        response = client.open(path, method=method)
        where = f"{role} {method} {path}"
        if role in allowed | {"admin"}:
            assert response.status_code in (200, 302, 400), where  # 400: a POST without its form fields
            assert "没有权限" not in response.get_data(as_text=True), where
        else:
            assert response.status_code == 403 and "没有权限" in response.get_data(as_text=True), where
    anonymous = app.test_client()
    for method, path, _ in ROUTES:
        response = anonymous.open(path, method=method)
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"], path


# ---- the workflow --------------------------------------------------------------------------------------------

def test_prefilled_phrasings_and_candidate_passages(operator_client, kb):
    page = operator_client.get("/admin/curated/new?phrasing=暑托班什么时候报名&phrasing=暑托班几号开始报名")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "暑托班什么时候报名\n暑托班几号开始报名</textarea>" in html
    assert f'value="{passage_id(kb)}"' in html  # the passage the phrasing finds is offered


def test_draft_approve_edit_retire_served_in_reduced_mode_with_audit(app, kb, login_as):
    operator, reviewer = login_as("operator", "op-anna"), login_as("reviewer", "rev-bo")
    answer_id = answer_id_of(create(operator, kb))
    assert not is_curated(chat(operator, NEW_PARAPHRASE))  # a draft is not served

    page = reviewer.get(f"/admin/curated/{answer_id}").get_data(as_text=True)
    assert "待审核" in page and "批准并生效" in page
    assert post(reviewer, f"/admin/curated/{answer_id}/versions/1/approve", answer_id).status_code == 302
    reply, seconds = wait_for_reply(operator, NEW_PARAPHRASE, is_curated)
    citation = reply["citation"]
    assert reply["text"] == ANSWER and seconds < LIVE_WITHIN_SECONDS
    assert (citation["curated_id"], citation["curated_version"]) == (answer_id, 1)
    assert citation["passage_id"] == passage_id(kb) and citation["kb_version"] == kb.version
    assert not is_curated(chat(operator, NEAR_MISS))  # same topic, another question: the report answers

    edited = operator.post(f"/admin/curated/{answer_id}/edit", data={
        "csrf_token": token(operator, f"/admin/curated/{answer_id}/edit"), "phrasings": "\n".join(PHRASINGS),
        "answer": ANSWER + "（第二版）", "passage_id": passage_id(kb), "quote": "开设暑托班超150个"})
    assert edited.status_code == 302
    assert is_curated(chat(operator, NEW_PARAPHRASE), version=1)  # v1 serves until v2 is approved
    assert post(reviewer, f"/admin/curated/{answer_id}/versions/2/approve", answer_id).status_code == 302
    reply, _ = wait_for_reply(operator, NEW_PARAPHRASE, lambda r: is_curated(r, version=2))
    assert reply["citation"]["quote"] == "开设暑托班超150个" and reply["text"].endswith("（第二版）")

    history = reviewer.get(f"/admin/curated/{answer_id}").get_data(as_text=True)
    assert "已被新版本取代" in history and "已生效" in history and "op-anna" in history and "rev-bo" in history
    assert post(operator, f"/admin/curated/{answer_id}/retire", answer_id, reason="政策已变").status_code == 302
    wait_for_reply(operator, NEW_PARAPHRASE, lambda r: not is_curated(r))
    target = f"curated:{answer_id}"
    assert audit(app) == [("op-anna", "curated.create", target, 1), ("rev-bo", "curated.approve", target, 1),
                          ("op-anna", "curated.edit", target, 2), ("rev-bo", "curated.approve", target, 2),
                          ("op-anna", "curated.retire", target, None)]


def test_nobody_approves_their_own_version(app, kb, login_as):
    admin = login_as("admin", "boss")
    answer_id = answer_id_of(create(admin, kb))
    refused = post(admin, f"/admin/curated/{answer_id}/versions/1/approve", answer_id)
    assert refused.status_code == 403 and "不能批准自己撰写的版本" in refused.get_data(as_text=True)
    again = login_as("reviewer")
    assert post(again, f"/admin/curated/{answer_id}/versions/1/approve", answer_id).status_code == 302
    twice = post(again, f"/admin/curated/{answer_id}/versions/1/approve", answer_id)
    assert twice.status_code == 409 and "只有待审核的版本可以批准" in twice.get_data(as_text=True)
    assert [a for _, a, _, _ in audit(app)] == ["curated.create", "curated.approve"]


@pytest.mark.parametrize(("fields", "words"), [
    ({"phrasings": "  \n "}, "至少填写一个"),
    ({"answer": ""}, "答复内容不能为空"),
    ({"answer": "长" * 1001}, "答复太长"),
    ({"passage_id": "000000000000"}, "不在当前已发布的知识库中"),
    ({"passage_id": ""}, "请选择答复所依据的报告段落"),
    ({"quote": "报告里没有的一句话"}, "引文必须是所引段落中的原文"),
])
def test_bad_input_is_refused_with_a_specific_message(app, kb, operator_client, fields, words):
    data = {"phrasings": "\n".join(PHRASINGS), "answer": ANSWER, "passage_id": passage_id(kb), **fields}
    data["csrf_token"] = token(operator_client, "/admin/curated/new")
    response = operator_client.post("/admin/curated/new", data=data)
    assert response.status_code == 400 and words in response.get_data(as_text=True)
    assert audit(app) == []


def test_unknown_answer_is_404_with_the_error_page(reviewer_client):
    response = reviewer_client.get("/admin/curated/424242")
    assert response.status_code == 404 and "找不到标准答复 424242" in response.get_data(as_text=True)


def test_a_superseded_citation_is_flagged_and_never_served(app, kb, make_user, operator_client):
    from records import curated

    author, _ = make_user("operator", "op-old")
    reviewer, _ = make_user("reviewer", "rev-old")
    gone = {"passage_id": "0123456789ab", "kb_version": "oldversion01", "title": "旧段落"}  # a passage since replaced
    answer_id = curated.create(ANSWER, PHRASINGS, gone, author, url=app.config["DB"])
    curated.approve(answer_id, 1, reviewer, url=app.config["DB"])
    reply = chat(operator_client, NEW_PARAPHRASE)
    assert not is_curated(reply) and reply.get("citation", {}).get("passage_id") != gone["passage_id"]
    latest = curated.history(answer_id, url=app.config["DB"])["versions"][-1]
    assert latest["status"] == "review" and kb.version in latest["note"]
    assert audit(app)[-1] == (None, "curated.flag", f"curated:{answer_id}", 1)
    listing = operator_client.get("/admin/curated").get_data(as_text=True)
    assert "需复核" in listing


@pytest.fixture(scope="module")
def postgres_url():
    """A database on a real PostgreSQL server (Debian's package), for this module."""
    import records
    from tests.records.pg import PostgresServer

    server = PostgresServer().start()
    url = server.new_database()
    yield url
    records.db.dispose(url)
    server.stop()


@pytest.mark.postgres
def test_versions_live_entries_and_flags_on_postgresql(make_app, kb, postgres_url):
    from knowledge import CuratedEntry
    from records import curated
    from web.auth import add_user

    make_app(DATABASE_URL=postgres_url)
    add_user("pg-op", "pg password 12", role="operator", db=postgres_url)
    add_user("pg-rev", "pg password 12", role="reviewer", db=postgres_url)
    answer_id = curated.create(ANSWER, PHRASINGS, {"passage_id": passage_id(kb)}, "pg-op", url=postgres_url)
    assert curated.live_entries(postgres_url) == []
    curated.approve(answer_id, 1, "pg-rev", url=postgres_url)
    assert curated.edit(answer_id, ANSWER + "。", PHRASINGS, {"passage_id": passage_id(kb)}, "pg-op",
                        url=postgres_url) == 2
    time.sleep(curated.CHECK_SECONDS)
    (entry,) = curated.live_entries(postgres_url)
    assert (entry["id"], entry["version"], entry["phrasings"]) == (answer_id, 1, PHRASINGS)
    assert curated.flag_dead(CuratedEntry.from_dict(entry), "v-next", url=postgres_url) is True
    time.sleep(curated.CHECK_SECONDS)
    assert curated.live_entries(postgres_url) == []
    view = curated.history(answer_id, url=postgres_url)
    assert [v["status"] for v in view["versions"]] == ["review", "draft"]
    assert [e["action"] for e in view["events"]] == ["curated.flag", "curated.edit", "curated.approve",
                                                     "curated.create"]
