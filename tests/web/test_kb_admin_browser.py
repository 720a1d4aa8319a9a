"""The operators' flow in headless Chromium: log in, upload a revised report, read the diff, approve and publish
as a second user, then ask the widget — it answers from the new version without a restart."""
from __future__ import annotations

import time

import pytest
import requests
from playwright.sync_api import expect

from kb_library import PASSWORD, kb_app, library_root, library_template, revised_report  # noqa: F401
from web_helpers import LiveServer

pytestmark = pytest.mark.browser  # Rasa is down here: the widget answers in reduced mode, from the web app's KB


@pytest.fixture
def server(kb_app):
    kb_app.config.update(CHAT_RATE_LIMIT="1000 per minute", SEARCH_RATE_LIMIT="1000 per minute",
                         RASA_RETRY_AFTER=300.0)
    live = LiveServer(kb_app)
    yield live
    live.stop()


def log_in(page, url: str, name: str) -> None:
    page.goto(url + "/admin/documents")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="文档与版本")).to_be_visible()


def ask(page, box, answers_before: int) -> None:
    """Ask the widget how many school places are added this year; wait for its answer."""
    box.fill("今年新增多少学位？")
    box.press("Enter")
    expect(page.locator(".wz-bot:not(.wz-welcome)")).not_to_have_count(answers_before)
    expect(page.locator(".wz-typing")).to_be_hidden()


def kb_version_of_answers(url: str) -> str:
    return requests.get(url + "/api/search", params={"q": "今年新增多少学位"}, timeout=30).json()["answer"][
        "citation"]["kb_version"]


def test_upload_diff_approve_publish_then_the_widget_answers_the_new_figure(context, server, tmp_path, shots):
    url = server.url
    first = kb_version_of_answers(url)  # the web app's live knowledge base is open and serving
    revised = tmp_path / "wuzhong-2025-revised.txt"
    revised.write_bytes(revised_report())

    # A resident asks first: 7530, from the published report.
    resident = context.new_page()
    resident.goto(url + "/")
    resident.get_by_role("button", name="问政务助手").click()
    box = resident.get_by_label("输入您的问题")
    ask(resident, box, 0)
    cited = resident.locator(".wz-bot").filter(has=resident.locator(".wz-cite"))
    expect(cited.first.locator(".wz-text")).to_contain_text("7530")

    # An operator uploads the revised report: a draft showing how it was split and what changed.
    page = context.new_page()
    log_in(page, url, "op1")
    page.get_by_label("文档编号").fill("wuzhong-2025")
    page.get_by_label("文件").set_input_files(str(revised))
    page.get_by_role("button", name="上传").click()
    expect(page.locator("#draft-status")).to_have_text("待审核")
    diff = page.locator(".diff-item.diff-changed")
    expect(diff).to_have_count(1)
    expect(diff.locator("del")).to_have_text("7530")
    expect(diff.locator("ins")).to_have_text("8000")
    expect(page.locator(".kb-section summary").first).to_be_visible()
    shots(page, "01-draft-diff")
    assert page.get_by_role("button", name="批准").count() == 0  # operators do not approve
    draft_url = page.url
    page.get_by_role("button", name="退出").click()

    # A reviewer approves and publishes.
    log_in(page, url, "rev1")
    page.goto(draft_url)
    page.get_by_role("button", name="批准").click()
    expect(page.locator("#draft-status")).to_have_text("已批准")
    page.get_by_role("button", name="发布").click()
    expect(page.locator(".flash-info")).to_contain_text("已发布", timeout=60000)
    published = page.locator("#current-kb-version").inner_text()
    assert published != first
    shots(page, "02-published")

    # Within 5 s the running web app answers from the new version; the widget shows it.
    deadline = time.monotonic() + 5
    while kb_version_of_answers(url) != published:
        assert time.monotonic() < deadline, "the web app still answers from the old version"
        time.sleep(0.2)
    ask(resident, box, resident.locator(".wz-bot:not(.wz-welcome)").count())
    expect(cited).to_have_count(2)
    expect(cited.nth(1).locator(".wz-text")).to_contain_text("8000")
    expect(cited.nth(1).locator(".wz-quote")).to_contain_text("8000")
    shots(resident, "03-widget-new-figure")

    # The first answer's source still opens: the old version's passage, marked superseded.
    cited.first.get_by_role("button", name="查看原文").click()
    viewer = resident.get_by_role("dialog", name="原文")
    expect(viewer.locator(".wz-superseded")).to_have_text("此段出自旧版本，已被新版本取代。")
    expect(viewer.locator(".wz-passage")).to_contain_text("7530")
    shots(resident, "04-old-citation-superseded")
