"""`/admin`: operators' area (user management and knowledge updates come in a later issue)."""
from __future__ import annotations

from flask import Blueprint
from flask import render_template
from flask_login import login_required

from .auth import LogoutForm, private_page_headers

bp = Blueprint("admin", __name__, url_prefix="/admin")


bp.after_request(private_page_headers)


@bp.get("/")
@login_required
def index() -> str:
    """Placeholder page for the administration issue."""
    return render_template("admin/index.html", logout_form=LogoutForm())
