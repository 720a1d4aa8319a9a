"""Run `rasa ARGS...` with `--auth-token $WUZHONG_RASA_TOKEN` added inside the process (Rasa venv's python).

Rasa takes its HTTP API token only on the command line, which every local user can read in `ps`;
added here to sys.argv, it never appears in the process's visible command line. Also makes action
calls carry only the events the actions read (scripts/action_calls.py).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

TOKEN_ENV = "WUZHONG_RASA_TOKEN"


def main() -> None:
    """Exec Rasa's own entry point with the token appended; refuse to start without one."""
    token = os.environ.get(TOKEN_ENV, "")
    if not token:
        sys.exit(f"{TOKEN_ENV} is not set: Rasa's HTTP API will not run without a token")
    sys.argv = ["rasa", *sys.argv[1:], "--auth-token", token]
    # Run as `python scripts/rasa_run.py`: the repo (for bot.tracker_store), not scripts/, is on the path.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)
    from scripts import action_calls
    from rasa.__main__ import main as rasa_main

    action_calls.install()

    rasa_main()


if __name__ == "__main__":
    main()
