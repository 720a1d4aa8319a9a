"""SECURITY.md states what is protected: every test it names exists, every setting it names is a real setting,
and the figures it claims are the ones the tests enforce."""
from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECURITY = (REPO / "SECURITY.md").read_text(encoding="utf-8")


def test_every_test_file_it_names_exists():
    named = set(re.findall(r"`(tests/[\w/]+\.py)`", SECURITY))
    assert len(named) >= 8
    assert [path for path in sorted(named) if not (REPO / path).is_file()] == []


def test_every_setting_it_names_is_a_web_setting_or_a_service_setting():
    from web.settings import DEFAULTS

    service_settings = (REPO / "scripts" / "settings.py").read_text(encoding="utf-8")
    for key in re.findall(r"`WUZHONG_(\w+)`", SECURITY):
        assert key in DEFAULTS or f"WUZHONG_{key}" in service_settings, f"WUZHONG_{key} is not a setting"


def test_the_battery_it_claims_is_at_least_that_large():
    from tests.web.test_bad_inputs import ALL_CASES

    claimed = int(re.search(r"bad\s+inputs tried / handled cleanly: \*\*≥ (\d+)", SECURITY).group(1))
    assert len(ALL_CASES) >= claimed >= 150
