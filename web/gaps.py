"""`/admin/gaps`: what residents asked and did not get — abstentions and 👎 feedback grouped by similar wording
and by report section, with counts and a two-week trend; from a group an operator starts a curated answer or
adds a synonym; `/admin/gaps.csv` exports the groups or their questions."""
from __future__ import annotations

import re
import threading
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField

from records import gaps as records_gaps

from .auth import LogoutForm, actor, private_page_headers, requires
from .errors import ApiError
from .resources import db_path, get_kb
from .validation import MAX_QUERY_STRING_BYTES

bp = Blueprint("gaps", __name__, url_prefix="/admin")
bp.after_request(private_page_headers)

# Short labels of the reason keys (records.gaps.reason_key); a key not listed shows as itself.
REASON_LABELS = {
    "no_match": "报告未涉及", "low_confidence": "依据不足（低置信度）", "no_figure": "报告无具体数字", "no_time": "报告无具体时间",
    "no_names": "报告未列出名单", "no_place": "报告未写明地点",
    "price": "价格收费", "schedule": "日期时间", "procedure": "办理流程", "contact": "联系方式",
    "entitlement": "个人待遇", "weather": "天气", "elsewhere": "其他地区", "personal": "个人情况",
    "past": "往年数据", "official": "官员职务", "service": "个人事务/投诉", "meta": "闲聊/角色扮演", "task": "代办请求", "opinion": "意见/情绪",
    "unclear": "看不懂的问题",
    "feedback:wrong_passage": "👎 引用段落不对", "feedback:wrong_figure": "👎 数字不对",
    "feedback:out_of_date": "👎 内容过时", "feedback:other": "👎 其他", "feedback:none": "👎 未说明原因",
}
REASON_RE = re.compile(r"[a-z_]{1,40}(:[a-z_]{1,40})?")
SPARK = "▁▂▃▄▅▆▇█"
# The curated-answer link carries the group's questions; the whole URL stays well inside what the app accepts.
CURATED_LINK_BYTES = MAX_QUERY_STRING_BYTES // 2
_topics: dict[tuple[str, str], dict[str, Any]] = {}  # (kb version, question) → topic; searches are not free
_topics_lock = threading.Lock()


class SynonymForm(FlaskForm):
    """A resident's phrase and the report's term it means (the filters ride along to come back to them)."""

    phrase = StringField("居民的说法")
    term = StringField("报告里的用语")
    since = HiddenField()
    until = HiddenField()
    reason = HiddenField()


def _date(name: str, value: str) -> str:
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise ApiError(400, f"{name}日期格式不对：应为 YYYY-MM-DD，例如 2026-11-29。") from None
    return value


def _filters(source: Any) -> dict[str, str]:
    """since / until / reason from a query string or form; no `since` at all = the last GAPS_DEFAULT_DAYS days."""
    filters: dict[str, str] = {}
    if "since" not in source:
        days = int(current_app.config["GAPS_DEFAULT_DAYS"])
        filters["since"] = (datetime.now(timezone.utc).date() - timedelta(days=days - 1)).isoformat()
    for name, label in (("since", "开始"), ("until", "结束")):
        value = (source.get(name) or "").strip()
        if value:
            filters[name] = _date(label, value)
    reason = (source.get("reason") or "").strip()
    if reason:
        if not REASON_RE.fullmatch(reason):
            raise ApiError(400, "原因筛选无效：请从列表中选择。")
        filters["reason"] = reason
    if filters.get("since") and filters.get("until") and filters["since"] > filters["until"]:
        raise ApiError(400, "开始日期晚于结束日期，请重新选择。")
    return filters


def _topic(kb: Any, question: str) -> dict[str, Any]:
    from knowledge import topic_of

    key = (kb.version, question)
    with _topics_lock:
        found = _topics.get(key)
    if found is None:
        found = topic_of(kb, question)
        with _topics_lock:
            if len(_topics) > 20000:
                _topics.clear()
            _topics[key] = found
    return found


def gap_report(filters: dict[str, str]) -> dict[str, Any]:
    """What the page and the CSV show for these filters: the groups (with their questions) and totals."""
    from knowledge import KnowledgeError, group_questions

    limit = int(current_app.config["GAPS_MAX_QUESTIONS"])
    questions, truncated = records_gaps.gap_questions(filters.get("since"), filters.get("until"),
                                                      filters.get("reason"), limit=limit, url=db_path())
    try:
        clusters = [g.members for g in group_questions([q["question"] for q in questions])]
    except KnowledgeError as exc:
        current_app.logger.error("grouping failed: %s", exc)
        raise ApiError(503, "问题分组所需的模型暂不可用，请稍后再试。") from exc
    try:
        kb = get_kb()
        topics = [_topic(kb, questions[members[0]]["question"]) for members in clusters]
    except ApiError as exc:  # no knowledge base: the groups still show, without their section
        flash(exc.message, "error")
        topics = [{} for _ in clusters]
    today = date.fromisoformat(filters["until"]) if filters.get("until") else datetime.now(timezone.utc).date()
    groups = records_gaps.summarize(questions, clusters, topics, today)
    return {"groups": groups, "questions": len(questions), "truncated": truncated, "limit": limit, "today": today}


