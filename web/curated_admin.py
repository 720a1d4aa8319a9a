"""`/admin/curated`: operators write curated answers (official answer + residents' phrasings + the passage it
cites), reviewers approve them (never their own), either retires them; every version and step is kept.

The workflow rules live in records/curated.py, the citation check and matching in knowledge/curated.py; this
module only reads forms and shows pages. Errors come back as a flash message with the error's status.
"""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from records import curated

from .auth import LogoutForm, private_page_headers, requires
from .errors import ApiError
from .resources import db_path, get_kb

bp = Blueprint("curated_admin", __name__, url_prefix="/admin/curated")
bp.after_request(private_page_headers)
CANDIDATES = 5  # passages offered for the first phrasing on the form


def _render(template: str, status: int = 200, **context) -> tuple[str, int]:
    return render_template(template, logout_form=LogoutForm(), status_names=curated.STATUS_NAMES,
                           max_answer=curated.MAX_ANSWER_CHARS, **context), status


def _citation(form) -> dict:
    """The chosen passage checked against the live knowledge base (a superseded or unknown one is refused)."""
    from knowledge import KnowledgeError, PassageNotFoundError, check_citation

    passage_id = (form.get("passage_id") or "").strip()
    if not passage_id:
        raise curated.CuratedError("请选择答复所依据的报告段落。")
    try:
        return check_citation(get_kb(), passage_id, form.get("quote") or "")
    except PassageNotFoundError:
        raise curated.CuratedError(f"段落 {passage_id} 不在当前已发布的知识库中（可能已被新版本取代），请重新选择。") from None
    except ValueError as exc:
        raise curated.CuratedError(str(exc)) from None
    except KnowledgeError as exc:
        raise ApiError(503, f"知识库暂不可用：{exc}") from exc


def _phrasings(source) -> list[str]:
    """Phrasings from repeated `phrasing` fields and/or one per line of `phrasings`."""
    lines = (source.get("phrasings") or "").splitlines()
    return [p for p in source.getlist("phrasing") + lines if p.strip()]


def _candidates(phrasings: list[str], chosen: str = "") -> list[dict]:
    """Passages of the live knowledge base the first phrasing finds (the chosen one first), for the form."""
    kb = get_kb()
    found = [h.passage for h in kb.search(phrasings[0], k=CANDIDATES)] if phrasings else []
    if chosen and chosen not in [p.id for p in found]:
        try:
            found.insert(0, kb.passage(chosen))
        except Exception:  # a superseded id typed by hand: the form says so on submit
            pass
    return [{"passage_id": p.id, "title": p.title, "section": p.section, "text": p.text} for p in found]


def _form(status: int, answer_id: int | None = None, **values) -> tuple[str, int]:
    values.setdefault("phrasings", [])
    values["candidates"] = _candidates(values["phrasings"], values.get("passage_id", ""))
    return _render("curated/form.html", status, answer_id=answer_id, values=values)


def _values(source, version: dict | None = None) -> dict:
    if version and not _phrasings(source) and not source.get("answer"):
        return {"answer": version["answer"], "phrasings": version["phrasings"], "passage_id": version["passage_id"],
                "quote": version["quote"]}
    return {"answer": source.get("answer", ""), "phrasings": _phrasings(source),
            "passage_id": source.get("passage_id", ""), "quote": source.get("quote", "")}


def _flag_dead(entries: list[dict]) -> None:
    """Flag live answers whose passage the live knowledge base no longer has (also done when residents ask)."""
    from knowledge import KnowledgeError, dead_citations

    try:
        kb = get_kb()
        for entry in dead_citations(kb, entries):
            curated.flag_dead(entry, kb.version, url=db_path())
    except (KnowledgeError, ApiError):
        pass  # the list still shows; the check runs again on the next visit


@bp.get("")
@requires("operator", "reviewer")
def index():
    """Every curated answer with its latest version's status."""
    _flag_dead(curated.live_entries(db_path()))
    return _render("curated/list.html", answers=curated.list_answers(db_path()))


@bp.get("/new")
@requires("operator")
def new():
    """The new-answer form; `?phrasing=…&phrasing=…` prefills the phrasings (the gaps page links here)."""
    return _form(200, **_values(request.args))


@bp.post("/new")
@requires("operator")
def create():
    """Save a new curated answer as a draft (version 1)."""
    values = _values(request.form)
    try:
        answer_id = curated.create(values["answer"], values["phrasings"], _citation(request.form),
                                   current_user.username, url=db_path())
    except curated.CuratedError as exc:
        flash(exc.message, "error")
        return _form(exc.status, **values)
    flash(f"标准答复 {answer_id} 已保存为草稿，须由另一位审核人批准后生效。", "info")
    return redirect(url_for("curated_admin.detail", answer_id=answer_id))


def _history(answer_id: int) -> dict:
    try:
        return curated.history(answer_id, url=db_path())
    except curated.CuratedError as exc:
        raise ApiError(exc.status, exc.message) from None


@bp.get("/<int:answer_id>")
@requires("operator", "reviewer")
def detail(answer_id: int):
    """One answer: every version (text, phrasings, citation, who wrote / approved) and its audit history."""
    return _render("curated/detail.html", view=_history(answer_id), me=current_user.username)


@bp.route("/<int:answer_id>/edit", methods=["GET", "POST"])
@requires("operator")
def edit(answer_id: int):
    """Edit: saving makes a new draft version; the live one serves until the new one is approved."""
    latest = _history(answer_id)["versions"][-1]
    values = _values(request.form if request.method == "POST" else request.args, latest)
    if request.method == "GET":
        return _form(200, answer_id, **values)
    try:
        version = curated.edit(answer_id, values["answer"], values["phrasings"], _citation(request.form),
                               current_user.username, url=db_path())
    except curated.CuratedError as exc:
        flash(exc.message, "error")
        return _form(exc.status, answer_id, **values)
    flash(f"已保存为第 {version} 版草稿，须由另一位审核人批准后生效。", "info")
    return redirect(url_for("curated_admin.detail", answer_id=answer_id))


def _act(answer_id: int, action, message: str) -> Response | tuple[str, int]:
    try:
        action()
    except curated.CuratedError as exc:
        flash(exc.message, "error")
        try:
            view = curated.history(answer_id, url=db_path())
        except curated.CuratedError:
            return _render("curated/list.html", exc.status, answers=curated.list_answers(db_path()))
        return _render("curated/detail.html", exc.status, view=view, me=current_user.username)
    flash(message, "info")
    return redirect(url_for("curated_admin.detail", answer_id=answer_id))


@bp.post("/<int:answer_id>/versions/<int:version>/approve")
@requires("reviewer")
def approve(answer_id: int, version: int):
    """Approve a draft version (not one's own): it goes live in every process within seconds."""
    return _act(answer_id, lambda: curated.approve(answer_id, version, current_user.username, url=db_path()),
                f"第 {version} 版已批准并生效。")


@bp.post("/<int:answer_id>/retire")
@requires("operator", "reviewer")
def retire(answer_id: int):
    """Take the answer out of service (its versions and history stay)."""
    return _act(answer_id, lambda: curated.retire(answer_id, current_user.username, request.form.get("reason", ""),
                                                  url=db_path()), f"标准答复 {answer_id} 已停用。")
