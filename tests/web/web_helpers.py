"""Helpers shared by the web tests (imported by name: pytest puts tests/web on sys.path)."""
from __future__ import annotations

import re
import socket
import threading
from typing import Any

STAFF_NAME, STAFF_PASSWORD = "hotline01", "correct horse battery"


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def log_in(client, username: str, password: str):
    """Post the login form with its CSRF token; returns the response."""
    page = client.get("/staff/login")
    return client.post("/staff/login", data={"username": username, "password": password,
                                             "csrf_token": csrf_token(page.get_data(as_text=True))})


class LiveServer:
    """A waitress server in a daemon thread."""

    def __init__(self, wsgi_app: Any, port: int | None = None) -> None:
        from waitress.server import create_server

        self.port = port or free_port()
        self.server = create_server(wsgi_app, host="127.0.0.1", port=self.port, threads=6, ident="test")
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Close the listening socket and the server loop."""
        self.server.close()
