"""The hotline staff console in headless Chromium: log in, search as you type, copy the phone script."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

import records as store
from web_helpers import STAFF_NAME, STAFF_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.rasa]  # served against the real Rasa stack


def test_staff_logs_in_searches_and_copies_the_answer_script(browser, live_server, live_app, shots):
    db = live_app.config["DB"]
    store.record_unanswered("resident-x", "<b>社保</b>卡丢了怎么补办？电话13812345678", url=db)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/staff/")
        expect(page).to_have_url(f"{live_server.url}/staff/login?next=/staff/")
        page.get_by_label("用户名").fill(STAFF_NAME)
        page.get_by_label("密码").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="查报告")).to_be_visible()

        # As-you-type: keystrokes one by one, the results follow.
        search = page.get_by_label("关键词或来电问题")
        search.press_sequentially("养老床位", delay=60)
        answer = page.locator("#answer")
        expect(answer).to_be_visible()
        expect(answer.locator(".answer-quote mark", has_text="180张")).to_be_visible()
        expect(answer.locator(".answer-source")).to_contain_text("第七部分")
        first = page.locator("#results .result").first
        expect(first.locator("mark").first).to_be_visible()
        assert {m for m in first.locator("mark").all_inner_texts()} & {"养老", "床位", "养老床位"}
        shots(page, "staff-search")

        page.get_by_role("button", name="复制答复话术").click()
        expect(page.get_by_text("已复制，可直接照读")).to_be_visible()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert "180张" in copied
        assert "依据：2025年吴中区政府工作报告·第七部分·" in copied

        # Section filter: only part four's passages.
        search.fill("公交")
        page.get_by_label("部分").select_option("4")
        expect(page.locator("#results .result-section").first).to_contain_text("四、")
        sections = page.locator("#results .result-section").all_inner_texts()
        assert sections and all(s.startswith("四、") for s in sections)

        # Unanswered questions are listed as text, masked.
        unanswered = page.locator("section", has=page.get_by_role("heading", name="助手未能回答的问题"))
        expect(unanswered).to_contain_text("<b>社保</b>卡丢了怎么补办")
        expect(unanswered).to_contain_text("138****5678")
        shots(page, "staff-console")
    finally:
        context.close()
