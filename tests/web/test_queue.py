"""The hotline queue in the staff console: open handoffs stay listed (oldest first, paged, counted) until
closed; closed ones are searchable and paged; one-line handoffs are flood-limited per client; a handoff
made in reduced mode keeps the conversation the widget held."""
from __future__ import annotations

import re

import pytest

import records
from records import conversations
from records.models import Handoff

from web_helpers import csrf_token

ROW_RE = re.compile(r'<tr id="handoff-(\d+)">')


def _sections(html: str) -> tuple[str, str]:
    """(open queue, closed list) parts of the console page."""
    open_part, _, rest = html.partition('id="closed-title"')
    closed_part = rest.partition('id="unanswered-title"')[0]
    return open_part, closed_part


def _ids(part: str) -> list[int]:
    return [int(i) for i in ROW_RE.findall(part)]


def _open_ids(client, **query) -> list[int]:
    response = client.get("/staff/", query_string=query)
    assert response.status_code == 200
    return _ids(_sections(response.get_data(as_text=True))[0])


@pytest.fixture
def queue_app(make_app):
    return make_app(HANDOFF_PAGE_SIZE=20)


@pytest.fixture
def queue_client(queue_app, login_as):
    return login_as("staff")


def _handoff(db, n: int, **kwargs) -> int:
    return records.record_handoff(f"resident-{n}", f"第{n}位居民的问题", url=db, **{
        "transcript": [{"role": "user", "text": f"第{n}位居民：社保卡怎么补办"}, {"role": "bot", "text": "请拨打12345"},
                       {"role": "user", "text": "转人工"}], **kwargs})


def test_every_one_of_48_open_handoffs_is_reachable_oldest_first_with_the_count(queue_app, queue_client):
    db = queue_app.config["DB"]
    real = [_handoff(db, n) for n in range(48)]
    closed = _handoff(db, 99)
    records.set_handoff_status(closed, "closed", url=db)
    # Anonymous one-liners arriving later must not push the residents off the list.
    spam = [records.record_handoff(f"anon-{n}", "转人工", [{"role": "user", "text": "转人工"}], url=db) for n in range(5)]

    html = queue_client.get("/staff/").get_data(as_text=True)
    assert "待处理转人工（53）" in html
    assert "第 1 / 3 页（共 53 条）" in html
    seen = []
    for page in (1, 2, 3):
        ids = _open_ids(queue_client, page=page)
        assert len(ids) == (20 if page < 3 else 13)
        seen += ids
    assert seen == sorted(seen) == real + spam  # oldest waiting first, each exactly once
    assert closed not in seen
    assert _open_ids(queue_client, page=9) == seen[40:]  # past the end: the last page, not a blank one
    open_part = _sections(queue_client.get("/staff/", query_string={"page": 3}).get_data(as_text=True))[0]
    assert open_part.count("仅一句") == 5  # the one-liners are marked for staff


def test_closing_removes_it_from_the_open_list_and_search_finds_it(queue_app, queue_client):
    db = queue_app.config["DB"]
    ids = [_handoff(db, n) for n in range(25)]
    target = records.record_handoff("r-x", "公积金提取", [{"role": "user", "text": "公积金提取要带什么材料"}], url=db)
    html = queue_client.get("/staff/", query_string={"page": 2}).get_data(as_text=True)
    assert target in _ids(_sections(html)[0]) and "待处理转人工（26）" in html
    response = queue_client.post(f"/staff/handoffs/{target}/status",
                                 data={"status": "closed", "page": "2", "csrf_token": csrf_token(html)})
    assert response.status_code == 302 and "page=2" in response.headers["Location"]

    html = queue_client.get("/staff/", query_string={"page": 2}).get_data(as_text=True)
    open_part, closed_part = _sections(html)
    assert "待处理转人工（25）" in html and target not in _ids(open_part)
    assert _ids(closed_part) == [target]
    assert conversations.count_open_handoffs(url=db) == 25

    # Search by words of the transcript (not only the question), and by the day it came in.
    found = queue_client.get("/staff/", query_string={"closed_q": "带什么材料"}).get_data(as_text=True)
    assert _ids(_sections(found)[1]) == [target]
    missing = queue_client.get("/staff/", query_string={"closed_q": "养老床位"}).get_data(as_text=True)
    assert _ids(_sections(missing)[1]) == [] and "没有符合条件的已处理记录" in missing
    day = records.recent_handoffs(1, url=db)[0]["created_at"][:10]
    dated = queue_client.get("/staff/", query_string={"closed_q": "公积金", "since": day, "until": day})
    assert _ids(_sections(dated.get_data(as_text=True))[1]) == [target]
    later = queue_client.get("/staff/", query_string={"since": "2999-01-01"}).get_data(as_text=True)
    assert _ids(_sections(later)[1]) == []
    assert ids[0] in _open_ids(queue_client)


