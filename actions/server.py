"""`python -m actions.server`: the rasa_sdk action server on loopback, refusing calls without the shared secret.

    WUZHONG_ACTIONS_TOKEN=... python -m actions.server [--port 5055] [--host 127.0.0.1] [--workers N]

Only the Rasa server may run actions: every request but `GET /health` must carry the secret, as
`Authorization: Bearer <token>` (what bot/endpoints.yml sends) or `?token=<token>` (Rasa's `token:`
option); anything else gets 403 before an action runs or a row is written. Each worker process opens
the knowledge base and loads its models before it accepts its first call.
"""
from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
from functools import partial

from sanic import Request, Sanic, response
from sanic.response import HTTPResponse
from sanic.worker.loader import AppLoader
from sanic.worker.manager import WorkerManager
from sanic.worker.process import WorkerProcess

TOKEN_ENV = "WUZHONG_ACTIONS_TOKEN"
WORKERS_ENV = "WUZHONG_ACTIONS_WORKERS"
OPEN_PATHS = frozenset({"/health"})  # the web app's /healthz and the service scripts probe it
WORKER_START_TIMEOUT = 600.0  # seconds a worker may take to load the knowledge base before serving
REFUSED = {"error": "missing or wrong action server token", "status": 403}

logger = logging.getLogger(__name__)


def presented_token(request: Request) -> str:
    """The secret a request carries: a bearer token, else the `token` query parameter, else ''."""
    scheme, _, value = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.args.get("token") or ""


def token_matches(presented: str, expected: str) -> bool:
    """Constant-time comparison; an empty expected secret matches nothing."""
    return bool(expected) and hmac.compare_digest(presented.encode(), expected.encode())


async def _die_with_the_manager(app: Sanic) -> None:
    # Sanic serves from worker processes; if the manager is killed (kill -9, OOM) an orphaned worker would keep the
    # port and the supervisor's restart could never bind it. Linux ends the worker with its parent instead.
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() == 1:  # the manager died before the line above ran
        os.kill(os.getpid(), signal.SIGTERM)


async def _warm_up(app: Sanic) -> None:
    # Runs in each worker before it serves: its first resident must not wait for the models.
    from actions.knowledge_base import get_knowledge_base

    seconds = get_knowledge_base().warm_up()
    logger.info("knowledge base warmed up in %.1f s (worker %s)", seconds, os.getpid())


def build_app(token: str, warm_up: bool = True) -> Sanic:
    """The rasa_sdk app serving the `actions` package, behind the token check (a factory for each worker)."""
    from rasa_sdk.endpoint import create_app
    from rasa_sdk.executor import ActionExecutor

    # Each worker is a fresh process: configure its logging too (a no-op where already done).
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(logging.INFO)
    executor = ActionExecutor()
    executor.register_package("actions")
    app = create_app(executor, cors_origins="")  # no browser ever calls the action server

    @app.on_request
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or token_matches(presented_token(request), token):
            return None
        logger.warning("refused %s %s from %s: bad token", request.method, request.path, request.ip)
        return response.json(REFUSED, status=403)

    app.register_listener(_die_with_the_manager, "before_server_start")
    if warm_up:
        app.register_listener(_warm_up, "before_server_start")
    return app


def main(argv: list[str] | None = None) -> int:
    """Parse the options and serve until stopped; refuses to start without a secret."""
    parser = argparse.ArgumentParser(prog="python -m actions.server", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5055)
    parser.add_argument("--workers", type=int, default=int(os.environ.get(WORKERS_ENV, "1")))
    parser.add_argument("--no-warm-up", action="store_true")
    args = parser.parse_args(argv)
    token = os.environ.get(TOKEN_ENV, "")
    if not token:
        print(f"{TOKEN_ENV} is not set: the action server will not run without its shared secret", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Sanic kills workers that have not started within 30 s; loading the models on a busy machine takes longer.
    WorkerManager.THRESHOLD = WorkerProcess.THRESHOLD = int(WORKER_START_TIMEOUT * 10)
    loader = AppLoader(factory=partial(build_app, token, not args.no_warm_up))
    app = loader.load()
    app.prepare(host=args.host, port=args.port, workers=max(1, args.workers), access_log=False, motd=False)
    logger.info("action server on http://%s:%d with %d worker(s)", args.host, args.port, args.workers)
    Sanic.serve(primary=app, app_loader=loader)
    return 0


if __name__ == "__main__":
    sys.exit(main())
