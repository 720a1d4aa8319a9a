"""The README documents the records settings, the roles and the commands that exist."""
from __future__ import annotations

from pathlib import Path

import records

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_settings_are_in_the_readme_table():
    from web.settings import DEFAULTS

    for key in ("DB", "DATABASE_URL", "LOGIN_MAX_FAILURES", "LOGIN_LOCK_MINUTES"):
        assert key in DEFAULTS
        row = next((line for line in README.splitlines() if line.startswith(f"| `WUZHONG_{key}`")), None)
        assert row is not None, f"WUZHONG_{key} missing from the README settings table"
        if DEFAULTS[key] not in ("", None) and key != "DB":
            assert f"`{DEFAULTS[key]}`" in row


def test_roles_and_commands_are_documented():
    for role in records.ROLES:
        assert f"| `{role}` |" in README
    assert "python -m records upgrade" in README and "python -m records copy" in README
    assert "create-user NAME --role staff|operator|reviewer|admin" in README