def test_closed_search_pages_and_filters_by_date(queue_app, queue_client):
    db = queue_app.config["DB"]
    ids = [_handoff(db, n) for n in range(45)]
    for handoff_id in ids:
        records.set_handoff_status(handoff_id, "closed", url=db)
    with records.session_scope(db) as session:  # back-date: ten in January, the rest in March
        for n, handoff_id in enumerate(ids):
            session.get(Handoff, handoff_id).created_at = f"2026-{'01' if n < 10 else '03'}-15T08:00:00Z"
    html = queue_client.get("/staff/").get_data(as_text=True)
    assert "待处理转人工（0）" in html and "暂无待处理的转人工请求" in html
    pages = [_ids(_sections(queue_client.get("/staff/", query_string={"closed_page": p}).get_data(as_text=True))[1])
             for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [20, 20, 5]
    assert sum(pages, []) == sorted(ids, reverse=True)  # newest first, all of them
    january = queue_client.get("/staff/", query_string={"since": "2026-01-01", "until": "2026-01-31"})
    assert _ids(_sections(january.get_data(as_text=True))[1]) == sorted(ids[:10], reverse=True)
    one = queue_client.get("/staff/", query_string={"closed_q": "第7位居民", "until": "2026-01-31"})
    assert _ids(_sections(one.get_data(as_text=True))[1]) == [ids[7]]
    # The pager keeps the search.
    march = queue_client.get("/staff/", query_string={"since": "2026-03-01"}).get_data(as_text=True)
    assert "closed_page=2" in march and "since=2026-03-01" in march


@pytest.mark.parametrize("query, message", [
    ({"page": "abc"}, "页码必须是正整数"), ({"closed_page": "0"}, "页码必须是正整数"),
    ({"since": "29/11/2026"}, "开始日期格式应为 YYYY-MM-DD"), ({"until": "2026-13"}, "结束日期格式应为 YYYY-MM-DD"),
    ({"since": "2026-05-01", "until": "2026-04-01"}, "开始日期不能晚于结束日期"),
])
def test_bad_paging_or_dates_are_refused_clearly(queue_client, query, message):
    response = queue_client.get("/staff/", query_string=query)
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def _chat(client, message: str, sender: str = "w-anon", ip: str = "198.51.100.7", **body):
    return client.post("/api/chat", json={"sender": sender, "message": message, **body},
                       environ_overrides={"REMOTE_ADDR": ip})


def test_one_line_handoffs_are_flood_limited_per_client(make_app):
    app = make_app(HANDOFF_FLOOD_LIMIT="2 per hour")  # Rasa down: reduced mode records the handoffs itself
    client, db = app.test_client(), app.config["DB"]
    for n in range(2):
        body = _chat(client, "/request_human", sender=f"w-bot-{n}").get_json()
        assert any(m.get("handoff") for m in body["messages"])
    flooded = _chat(client, "/request_human", sender="w-bot-3")
    assert flooded.status_code == 200
    assert "已经登记过了" in flooded.get_json()["messages"][0]["text"]
    assert "12345" in flooded.get_json()["messages"][0]["text"]
    assert _chat(client, "我要转人工", sender="w-bot-4").get_json()["messages"][0]["text"].startswith("您的转人工请求已经登记")
    assert conversations.count_open_handoffs(url=db) == 2
    # Another client is not affected; nor is a resident who talked with the assistant first (widget history).
    assert "已为您登记" in _chat(client, "/request_human", ip="198.51.100.8").get_json()["messages"][1]["text"]
    talked = _chat(client, "/request_human", sender="w-res", history=[
        {"role": "user", "text": "今年新增多少学位？"}, {"role": "bot", "text": "新增学位7530个。"}]).get_json()
    assert "已为您登记" in talked["messages"][1]["text"]
    # A client that talked through the API without sending history (the assistant answered this sender before).
    assert _chat(client, "今年新增多少学位？", sender="w-api").get_json()["mode"] == "reduced"
    assert "已为您登记" in _chat(client, "/request_human", sender="w-api").get_json()["messages"][1]["text"]
    assert conversations.count_open_handoffs(url=db) == 5
    # Ordinary questions are not limited.
    assert _chat(client, "今年新增多少学位？").get_json()["mode"] == "reduced"


def test_reduced_mode_handoff_keeps_the_widgets_conversation_masked(app, client, login_as):
    history = [{"role": "user", "text": "今年新增多少学位？"}, {"role": "bot", "text": "今年新增学位7530个。"},
               {"role": "user", "text": "我孩子的学校呢？我电话13912345678"},
               {"role": "bot", "text": "报告没有写到具体学校，可拨打12345。"}]
    body = _chat(client, "/request_human", sender="w-res-1", history=history).get_json()
    assert body["mode"] == "reduced" and body["messages"][1]["handoff"] is True
    (handoff,) = records.recent_handoffs(1, url=app.config["DB"])
    assert handoff["reason"] == "resident_request_reduced_mode"
    assert [(t["role"], t["text"]) for t in handoff["transcript"]] == [
        ("user", "今年新增多少学位？"), ("bot", "今年新增学位7530个。"),
        ("user", "我孩子的学校呢？我电话139****5678"), ("bot", "报告没有写到具体学校，可拨打12345。"),
        ("user", "转人工")]
    html = login_as("staff").get("/staff/").get_data(as_text=True)
    assert "查看（5条）" in html and "我孩子的学校呢？我电话139****5678" in html and "13912345678" not in html


def test_the_kept_history_is_bounded(app, client):
    history = [{"role": "user" if n % 2 == 0 else "bot", "text": f"第{n}句" + "a" * 550} for n in range(30)]
    assert _chat(client, "转人工", sender="w-long", history=history).status_code == 200
    transcript = records.recent_handoffs(1, url=app.config["DB"])[0]["transcript"]
    assert len(transcript) == 21  # the widget's last 20 turns and this request
    assert transcript[0]["text"].startswith("第10句") and all(len(t["text"]) <= 500 for t in transcript)


@pytest.mark.parametrize("history", ["聊天记录", [{"role": "admin", "text": "x"}], [{"role": "user", "text": 5}], [3]])
def test_malformed_history_is_refused_clearly(client, history):
    response = _chat(client, "今年新增多少学位？", history=history)
    assert response.status_code == 400
    body = response.get_json()
    assert body["ok"] is False and body["status"] == 400 and "history 格式不正确" in body["error"]


@pytest.fixture(scope="module")
def postgres():
    from tests.records.pg import PostgresServer

    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request, tmp_path):
    """A fresh app database: a SQLite file, or a database on a real PostgreSQL server."""
    url = str(tmp_path / "q.sqlite") if request.param == "sqlite" else request.getfixturevalue("postgres").new_database()
    records.upgrade(url)
    yield url
    records.db.dispose(url)


