"""Operators' document pages with the test client: roles, upload → draft → diff → edit → approve → publish →
rollback over the real report, bad uploads, four eyes, and two reviewers publishing at once."""
from __future__ import annotations

import io
import re
import threading
import zipfile

import pytest

from kb_library import (OLD_FIGURE, PASSWORD, USERS, audit_actions, kb_app, library_root,  # noqa: F401
                        library_template, login, report_text, revised_report)
from web_helpers import csrf_token


def current(app) -> str | None:
    from knowledge import Library

    return Library.open(app.config["KB_DIR"]).current_version()


def drafts(app) -> list[dict]:
    from web.kb_admin import Publishing

    service = Publishing(app.config["KB_DIR"], app.config["DB"])
    return [v for d in service.list()["documents"] for v in d["versions"]]


def drafts_by_id(app) -> dict[int, dict]:
    return {v["id"]: v for v in drafts(app)}


def token(client, path: str = "/admin/documents") -> str:
    return csrf_token(client.get(path).get_data(as_text=True))


def upload(client, data: bytes, filename: str = "report.txt", document_id: str = "wuzhong-2025", **fields):
    return client.post("/admin/documents/upload", data={
        "csrf_token": token(client), "document_id": document_id, "file": (io.BytesIO(data), filename), **fields},
        content_type="multipart/form-data")


def post(client, path: str, back: str, **fields):
    return client.post(path, data={"csrf_token": token(client, back), **fields})


def draft_id_of(response) -> int:
    match = re.search(r"/admin/drafts/(\d+)", response.headers.get("Location", ""))
    assert match, (response.status_code, response.get_data(as_text=True)[:800])
    return int(match.group(1))


# ---- roles ------------------------------------------------------------------------------------------------

ROUTES = [  # (method, path, roles allowed besides admin)
    ("GET", "/admin/documents", {"operator", "reviewer"}),
    ("GET", "/admin/drafts/1", {"operator", "reviewer"}),
    ("POST", "/admin/documents/upload", {"operator"}),
    ("POST", "/admin/drafts/1/passages/abc", {"operator"}),
    ("POST", "/admin/drafts/1/approve", {"reviewer"}),
    ("POST", "/admin/drafts/1/reject", {"reviewer"}),
    ("POST", "/admin/drafts/1/publish", {"reviewer"}),
    ("POST", "/admin/versions/abc/rollback", {"reviewer"}),
]


def test_every_route_is_guarded_by_role(kb_app):
    kb_app.config["WTF_CSRF_ENABLED"] = False  # CSRF has its own test: here only the role check answers
    anonymous = kb_app.test_client()
    for method, path, _ in ROUTES:
        response = anonymous.open(path, method=method)
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"], path
    for user, role in (("hot1", "staff"), ("op1", "operator"), ("rev1", "reviewer"), ("adm", "admin")):
        client = kb_app.test_client()
        login(client, user)
        for method, path, allowed in ROUTES:
            status = client.open(path, method=method).status_code
            if role == "admin" or role in allowed:
                assert status != 403, (user, method, path)
                assert status < 500, (user, method, path, status)
            else:
                assert status == 403, (user, method, path, status)
    # The rules the pages enforce are the service's: the upload and approve routes refuse by role text too.
    client = kb_app.test_client()
    login(client, "rev1")
    page = client.post("/admin/documents/upload").get_data(as_text=True)
    assert "没有权限" in page


def test_posts_need_the_csrf_token(kb_app):
    client = kb_app.test_client()
    login(client, "rev1")
    response = client.post("/admin/drafts/1/approve")
    assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
    operator = kb_app.test_client()
    login(operator, "op1")
    response = operator.post("/admin/documents/upload", data={"document_id": "wuzhong-2025",
                             "file": (io.BytesIO(revised_report()), "r.txt")}, content_type="multipart/form-data")
    assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
    assert len(drafts(kb_app)) == 1  # only the imported published version


# ---- the cycle --------------------------------------------------------------------------------------------

