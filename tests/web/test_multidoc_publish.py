"""A second document through the operators' flow: upload, approve, publish (both live), cited by the API; retire it."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from kb_library import audit_actions, kb_app, library_root, library_template  # noqa: F401

REPO = Path(__file__).resolve().parents[2]
NOTICE = REPO / "tests" / "data" / "documents" / "暑托班通知.txt"
NOTICE_ID, REPORT_ID = "wuzhong-2025-shutuoban", "wuzhong-2025"
NOTICE_TITLE = "苏州市吴中区关于做好2025年暑托班工作的通知"
NOTICE_QUESTION = "暑托班计划招收多少名学生"


def cli(app, *args: str):
    """`flask --app web <args>` against `app`; its last output line."""
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def live_documents(app) -> set[str]:
    from knowledge import Library

    return {s.id for s in Library.open(app.config["KB_DIR"]).documents()}


def cited(client, question: str, until=None, seconds: float = 15.0) -> dict | None:
    """The citation /api/search gives (polled until `until(citation)` holds: the live version follows the pointer)."""
    deadline = time.monotonic() + seconds
    while True:
        response = client.get("/api/search", query_string={"q": question})
        assert response.status_code == 200, response.get_data(as_text=True)
        answer = response.get_json()["answer"]
        citation = answer and answer["citation"]
        if until is None or until(citation) or time.monotonic() > deadline:
            return citation
        time.sleep(0.5)


def publish_notice(app) -> str:
    draft = cli(app, "kb", "upload", str(NOTICE), "--document", NOTICE_ID, "--user", "op1", "--date", "2025-06-10")
    cli(app, "kb", "approve", draft, "--user", "rev1")
    return cli(app, "kb", "publish", draft, "--user", "rev2")


def test_a_second_document_is_published_beside_the_report_and_cited_by_title_and_version(kb_app):
    first = kb_app.test_client()
    before = cited(first, NOTICE_QUESTION)
    assert before is None or before["document_id"] == REPORT_ID  # the report alone does not know the notice
    kb_version = publish_notice(kb_app)
    assert live_documents(kb_app) == {REPORT_ID, NOTICE_ID}

    client = kb_app.test_client()
    citation = cited(client, NOTICE_QUESTION, until=lambda c: c and c["kb_version"] == kb_version)
    assert citation["document"] == NOTICE_TITLE and citation["document_id"] == NOTICE_ID
    assert citation["kb_version"] == kb_version and "6800" in citation["quote"]
    report = cited(client, "今年新增多少学位")
    assert report["document_id"] == REPORT_ID and report["document"] == "苏州市吴中区人民政府工作报告"
    assert report["kb_version"] == kb_version and "7530" in report["quote"]
    results = client.get("/api/search", query_string={"q": "暑托班收费标准"}).get_json()["results"]
    assert results[0]["document_id"] == NOTICE_ID and results[0]["document"] == NOTICE_TITLE


def test_the_chat_citation_and_the_widget_card_carry_document_and_version():
    from web.chat_relay import clean_citation

    raw = {"passage_id": "abc", "document": NOTICE_TITLE, "document_id": NOTICE_ID, "kb_version": "v1",
           "section": "正文", "title": "收费标准", "quote": "暑托班收费标准为每人每期600元。"}
    citation = clean_citation(raw)
    assert citation["document"] == NOTICE_TITLE and citation["document_id"] == NOTICE_ID and citation["kb_version"] == "v1"
    widget = (REPO / "web" / "static" / "widget.js").read_text(encoding="utf-8")
    card = widget[widget.index("function renderCitation"):widget.index("function renderQuote")]
    assert "c.document" in card and "c.kb_version" in card


def test_retiring_a_document_removes_it_from_search_and_is_audited(kb_app):
    from web.publishing import Conflict, NotAllowed, NotFound, Publishing

    published = publish_notice(kb_app)
    client = kb_app.test_client()
    assert cited(client, NOTICE_QUESTION, until=lambda c: c and c["document_id"] == NOTICE_ID)["document_id"] == NOTICE_ID
    service = Publishing(kb_app.config["KB_DIR"], kb_app.config["DB"])
    with pytest.raises(NotAllowed):
        service.withdraw(NOTICE_ID, "op1")  # operators upload; reviewers retire
    with pytest.raises(NotFound, match="没有发布"):
        service.withdraw("no-such-document", "rev1")

    result = kb_app.test_cli_runner().invoke(args=["kb", "withdraw", NOTICE_ID, "--user", "rev1",
                                                   "--reason", "暑托班已结束"])  # the shell does it as the page would
    assert result.exit_code == 0, result.output
    kb_version = result.output.strip().splitlines()[-1]
    assert kb_version != published and live_documents(kb_app) == {REPORT_ID}
    after = cited(client, NOTICE_QUESTION, until=lambda c: c is None or c["kb_version"] == kb_version)
    assert after is None or after["document_id"] == REPORT_ID
    assert not [h for h in client.get("/api/search", query_string={"q": "暑托班收费标准"}).get_json()["results"]
                if h["document_id"] == NOTICE_ID]
    assert ("rev1", "kb.withdraw", f"document:{NOTICE_ID}") in audit_actions(kb_app)
    rows = [v for d in service.list()["documents"] if d["id"] == NOTICE_ID for v in d["versions"]]
    assert [(r["status"], r["note"]) for r in rows] == [("superseded", "已撤回（rev1）：暑托班已结束")]
    with pytest.raises(Conflict, match="唯一"):
        service.withdraw(REPORT_ID, "rev1")  # the last document: residents would get no answer at all
    assert live_documents(kb_app) == {REPORT_ID}
