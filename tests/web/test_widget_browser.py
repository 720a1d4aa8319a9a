"""The resident widget in headless Chromium, against waitress + the real Rasa server and action server."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

import records as store

pytestmark = [pytest.mark.browser, pytest.mark.rasa]  # served against the real Rasa stack

ROOT = "document.querySelector('#wuzhong-widget').shadowRoot"


def open_widget(page, url: str):
    """Load `url`, open the widget with the keyboard, return the question box."""
    page.goto(url)
    launcher = page.get_by_role("button", name="问政务助手")
    launcher.focus()
    page.keyboard.press("Enter")
    # While the panel is open the launcher is hidden (the panel covers its corner) but says so.
    expect(page.locator(".wz-launcher")).to_have_attribute("aria-expanded", "true")
    box = page.get_by_label("输入您的问题")
    expect(box).to_be_focused()
    return box


def ask(page, box, question: str, answers_before: int) -> None:
    """Type a question, press Enter, wait for the next bot answer."""
    box.fill(question)
    box.press("Enter")
    expect(page.locator(".wz-bot:not(.wz-welcome)")).not_to_have_count(answers_before)
    expect(page.locator(".wz-typing")).to_be_hidden()


def test_resident_asks_follows_up_reads_the_source_rates_and_reloads(context, live_server, live_app, shots):
    page = context.new_page()
    box = open_widget(page, live_server.url + "/")
    expect(page.get_by_text("回答内容来自《2025年吴中区政府工作报告》")).to_be_visible()

    ask(page, box, "今年新增多少学位？", 0)
    first = page.locator(".wz-bot").filter(has=page.locator(".wz-cite")).first
    expect(first.locator(".wz-text")).to_contain_text("7530")
    card = first.locator(".wz-cite")
    expect(card.locator(".wz-doc")).to_have_text("《苏州市吴中区人民政府工作报告》")
    expect(card.locator(".wz-sec")).to_contain_text("七、")
    expect(card.locator(".wz-para")).not_to_be_empty()
    expect(card.locator(".wz-quote mark", has_text="7530个")).to_be_visible()
    shots(page, "01-answer-with-citation")

    ask(page, box, "那暑托班呢？", page.locator(".wz-bot:not(.wz-welcome)").count())
    cited = page.locator(".wz-bot").filter(has=page.locator(".wz-cite"))
    expect(cited).to_have_count(2)
    second = cited.nth(1)
    expect(second.locator(".wz-quote")).to_contain_text("暑托班")
    expect(second.locator(".wz-quote mark", has_text="150")).to_be_visible()

    # 查看原文: the whole passage, the quote marked in it; Escape closes and gives focus back.
    source_button = second.get_by_role("button", name="查看原文")
    source_button.click()
    viewer = page.get_by_role("dialog", name="原文")
    expect(viewer).to_be_visible()
    expect(viewer.locator(".wz-passage")).to_contain_text("暑托班")
    expect(viewer.locator("mark.wz-quote-mark")).to_contain_text("暑托班")
    shots(page, "02-full-passage")
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(source_button).to_be_focused()

    # 👎 with a reason on the first answer, stored with its passage.
    first.get_by_role("button", name="没帮助").click()
    first.get_by_label("数字不对").check()
    first.get_by_role("button", name="提交").click()
    expect(first.get_by_text("感谢您的反馈！")).to_be_visible()
    sender = page.evaluate("JSON.parse(localStorage.getItem('wuzhong-widget:sender'))")
    (row,) = [r for r in store.recent_feedback(50, url=live_app.config["DB"]) if r["sender_id"] == sender]
    assert row["helpful"] == 0 and row["reason"] == "wrong_figure"
    assert row["passage_id"] == page.evaluate(
        f"JSON.parse(localStorage.getItem('wuzhong-widget:messages')).find(m => m.citation).citation.passage_id")
    assert "7530" in row["answer"]

    # Reload: the conversation (and the feedback given) is still there.
    page.reload()
    expect(page.locator(".wz-user")).to_have_count(2)
    expect(page.locator(".wz-cite")).to_have_count(2)
    expect(page.locator(".wz-user").first).to_contain_text("今年新增多少学位？")
    expect(page.get_by_text("感谢您的反馈！")).to_be_visible()
    shots(page, "03-after-reload")

    # 适老化: large text, high contrast, remembered across reloads.
    elderly = page.get_by_role("button", name="适老化")
    elderly.click()
    expect(elderly).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.get_by_role("button", name="适老化")).to_have_attribute("aria-pressed", "true")
    size = page.evaluate(f"parseFloat(getComputedStyle({ROOT}.querySelector('.wz-bot .wz-text')).fontSize)")
    assert size >= 20
    user_bg = page.evaluate(f"getComputedStyle({ROOT}.querySelector('.wz-user')).backgroundColor")
    assert user_bg == "rgb(0, 0, 0)"
    shots(page, "04-elderly-mode")

    # A 360 px phone: the panel fits the screen, nothing scrolls sideways.
    page.set_viewport_size({"width": 360, "height": 740})
    box_ = page.locator(".wz-panel").bounding_box()
    assert box_["x"] >= 0 and box_["x"] + box_["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    expect(page.get_by_label("输入您的问题")).to_be_visible()
    shots(page, "05-phone-360px")


def test_keyboard_only_and_screen_reader_announcements(context, live_server):
    page = context.new_page()
    box = open_widget(page, live_server.url + "/")
    log = page.get_by_role("log", name="对话记录")
    expect(log).to_have_attribute("aria-live", "polite")
    ask(page, box, "新增公交站点多少个？", 0)
    expect(log.locator(".wz-cite .wz-quote")).to_contain_text("20个")
    # New messages are appended inside the live region, each with a spoken prefix.
    expect(log.locator(".wz-bot .wz-sr").last).to_have_text("助手：")
    # Tab reaches the citation's buttons; Escape closes the panel and returns focus to the launcher.
    for _ in range(12):
        page.keyboard.press("Shift+Tab")
        if page.evaluate(f"{ROOT}.activeElement && {ROOT}.activeElement.textContent") == "查看原文":
            break
    else:
        pytest.fail("查看原文 is not reachable with the keyboard")
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="原文")).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    launcher = page.get_by_role("button", name="问政务助手")
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")


def test_typing_indicator_while_waiting(context, live_server):
    page = context.new_page()
    held = []
    page.route("**/api/chat", lambda route: held.append(route))
    box = open_widget(page, live_server.url + "/")
    box.fill("今年新增多少学位？")
    box.press("Enter")
    typing = page.get_by_role("status").filter(has_text="助手正在输入")
    expect(typing).to_be_visible()
    assert held, "the question was not sent"
    held[0].continue_()
    expect(typing).to_be_hidden()
    expect(page.locator(".wz-cite")).to_have_count(1)


def test_questions_are_text_never_markup(context, live_server):
    page = context.new_page()
    box = open_widget(page, live_server.url + "/")
    attack = '<img src=x onerror="window.__pwned=1">今年新增多少学位？'
    ask(page, box, attack, 0)
    expect(page.locator(".wz-user").first).to_have_text("您说：" + attack)
    assert page.evaluate(f"{ROOT}.querySelectorAll('img').length") == 0
    assert page.evaluate("window.__pwned === undefined")


def test_empty_and_too_long_questions_get_a_friendly_message(context, live_server):
    page = context.new_page()
    box = open_widget(page, live_server.url + "/")
    box.press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("请输入您的问题。")
    box.fill("学" * 501)
    box.press("Enter")
    expect(alert).to_contain_text("问题太长（501字）")
    expect(page.locator(".wz-user")).to_have_count(0)


def test_handoff_button_reaches_the_12345_staff(context, live_server, live_app):
    page = context.new_page()
    box = open_widget(page, live_server.url + "/")
    ask(page, box, "今年新增多少学位？", 0)
    sender = page.evaluate("JSON.parse(localStorage.getItem('wuzhong-widget:sender'))")
    before = page.locator(".wz-bot:not(.wz-welcome)").count()
    page.get_by_role("button", name="转人工 / 12345").click()
    expect(page.locator(".wz-bot:not(.wz-welcome)")).not_to_have_count(before)
    expect(page.locator(".wz-bot").last).to_contain_text("12345")
    handoffs = [h for h in store.recent_handoffs(20, url=live_app.config["DB"]) if h["sender_id"] == sender]
    assert handoffs, "the handoff was not recorded"


def test_widget_embedded_on_an_allowed_site(context, embedding_site, shots):
    page = context.new_page()
    box = open_widget(page, embedding_site + "/")
    assert page.evaluate("location.origin") == embedding_site
    # The widget's stylesheet came from the assistant's server.
    position = page.evaluate(f"getComputedStyle({ROOT}.querySelector('.wz-panel')).position")
    assert position == "fixed"
    ask(page, box, "公共停车泊位新增多少个？", 0)
    expect(page.locator(".wz-cite .wz-quote mark", has_text="1000")).to_be_visible()
    shots(page, "embedded-on-allowed-site")


def test_widget_refused_on_a_site_not_allowed(context, embedding_site, embed_port):
    page = context.new_page()
    # Same page, another origin (127.0.0.1 instead of localhost) that WIDGET_ORIGINS does not list.
    box = open_widget(page, f"http://127.0.0.1:{embed_port}/")
    ask(page, box, "今年新增多少学位？", 0)
    expect(page.locator(".wz-bot.wz-error")).to_contain_text("暂时无法连接")
    expect(page.locator(".wz-cite")).to_have_count(0)