def test_upload_diff_edit_approve_publish_rollback(kb_app):
    from knowledge import LiveKnowledgeBase

    live = LiveKnowledgeBase(kb_app.config["KB_DIR"])
    kb_app.config["KB"] = live
    first = current(kb_app)
    old_answer = live.answer("今年新增多少学位？")
    assert "7530" in old_answer.text and old_answer.citation.kb_version == first
    old_passage = old_answer.citation.passage.id

    operator, reviewer, other = kb_app.test_client(), kb_app.test_client(), kb_app.test_client()
    login(operator, "op1")
    login(reviewer, "rev1")
    login(other, "rev2")

    # Upload: a draft whose page shows the split and a word-level diff against the published report.
    response = upload(operator, revised_report(), "2025-revised.txt")
    draft = draft_id_of(response)
    page = operator.get(f"/admin/drafts/{draft}").get_data(as_text=True)
    assert "待审核" in page and "2025-revised.txt" in page
    assert "七、" in page and "不断完善公共服务供给" in page  # sections and paragraph titles
    assert "<del>7530</del>" in page and "<ins>8000</ins>" in page
    assert re.search(r'data-kind="changed">1<', page) and re.search(r'data-kind="added">0<', page)
    assert current(kb_app) == first  # a draft changes nothing published

    # Edit a passage's text, then exclude another; the diff follows.
    preview = _draft_passages(page)
    target = next(pid for pid, text in preview if "暑托班" in text)
    edited = dict(preview)[target].replace("暑托班", "暑期托管班")
    back = f"/admin/drafts/{draft}"
    response = post(operator, f"/admin/drafts/{draft}/passages/{target}", back, text=edited, action="save")
    assert response.status_code == 302
    page = operator.get(back).get_data(as_text=True)
    assert "<ins>暑期托管班</ins>" in page or "暑期托管班" in page and 'data-kind="changed">2<' in page
    dropped = next(pid for pid, text in preview if "尹山湖医院二期" in text)
    post(operator, f"/admin/drafts/{draft}/passages/{dropped}", back, action="exclude")
    page = operator.get(back).get_data(as_text=True)
    assert re.search(r'data-kind="removed">1<', page) and "已排除" in page
    post(operator, f"/admin/drafts/{draft}/passages/{dropped}", back, action="include")  # changed their mind
    # A paragraph title: renamed in the draft (the diff shows the title change), a sentence refused.
    titled = next(pid for pid, text in preview if "光福九年一贯制学校" in text)
    post(operator, f"/admin/drafts/{draft}/passages/{titled}", back, title="办好人民满意教育", action="save")
    page = operator.get(back).get_data(as_text=True)
    assert "段落标题改为：办好人民满意教育" in page and "<ins>" in page
    response = post(operator, f"/admin/drafts/{draft}/passages/{titled}", back, title="一句，很长的话：带标点", action="save")
    assert response.status_code == 400 and "段落标题" in response.get_data(as_text=True)
    # An empty text is refused with the reason, nothing saved.
    response = post(operator, f"/admin/drafts/{draft}/passages/{target}", back, text="  ", action="save")
    assert response.status_code == 400 and "不能为空" in response.get_data(as_text=True)

    # Operators cannot approve; reviewers can; publishing switches the live version.
    assert post(operator, f"/admin/drafts/{draft}/approve", back).status_code == 403
    assert post(reviewer, f"/admin/drafts/{draft}/approve", back).status_code == 302
    assert "已批准" in reviewer.get(back).get_data(as_text=True)
    response = post(other, f"/admin/drafts/{draft}/publish", back)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    second = current(kb_app)
    assert second != first
    live.refresh()
    answer = live.answer("今年新增多少学位？")
    assert "8000" in answer.text and answer.citation.kb_version == second
    listing = other.get("/admin/documents").get_data(as_text=True)
    assert second in listing and "已被新版本取代" in listing

    # The old citation still opens, marked superseded (the widget's link: /api/passages/<id>).
    body = other.get(f"/api/passages/{old_passage}").get_json()
    assert "7530" in body["text"] and body["superseded"] is True and body["kb_version"] == first

    # Roll back in one step.
    response = post(reviewer, f"/admin/versions/{first}/rollback", "/admin/documents")
    assert response.status_code == 302
    assert current(kb_app) == first
    live.refresh()
    assert "7530" in live.answer("今年新增多少学位？").text
    statuses = {v["id"]: v["status"] for v in drafts(kb_app)}
    assert statuses[draft] == "superseded" and list(statuses.values()).count("published") == 1

    actions = [a[1] for a in audit_actions(kb_app)]
    for action in ("kb.upload", "kb.edit", "kb.approve", "kb.publish", "kb.rollback"):
        assert action in actions, actions
    assert ("op1", "kb.upload", f"draft:{draft}") in audit_actions(kb_app)


