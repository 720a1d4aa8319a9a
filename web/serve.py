"""`python -m web.serve`: the web app under waitress on 127.0.0.1:$WUZHONG_WEB_PORT (default 8000)."""
from __future__ import annotations

import argparse
import logging
import threading

import requests
from waitress import serve

from . import create_app


def warm_up(app) -> None:
    """Load the knowledge base's models and run Rasa's first (slow) inference now, not on a resident's question."""
    with app.app_context():
        from .resources import get_kb

        try:
            seconds = get_kb().warm_up()
            app.logger.info("knowledge base warmed up in %.1f s", seconds)
        except Exception:  # the app still serves; /healthz reports the knowledge base state
            app.logger.exception("knowledge base warm-up failed")
    try:
        requests.post(f"{app.config['RASA_URL']}/webhooks/rest/webhook",
                      json={"sender": "web-warm-up", "message": "你好"}, timeout=120)
    except requests.RequestException as exc:
        app.logger.warning("Rasa warm-up failed (%s); chat answers in reduced mode until Rasa is up", exc)


def main(argv: list[str] | None = None) -> None:
    """Parse the options, warm up in the background and serve until stopped."""
    parser = argparse.ArgumentParser(prog="python -m web.serve", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=None, help="default: WUZHONG_WEB_PORT or 8000")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--no-warm-up", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app()
    port = args.port or app.config["WEB_PORT"]
    if not args.no_warm_up:
        threading.Thread(target=warm_up, args=(app,), daemon=True, name="kb-warm-up").start()
    print(f"Wuzhong assistant web: http://{args.host}:{port}/  (staff console /staff, API /api/openapi.json)", flush=True)
    serve(app, host=args.host, port=port, threads=args.threads, ident="wuzhong")


if __name__ == "__main__":
    main()