def test_queue_and_switches_records_on_each_database(any_db):
    from records import switches

    ids = [records.record_handoff(f"s{n}", f"Question {n} about 100% SOCIAL card", url=any_db) for n in range(7)]
    for handoff_id in ids[:3]:
        records.set_handoff_status(handoff_id, "closed", url=any_db)
    page = conversations.open_handoffs(2, 3, url=any_db)
    assert (page.total, page.pages, [h["id"] for h in page.items]) == (4, 2, [ids[6]])
    assert conversations.count_open_handoffs(url=any_db) == 4
    found = conversations.search_closed_handoffs("social CARD", per_page=2, url=any_db)  # any case
    assert (found.total, [h["id"] for h in found.items]) == (3, [ids[2], ids[1]])
    assert conversations.search_closed_handoffs("100%", url=any_db).total == 3
    assert conversations.search_closed_handoffs("1_0%", url=any_db).total == 0  # wildcards are literal
    assert switches.set_notice("维护通知", "chief", url=any_db)["notice"] == "维护通知"
    assert switches.set_offline(True, "chief", url=any_db)["offline"] is True
    switches.forget_cache()
    assert switches.current(any_db) == {"notice": "维护通知", "offline": True,
                                        "offline_message": switches.DEFAULT_OFFLINE_MESSAGE}