def _draft_passages(page: str) -> list[tuple[str, str]]:
    """(passage id, text) pairs of a draft page."""
    return re.findall(r'data-passage="([0-9a-f]+)">\s*<p class="kb-passage-text">([^<]*)</p>', page)


def test_nobody_approves_their_own_draft(kb_app):
    admin = kb_app.test_client()
    login(admin, "adm")
    draft = draft_id_of(upload(admin, revised_report()))
    response = post(admin, f"/admin/drafts/{draft}/approve", f"/admin/drafts/{draft}")
    assert response.status_code == 403 and "不能批准自己上传的草稿" in response.get_data(as_text=True)
    response = post(admin, f"/admin/drafts/{draft}/publish", f"/admin/drafts/{draft}")
    assert response.status_code == 409 and "须先经另一位审核人批准" in response.get_data(as_text=True)


# ---- bad input --------------------------------------------------------------------------------------------

def _docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _corrupt_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not really>")
    return out.getvalue()


BAD_UPLOADS = [
    ("empty", "report.txt", b"", 400, "空"),
    ("wrong extension", "report.exe", b"MZ\x90\x00", 400, "不支持的文件类型"),
    ("PNG named .txt", "report.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, 400, "PNG"),
    ("text named .pdf", "report.pdf", "一、标题\n正文。".encode(), 400, "不是有效的PDF"),
    ("corrupt PDF", "report.pdf", b"%PDF-1.7\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n%%EOF garbage", 400, "PDF"),
    ("corrupt DOCX", "report.docx", _corrupt_docx(), 400, "docx"),
    ("50 MB", "report.txt", b"a" * (50 * 1024 * 1024), 413, "太大"),
    ("report without its parts", "report.txt",
     "吴中区人民政府工作报告\n各位代表：\n请于下周一前报送材料。\n特此通知。\n".encode(), 400, "结构"),
    ("HTML with scripts", "report.html",
     b"<html><body><script>alert(1)</script><p>" + report_text().encode() + b"</p></body></html>", 400, "脚本"),
]


@pytest.mark.parametrize("name,filename,data,status,message", BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS])
def test_bad_uploads_are_refused_with_the_reason(kb_app, name, filename, data, status, message):
    client = kb_app.test_client()
    login(client, "op1")
    before, rows = current(kb_app), len(drafts(kb_app))
    response = upload(client, data, filename)
    page = response.get_data(as_text=True)
    assert response.status_code == status, page[:600]
    flash = re.search(r'<p class="flash flash-error">([^<]*)</p>', page)
    assert flash and message.lower() in flash.group(1).lower(), flash and flash.group(1)
    assert current(kb_app) == before and len(drafts(kb_app)) == rows


def test_docx_and_markdown_uploads_become_drafts(kb_app):
    client = kb_app.test_client()
    login(client, "op1")
    lines = revised_report().decode().splitlines()
    draft = draft_id_of(upload(client, _docx([line for line in lines if line.strip()]), "report.docx"))
    page = client.get(f"/admin/drafts/{draft}").get_data(as_text=True)
    assert "<ins>8000</ins>" in page and "report.docx" in page
    draft = draft_id_of(upload(client, ("# " + "\n\n".join(lines)).encode(), "notice.md",
                               document_id="wuzhong-2025-notice", title="关于新增学位的说明", year="2025"))
    page = client.get(f"/admin/drafts/{draft}").get_data(as_text=True)
    assert "关于新增学位的说明" in page and re.search(r'data-kind="added">\d{2,}<', page)


# ---- two reviewers at once --------------------------------------------------------------------------------

