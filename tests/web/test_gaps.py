"""`/admin/gaps` and `/admin/gaps.csv`: who may open them, the groups of a seeded database, filters, the
synonym action (file written, audited, used by the next search) and the CSV exports read back."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

import records
from records import audit
from records import gaps as records_gaps

from web_helpers import csrf_token

ROUTES = ("/admin/gaps", "/admin/gaps.csv", "/admin/gaps.csv?rows=questions")
NOW = datetime.now(timezone.utc).replace(microsecond=0)
S1 = ["轨道交通S1线什么时候开通", "S1线啥时候能通车啊", "When will the S1 metro line open?"]
ELEVATOR = ["老小区加装电梯补贴多少钱", "老旧小区装电梯政府补多少"]
PILES = ["今年要新建多少充电桩", "小区充电桩今年建几个"]


def _at(days_ago: float) -> str:
    return (NOW - timedelta(days=days_ago)).strftime(records.models.TIME_FORMAT)


@pytest.fixture
def seeded(app):
    """Abstentions and feedback of the last weeks, written as the chat does, dated by hand."""
    db = app.config["DB"]
    records.upgrade(db)
    with records.session_scope(db) as session:
        for text, days in zip(S1, (1, 2, 9)):
            session.add(records.Unanswered(sender_id="r1", question=text, reason="schedule", created_at=_at(days)))
        for text, days in zip(ELEVATOR, (3, 4)):
            session.add(records.Unanswered(sender_id="r2", question=text, reason="entitlement", created_at=_at(days)))
        session.add(records.Unanswered(sender_id="r3", question="帮我写一首关于太湖的诗", reason="meta",
                                       created_at=_at(5)))
        session.add(records.Unanswered(sender_id="r4", question="吴中区区长是谁", reason="official",
                                       created_at=_at(60)))  # outside the default 30 days
        for n, (text, reason) in enumerate(zip(PILES, ("wrong_figure", None))):
            session.add(records.Feedback(sender_id=f"f{n}", message_id=f"m{n}", question=text, answer="…", helpful=0,
                                         reason=reason, comment="数字不对" if reason else "", created_at=_at(2 + n)))
        session.add(records.Feedback(sender_id="f9", message_id="m9", question="今年新增多少学位", answer="…",
                                     helpful=1, created_at=_at(1)))  # a 👍 is no gap
    return db


def _groups(html: str) -> list[dict]:
    """The group rows of the page: count and every question shown in it."""
    rows = []
    for count, body in re.findall(r'<tr class="gap-group" data-group="\d+" data-count="(\d+)">(.*?)</tr>', html, re.S):
        questions = re.findall(r'<strong class="gap-representative">(.*?)</strong>', body)
        questions += re.findall(r"<li>(.*?) <span", body)
        link = re.search(r'class="curated-link" href="([^"]+)"', body)
        rows.append({"count": int(count), "questions": {unescape(q) for q in questions},
                     "curated": unescape(link.group(1)) if link else None, "body": body})
    return rows


@pytest.mark.parametrize("path", ROUTES)
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login?next=")


@pytest.mark.parametrize("path", ROUTES)
def test_staff_may_not_open_the_gaps(login_as, path):
    response = login_as("staff").get(path)
    assert response.status_code == 403 and "没有权限" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["operator", "reviewer", "admin"])
def test_operators_reviewers_and_admins_open_the_gaps(login_as, seeded, role):
    user = login_as(role)
    page = user.get("/admin/gaps")
    assert page.status_code == 200 and "居民问了但没得到答案的问题" in page.get_data(as_text=True)
    export = user.get("/admin/gaps.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert records_gaps.groups_from_csv(export.get_data(as_text=True))[0]["count"] == 3
    assert user.get("/admin/gaps.csv?rows=questions").status_code == 200
    # Only operators may write curated answers: reviewers get no link to a form they cannot use.
    assert ('class="curated-link"' in page.get_data(as_text=True)) == (role != "reviewer")


def test_page_shows_the_groups_with_counts(operator_client, seeded, kb):
    from knowledge import topic_of

    html = operator_client.get("/admin/gaps").get_data(as_text=True)
    groups = _groups(html)
    assert [g["count"] for g in groups] == [3, 2, 2, 1]  # the 👍 and the 60-day-old question are not there
    assert [g["questions"] for g in groups] == [set(S1), set(PILES), set(ELEVATOR), {"帮我写一首关于太湖的诗"}]
    first = groups[0]["body"]
    assert "近7天 2 · 前7天 1" in first and "↑" in first and "日期时间 3" in first
    assert _at(9) in first and _at(1) in first  # first and last seen
    representative = unescape(re.search(r'gap-representative">(.*?)<', first).group(1))
    assert topic_of(kb, representative)["section"] in first  # the topic label is the best passage's section
    assert "👎 数字不对 1" in groups[1]["body"] and "👎 未说明原因 1" in groups[1]["body"]
    assert "留言：数字不对" in groups[1]["body"]
    link = urlsplit(groups[0]["curated"])
    assert link.path == "/admin/curated/new" and set(parse_qs(link.query)["phrasing"]) == set(S1)
    assert "按报告部分" in html and 'href="/admin/gaps.csv?rows=groups' in html


def test_filters_by_period_and_reason(operator_client, seeded):
    html = operator_client.get("/admin/gaps?reason=schedule").get_data(as_text=True)
    assert [g["count"] for g in _groups(html)] == [3]
    html = operator_client.get("/admin/gaps?reason=feedback:wrong_figure").get_data(as_text=True)
    assert [g["questions"] for g in _groups(html)] == [{PILES[0]}]
    since = (NOW - timedelta(days=2)).date().isoformat()
    html = operator_client.get(f"/admin/gaps?since={since}").get_data(as_text=True)
    assert sorted(g["count"] for g in _groups(html)) == [1, 2]  # S1 ×2 (day 1, 2) and a 👎 of day 2
    html = operator_client.get("/admin/gaps?since=").get_data(as_text=True)  # from the start: the old one too
    assert sum(g["count"] for g in _groups(html)) == 9 and "吴中区区长是谁" in html


@pytest.mark.parametrize("query, message", [
    ("since=2026-13-01", "日期格式不对"), ("until=yesterday", "日期格式不对"),
    ("since=2026-05-02&until=2026-05-01", "开始日期晚于结束日期"), ("reason=<script>", "原因筛选无效"),
])
def test_bad_filters_get_a_clear_error(operator_client, query, message):
    response = operator_client.get(f"/admin/gaps?{query}")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert operator_client.get("/admin/gaps.csv?rows=everything").status_code == 400


def test_csv_exports_read_back_as_the_page_data(app, operator_client, seeded):
    from web.gaps import gap_report

    query = {"since": (NOW - timedelta(days=30)).date().isoformat(), "until": NOW.date().isoformat()}
    groups_csv = operator_client.get("/admin/gaps.csv", query_string=query).get_data(as_text=True)
    questions_csv = operator_client.get("/admin/gaps.csv", query_string={**query, "rows": "questions"}).get_data(
        as_text=True)
    with app.test_request_context():
        report = gap_report(query)
    expected = [{k: v for k, v in g.items() if k != "questions"} for g in report["groups"]]
    assert records_gaps.groups_from_csv(groups_csv) == expected and len(expected) == 4
    assert records_gaps.questions_from_csv(questions_csv) == [
        {"group": g["group"], **q} for g in report["groups"] for q in g["questions"]]
    page = _groups(operator_client.get("/admin/gaps", query_string=query).get_data(as_text=True))
    assert [g["count"] for g in page] == [g["count"] for g in expected]
    with records.session_scope(app.config["DB"]) as session:
        exports = audit.events(session, action="gaps_export")
    assert {e["detail"]["rows"] for e in exports} == {"groups", "questions"}


def test_csv_keeps_formula_like_text_as_text():
    group = {"group": 1, "topic": "-", "section_no": None, "count": 1, "first_seen": "x", "last_seen": "x",
             "this_week": 0, "last_week": 0, "daily": [0] * 14, "reasons": {"no_match": 1},
             "representative": "=HYPERLINK(\"http://evil\")",
             "questions": [{"source": "unanswered", "id": 1, "created_at": "x", "reason": "no_match",
                            "question": "'=1+1", "detail": "@x"}]}
    text = records_gaps.groups_to_csv([group])
    assert ",=HYPERLINK" not in text and "'=HYPERLINK" in text
    assert records_gaps.groups_from_csv(text) == [{k: v for k, v in group.items() if k != "questions"}]
    assert records_gaps.questions_from_csv(records_gaps.questions_to_csv([group])) == [
        {"group": 1, **group["questions"][0]}]


def test_synonym_from_a_group_is_written_audited_and_used(app, operator_client, seeded, synonyms_file, kb):
    term = "共享电(单)车"
    assert term not in operator_client.get("/staff/search.json?q=小黄车").get_data(as_text=True)
    page = operator_client.get("/admin/gaps?reason=schedule").get_data(as_text=True)
    response = operator_client.post("/admin/gaps/synonyms", data={
        "csrf_token": csrf_token(page), "phrase": "小黄车", "term": term, "since": "", "until": "",
        "reason": "schedule"})
    assert response.status_code == 302 and "reason=schedule" in response.headers["Location"]
    assert synonyms_file.read_text(encoding="utf-8") == f"小黄车\t{term}\n"
    shown = operator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已添加同义词「小黄车」→「共享电(单)车」" in shown
    hits = operator_client.get("/staff/search.json?q=小黄车").get_json()["results"]
    assert term in hits[0]["text"]  # the knowledge layer now reads 小黄车 as the report's 共享电(单)车
    with records.session_scope(app.config["DB"]) as session:
        event = audit.events(session, action="synonym_add")[0]
    assert event["detail"] == {"phrase": "小黄车", "term": term, "file": str(synonyms_file)}
    assert event["actor"].startswith("operator")


def test_synonym_with_a_term_not_in_the_report_is_refused(operator_client, seeded, synonyms_file):
    page = operator_client.get("/admin/gaps").get_data(as_text=True)
    response = operator_client.post("/admin/gaps/synonyms", data={
        "csrf_token": csrf_token(page), "phrase": "小黄车", "term": "哈罗单车"}, follow_redirects=True)
    assert "当前发布的报告里没有「哈罗单车」" in response.get_data(as_text=True)
    assert not synonyms_file.exists()
    stale = operator_client.post("/admin/gaps/synonyms", data={"phrase": "小黄车", "term": "学位"})
    assert stale.status_code == 400 and "页面已过期" in stale.get_data(as_text=True)


def test_staff_may_not_add_synonyms(login_as, synonyms_file):
    staff = login_as("staff")
    token = csrf_token(staff.get("/staff/").get_data(as_text=True))  # a valid form token: the role decides
    response = staff.post("/admin/gaps/synonyms", data={"csrf_token": token, "phrase": "小黄车", "term": "学位"})
    assert response.status_code == 403 and "没有权限" in response.get_data(as_text=True)
    assert not synonyms_file.exists()
