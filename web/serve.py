"""Serving the web app: under gunicorn (`make run`: workers × threads, config below) or waitress
(`python -m web.serve`, one process). Both bind 127.0.0.1; the port residents reach is WUZHONG_WEB_PORT.

    gunicorn -c python:web.serve --bind 127.0.0.1:8000 --workers 2 --threads 8 'web.serve:application()'

Each gunicorn worker builds its own app and loads the knowledge base's models before it accepts a
request (post_worker_init), so no resident waits for a cold worker.
"""
from __future__ import annotations

import argparse
import logging
import threading

import requests
from flask import Flask

from . import create_app

# gunicorn settings (read by `-c python:web.serve`): a worker may take a while to load the models,
# and the gthread worker's heartbeat does not depend on request length.
worker_class = "gthread"
timeout = 180
graceful_timeout = 30
keepalive = 5
accesslog = None


def warm_up_kb(app: Flask) -> None:
    """Load the knowledge base's models now, not on a resident's first question."""
    with app.app_context():
        from .resources import get_kb

        try:
            seconds = get_kb().warm_up()
            app.logger.info("knowledge base warmed up in %.1f s", seconds)
        except Exception:  # the app still serves; /healthz reports the knowledge base state
            app.logger.exception("knowledge base warm-up failed")


def warm_up_rasa(app: Flask) -> None:
    """Run Rasa's first (slow) inference now; in the background, Rasa may still be loading."""
    try:
        requests.post(f"{app.config['RASA_URL']}/webhooks/rest/webhook",
                      json={"sender": "web-warm-up", "message": "你好"}, timeout=120)
    except requests.RequestException as exc:
        app.logger.warning("Rasa warm-up failed (%s); chat answers in reduced mode until Rasa is up", exc)


def warm_up(app: Flask) -> None:
    """Both warm-ups, one after the other."""
    warm_up_kb(app)
    warm_up_rasa(app)


def application() -> Flask:
    """The WSGI app for gunicorn (one per worker process)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return create_app()


def post_worker_init(worker) -> None:
    """gunicorn hook: warm this worker's knowledge base before its first request."""
    app = worker.wsgi
    warm_up_kb(app)
    threading.Thread(target=warm_up_rasa, args=(app,), daemon=True, name="rasa-warm-up").start()


def main(argv: list[str] | None = None) -> None:
    """Parse the options, warm up in the background and serve with waitress until stopped."""
    from waitress import serve

    parser = argparse.ArgumentParser(prog="python -m web.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=None, help="default: WUZHONG_WEB_PORT or 8000")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--no-warm-up", action="store_true")
    args = parser.parse_args(argv)
    app = application()
    port = args.port or app.config["WEB_PORT"]
    if not args.no_warm_up:
        threading.Thread(target=warm_up, args=(app,), daemon=True, name="kb-warm-up").start()
    print(f"Wuzhong assistant web: http://{args.host}:{port}/  (staff console /staff, API /api/openapi.json)", flush=True)
    serve(app, host=args.host, port=port, threads=args.threads, ident="wuzhong")


if __name__ == "__main__":
    main()