def test_two_reviewers_publishing_at_once_one_wins(kb_app):
    from knowledge import KnowledgeBase
    from web.publishing import Conflict, Publishing

    service = Publishing(kb_app.config["KB_DIR"], kb_app.config["DB"])
    texts = {"8000": revised_report(), "8100": report_text().replace(OLD_FIGURE, "新增学位8100个").encode()}
    ids = {}
    for figure, data in texts.items():
        ids[figure] = service.upload(f"{figure}.txt", data, "wuzhong-2025", "op1")
        service.approve(ids[figure], "rev1")
    before = current(kb_app)
    barrier, results = threading.Barrier(2), {}

    def publish(figure: str, user: str) -> None:
        barrier.wait()
        try:
            results[figure] = service.publish(ids[figure], user)
        except Conflict as exc:
            results[figure] = exc

    threads = [threading.Thread(target=publish, args=a) for a in (("8000", "rev1"), ("8100", "rev2"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = {f: r for f, r in results.items() if isinstance(r, str)}
    losers = {f: r for f, r in results.items() if isinstance(r, Conflict)}
    assert len(winners) == 1 and len(losers) == 1, results
    (win, kb_version), (lose, error) = next(iter(winners.items())), next(iter(losers.items()))
    assert "正在发布" in error.message
    assert current(kb_app) == kb_version != before
    text = KnowledgeBase.open(kb_app.config["KB_DIR"]).answer("今年新增多少学位？").text
    assert f"{win}" in text and lose not in text  # one whole version, never a mix
    statuses = {v["id"]: v["status"] for v in drafts(kb_app)}
    assert statuses[ids[win]] == "published" and statuses[ids[lose]] == "approved"
    # The loser's approval was against the version the winner replaced: back to review, then it can go.
    with pytest.raises(Conflict, match="已发布版本已经改变"):
        service.publish(ids[lose], "rev2")
    assert drafts_by_id(kb_app)[ids[lose]]["status"] == "draft"
    service.approve(ids[lose], "rev2")
    assert service.publish(ids[lose], "rev2") not in (kb_version, before)


# ---- PostgreSQL ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def postgres():
    from tests.records.pg import PostgresServer

    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.mark.postgres
def test_the_cycle_on_postgresql(postgres, library_root):
    """The same pages on a PostgreSQL app database (DATABASE_URL)."""
    from web import create_app
    from web.auth import add_user

    url = postgres.new_database()
    app = create_app({"TESTING": True, "KB_DIR": str(library_root), "DATABASE_URL": url, "SECRET_KEY": "pg"})
    for name, role in USERS.items():
        add_user(name, PASSWORD, role=role, db=url)
    operator, reviewer = app.test_client(), app.test_client()
    login(operator, "op1")
    login(reviewer, "rev1")
    first = current(app)
    draft = draft_id_of(upload(operator, revised_report()))
    assert post(reviewer, f"/admin/drafts/{draft}/approve", f"/admin/drafts/{draft}").status_code == 302
    assert post(reviewer, f"/admin/drafts/{draft}/publish", f"/admin/drafts/{draft}").status_code == 302
    assert current(app) != first
    assert post(reviewer, f"/admin/versions/{first}/rollback", "/admin/documents").status_code == 302
    assert current(app) == first
    page = reviewer.get("/admin/documents").get_data(as_text=True)
    assert "已被新版本取代" in page and f"#{draft}" in page

    from records.audit import events
    from records.db import session_scope

    with session_scope(url) as session:
        done = {(e["actor"], e["action"]) for e in events(session, limit=None)}
    assert {("op1", "kb.upload"), ("rev1", "kb.approve"), ("rev1", "kb.publish"), ("rev1", "kb.rollback")} <= done


def test_a_crash_between_the_switch_and_the_database_update_heals_itself(kb_app, monkeypatch):
    """The library is the state of record: a publish that dies after the switch is recognised on next use."""
    from web.publishing import Publishing

    service = Publishing(kb_app.config["KB_DIR"], kb_app.config["DB"])
    draft = service.upload("r.txt", revised_report(), "wuzhong-2025", "op1")
    service.approve(draft, "rev1")
    real_audit = Publishing._audit

    def crash(self, session, actor, action, target, detail=None):
        if action == "kb.publish":
            raise RuntimeError("killed after the switch")
        return real_audit(self, session, actor, action, target, detail)

    monkeypatch.setattr(Publishing, "_audit", crash)
    with pytest.raises(RuntimeError):
        service.publish(draft, "rev1")
    monkeypatch.setattr(Publishing, "_audit", real_audit)
    live = current(kb_app)
    row = drafts_by_id(kb_app)[draft]  # list() syncs with the library first
    assert row["status"] == "published" and row["kb_version"] == live
    assert [v["status"] for v in drafts(kb_app)].count("published") == 1
