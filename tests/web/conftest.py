"""Web fixtures: apps on the session knowledge base with their own SQLite file, a live waitress server
wired to the real Rasa stack (`rasa_stack`), a second site that embeds the widget, and one Chromium per session."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import requests

from web_helpers import STAFF_NAME, STAFF_PASSWORD, LiveServer, free_port, log_in

ROLE_PASSWORD = "role password 123"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def dead_url() -> str:
    """A URL where nothing listens: Rasa or the action server is down."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
def make_app(kb, tmp_path, dead_url) -> Iterator[Callable[..., Any]]:
    """Build an app on the session KB and this test's DB; Rasa is down unless RASA_URL is given."""
    from web import create_app

    def build(**overrides: Any):
        # DATABASE_URL "" : this test's SQLite file even when $WUZHONG_DATABASE_URL is set.
        config = {"TESTING": True, "KB": kb, "DB": str(tmp_path / "app.sqlite"), "DATABASE_URL": "",
                  "SECRET_KEY": "test-secret",
                  "RASA_URL": dead_url, "ACTIONS_URL": dead_url, "HEALTH_TIMEOUT": 0.3}
        config.update(overrides)
        return create_app(config)

    yield build
    import records

    records.db.dispose(tmp_path / "app.sqlite")  # this test's pooled connections, not the whole session's


@pytest.fixture
def app(make_app):
    """An app with Rasa down (reduced mode)."""
    return make_app()


@pytest.fixture
def client(app):
    """Its test client."""
    return app.test_client()


@pytest.fixture
def staff_user(app) -> tuple[str, str]:
    """A staff user in the app's DB (created like the CLI does)."""
    from web.auth import add_user

    add_user(STAFF_NAME, STAFF_PASSWORD, db=app.config["DB"])
    return STAFF_NAME, STAFF_PASSWORD


@pytest.fixture
def staff_client(client, staff_user):
    """A test client logged in as staff."""
    response = log_in(client, *staff_user)
    assert response.status_code == 302
    return client


@pytest.fixture
def make_user(app) -> Callable[..., tuple[str, str]]:
    """Create a user with a role in the app's DB (as `flask create-user NAME --role ROLE` does): (name, password)."""
    from web.auth import add_user

    count = iter(range(1, 1000))

    def create(role: str = "staff", name: str | None = None, password: str = ROLE_PASSWORD) -> tuple[str, str]:
        name = name or f"{role}{next(count):02d}"
        add_user(name, password, role=role, db=app.config["DB"])
        return name, password

    return create


@pytest.fixture
def login_as(app, make_user) -> Callable[..., Any]:
    """`login_as("reviewer")`: a new test client logged in as a new user with that role."""
    def login(role: str, name: str | None = None):
        name, password = make_user(role, name)
        user_client = app.test_client()
        response = log_in(user_client, name, password)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user_client

    return login


@pytest.fixture
def operator_client(login_as):
    """A test client logged in as an operator (drafts, curated answers)."""
    return login_as("operator")


@pytest.fixture
def reviewer_client(login_as):
    """A test client logged in as a reviewer (approve, publish, roll back)."""
    return login_as("reviewer")


@pytest.fixture
def admin_client(login_as):
    """A test client logged in as an admin (users, settings; passes every role check)."""
    return login_as("admin")


# ---- live servers ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def warm_rasa(rasa_stack):
    """The real stack after its first message: Rasa's first inference is slow, the web relay's timeout is not."""
    rasa_stack.send("web-tests-warm-up", "你好", timeout=120)
    return rasa_stack


@pytest.fixture(scope="session")
def embed_port() -> int:
    """Port of the other site that embeds the widget."""
    return free_port()


@pytest.fixture(scope="session")
def live_app(kb, warm_rasa, embed_port):
    """The web app against the real Rasa stack (sharing its app DB), one staff user, the embedding site allowed."""
    from web import create_app
    from web.auth import add_user

    db = warm_rasa.db_path
    app = create_app({"KB": kb, "DB": str(db), "SECRET_KEY": "live-secret", "RASA_URL": warm_rasa.rasa_url,
                      "ACTIONS_URL": warm_rasa.actions_url,
                      "WIDGET_ORIGINS": f"http://localhost:{embed_port}",
                      # The browser tests ask quickly in a row; the limit itself is tested with the test client.
                      "CHAT_RATE_LIMIT": "1000 per minute", "SEARCH_RATE_LIMIT": "1000 per minute"})
    add_user(STAFF_NAME, STAFF_PASSWORD, db=str(db))
    kb.warm_up()  # as `python -m web.serve` does: the first question must not wait for the model
    return app


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[LiveServer]:
    """The app under waitress on a free port."""
    server = LiveServer(live_app)
    _wait_for(server.url + "/healthz")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def embedding_site(live_server, embed_port) -> Iterator[str]:
    """Another site (another origin) whose page embeds the widget with one script tag."""
    page = (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>吴中区某部门网站</title></head>"
        "<body><h1>某部门网站</h1><p>本页嵌入了政务助手。</p>"
        f"<script src='{live_server.url}/widget.js' defer></script></body></html>"
    ).encode()

    def site(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page]

    server = LiveServer(site, port=embed_port)
    yield f"http://localhost:{embed_port}"
    server.stop()


def _wait_for(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


# ---- browser --------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session."""
    from playwright.sync_api import expect

    expect.set_options(timeout=15000)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    """A fresh browser profile (own localStorage) per test."""
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    ctx.set_default_timeout(15000)
    yield ctx
    ctx.close()


@pytest.fixture
def shots(tmp_path) -> Callable[[Any, str], Path]:
    """Save a screenshot of `page` as <test tmp dir>/screenshots/<name>.png."""
    folder = tmp_path / "screenshots"
    folder.mkdir()

    def take(page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)
        return path

    return take