def _topics_table(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for g in groups:
        row = table.setdefault(g["topic"], {"topic": g["topic"], "section_no": g["section_no"], "groups": 0,
                                            "count": 0, "this_week": 0, "last_week": 0})
        row["groups"] += 1
        for key in ("count", "this_week", "last_week"):
            row[key] += g[key]
    return sorted(table.values(), key=lambda r: -r["count"])


def sparkline(daily: list[int]) -> str:
    """Per-day counts as block characters (▁ = none, █ = the busiest day)."""
    top = max(daily) or 1
    return "".join(SPARK[0] if n == 0 else SPARK[max(1, round(n / top * (len(SPARK) - 1)))] for n in daily)


def curated_link(group: dict[str, Any]) -> str:
    """The new-curated-answer form prefilled with the group's distinct questions (CONTRACTS item 5)."""
    pairs: list[tuple[str, str]] = []
    for text in dict.fromkeys(q["question"] for q in group["questions"]):
        candidate = pairs + [("phrasing", text)]
        if pairs and len(urlencode(candidate)) > CURATED_LINK_BYTES:
            break
        pairs = candidate
    return "/admin/curated/new?" + urlencode(pairs)


@bp.get("/gaps")
@requires("operator", "reviewer")
def page() -> str:
    """The groups of unanswered and disliked questions, filtered by period and reason."""
    filters = _filters(request.args)
    report = gap_report(filters)
    form_filters = {"since": filters.get("since", ""), "until": filters.get("until", ""),
                    "reason": filters.get("reason", "")}
    return render_template("gaps/page.html", report=report, filters=filters, form_filters=form_filters,
                           topics=_topics_table(report["groups"]), reason_labels=REASON_LABELS,
                           sparkline=sparkline, curated_link=curated_link, synonym_form=SynonymForm(),
                           can_curate=_can_curate(), logout_form=LogoutForm(),
                           has_curated="curated_admin.new" in current_app.view_functions)


def _can_curate() -> bool:
    from flask_login import current_user

    return current_user.has_role("operator")


@bp.get("/gaps.csv")
@requires("operator", "reviewer")
def export() -> Response:
    """`?rows=groups` (default) or `?rows=questions`, with the page's filters."""
    rows = request.args.get("rows", "groups")
    if rows not in ("groups", "questions"):
        raise ApiError(400, "rows 只能是 groups 或 questions。")
    filters = _filters(request.args)
    groups = gap_report(filters)["groups"]
    text = (records_gaps.groups_to_csv if rows == "groups" else records_gaps.questions_to_csv)(groups)
    records_gaps.log_export(actor(), rows, filters, text.count("\n") - 1, url=db_path())
    # BOM: Excel (what the district's offices open CSV with) then reads UTF-8 Chinese correctly.
    return Response("\ufeff" + text, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=gaps-{rows}.csv"})


@bp.post("/gaps/synonyms")
@requires("operator", "reviewer")
def add_synonym() -> Response:
    """Add `phrase → term` to the operators' synonym file (term checked against the live report), audited."""
    from knowledge import SynonymError, add_synonym as add, operator_synonyms_path

    form = SynonymForm()
    if not form.validate_on_submit():
        raise ApiError(400, "页面已过期，请刷新后重试。")
    # Back to the filters the operator had (an empty `since` means "from the start", not the default period).
    back = url_for("gaps.page", since=form.since.data or "", until=form.until.data or "",
                   reason=form.reason.data or "")
    kb = get_kb()
    try:
        phrase, term = add(kb, form.phrase.data or "", form.term.data or "")
    except SynonymError as exc:
        flash(str(exc), "error")
        return redirect(back)
    records_gaps.log_synonym(actor(), phrase, term, str(operator_synonyms_path()), url=db_path())
    hits = kb.search(phrase, k=1)
    found = f"现在搜索「{phrase}」首先找到：{hits[0].passage.section} · {hits[0].passage.title}" if hits else ""
    flash(f"已添加同义词「{phrase}」→「{term}」，立即生效。{found}", "info")
    return redirect(back)
