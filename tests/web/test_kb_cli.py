"""`flask --app web kb ...`: the scripted cycle, the four-eyes rule, a publish killed halfway, and a restart."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kb_library import (audit_actions, kb_app, library_root, library_template, login,  # noqa: F401
                        revised_report)

REPO = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask", "--app", "web"]


def cli(app, *args: str):
    """Run `flask --app web <args>` in this process against `app`."""
    return app.test_cli_runner().invoke(args=list(args))


def cli_process(app, *args: str, **popen) -> subprocess.Popen:
    """The same command in its own process (its own models, its own database connections)."""
    env = {**os.environ, "WUZHONG_KB_DIR": app.config["KB_DIR"], "WUZHONG_DB": app.config["DB"],
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.Popen([*FLASK, *args], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, **popen)


def current(app) -> str | None:
    from knowledge import Library

    return Library.open(app.config["KB_DIR"]).current_version()


def statuses(app) -> dict[int, str]:
    from web.publishing import Publishing

    listing = Publishing(app.config["KB_DIR"], app.config["DB"]).list()
    return {v["id"]: v["status"] for d in listing["documents"] for v in d["versions"]}


def test_scripted_upload_approve_publish_rollback(kb_app, tmp_path):
    from knowledge import KnowledgeBase

    first = current(kb_app)
    path = tmp_path / "wuzhong-2025-revised.txt"
    path.write_bytes(revised_report())
    result = cli(kb_app, "kb", "upload", str(path), "--document", "wuzhong-2025", "--user", "op1")
    assert result.exit_code == 0, result.output
    draft = result.output.strip().splitlines()[-1]
    assert draft.isdigit()

    # Four eyes: the uploader cannot approve; an operator cannot publish; a draft must be approved first.
    result = cli(kb_app, "kb", "approve", draft, "--user", "op1")
    assert result.exit_code == 1 and "需要角色：审核" in result.output
    own = cli(kb_app, "kb", "upload", str(path), "--document", "wuzhong-2025", "--user", "adm").output.split()[-1]
    result = cli(kb_app, "kb", "approve", own, "--user", "adm")
    assert result.exit_code == 1 and "不能批准自己上传的草稿" in result.output
    result = cli(kb_app, "kb", "publish", draft, "--user", "rev1")
    assert result.exit_code == 1 and "批准" in result.output
    result = cli(kb_app, "kb", "approve", draft, "--user", "nobody")
    assert result.exit_code == 1 and "nobody 不存在" in result.output
    assert cli(kb_app, "kb", "approve", draft, "--user", "rev1").exit_code == 0
    result = cli(kb_app, "kb", "publish", draft, "--user", "op2")
    assert result.exit_code == 1 and "不能执行此操作" in result.output
    assert current(kb_app) == first

    result = cli(kb_app, "kb", "publish", draft, "--user", "rev2")
    assert result.exit_code == 0, result.output
    second = result.output.strip().splitlines()[-1]
    assert current(kb_app) == second != first
    answer = KnowledgeBase.open(kb_app.config["KB_DIR"]).answer("今年新增多少学位？")
    assert "8000" in answer.text and answer.citation.kb_version == second

    listing = cli(kb_app, "kb", "list").output
    assert f"current kb_version: {second}" in listing and first in listing
    assert f"draft {int(draft):>4}  published" in listing and "superseded" in listing

    result = cli(kb_app, "kb", "rollback", first, "--user", "rev1")
    assert result.exit_code == 0, result.output
    assert current(kb_app) == first
    assert "7530" in KnowledgeBase.open(kb_app.config["KB_DIR"]).answer("今年新增多少学位？").text
    assert statuses(kb_app)[int(draft)] == "superseded"
    result = cli(kb_app, "kb", "rollback", "ffffffffffff", "--user", "rev1")
    assert result.exit_code == 1 and "不存在" in result.output

    actions = [(actor, action) for actor, action, _ in audit_actions(kb_app)]
    for expected in (("op1", "kb.upload"), ("rev1", "kb.approve"), ("rev2", "kb.publish"), ("rev1", "kb.rollback")):
        assert expected in actions, actions


def test_bad_file_from_the_shell_names_the_problem(kb_app, tmp_path):
    before = current(kb_app)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = cli(kb_app, "kb", "upload", str(empty), "--document", "wuzhong-2025", "--user", "op1")
    assert result.exit_code == 1 and "空" in result.output
    result = cli(kb_app, "kb", "upload", str(tmp_path / "missing.pdf"), "--document", "wuzhong-2025", "--user", "op1")
    assert result.exit_code != 0
    assert current(kb_app) == before


def test_publish_killed_halfway_keeps_the_live_version_and_a_retry_succeeds(kb_app, tmp_path):
    from knowledge import KnowledgeBase

    path = tmp_path / "revised.txt"
    path.write_bytes(revised_report())
    draft = cli(kb_app, "kb", "upload", str(path), "--document", "wuzhong-2025", "--user", "op1").output.split()[-1]
    assert cli(kb_app, "kb", "approve", draft, "--user", "rev1").exit_code == 0
    before = current(kb_app)

    versions = Path(kb_app.config["KB_DIR"]) / "versions"
    process = cli_process(kb_app, "kb", "publish", draft, "--user", "rev1", start_new_session=True)
    deadline = time.monotonic() + 120
    while not any(p.name.startswith(".building-") for p in versions.iterdir()):
        assert process.poll() is None, f"publish ended before it could be killed: {process.stdout.read()}"
        assert time.monotonic() < deadline, "the build never started"
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)  # halfway: the new version is being built
    process.wait(30)

    assert current(kb_app) == before
    kb = KnowledgeBase.open(kb_app.config["KB_DIR"])
    assert kb.version == before and "7530" in kb.answer("今年新增多少学位？").text
    assert statuses(kb_app)[int(draft)] == "approved"  # the draft is intact

    result = cli(kb_app, "kb", "publish", draft, "--user", "rev1")
    assert result.exit_code == 0, result.output
    assert current(kb_app) == result.output.split()[-1] != before
    assert statuses(kb_app)[int(draft)] == "published"
    assert not any(p.name.startswith(".building-") for p in versions.iterdir())


def test_everything_survives_a_restart(kb_app, tmp_path):
    """Each command runs in its own process; a new app process then finds documents, versions, users, audit log."""
    path = tmp_path / "revised.txt"
    path.write_bytes(revised_report())
    upload = cli_process(kb_app, "kb", "upload", str(path), "--document", "wuzhong-2025", "--user", "op1")
    output, _ = upload.communicate(timeout=120)
    assert upload.returncode == 0, output
    draft = output.split()[-1]
    for args in (("kb", "approve", draft, "--user", "rev1"), ("kb", "publish", draft, "--user", "rev2")):
        process = cli_process(kb_app, *args)
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, output
    published = output.split()[-1]

    from records.db import dispose_all
    from web import create_app

    dispose_all()  # as after a restart: no pooled connection, no cached state
    fresh = create_app({"TESTING": True, "KB_DIR": kb_app.config["KB_DIR"], "DB": kb_app.config["DB"],
                        "SECRET_KEY": "another-process"})
    listing = cli_process(fresh, "kb", "list").communicate(timeout=120)[0]
    assert f"current kb_version: {published}" in listing and f"draft {int(draft):>4}  published" in listing
    client = fresh.test_client()
    login(client, "rev2")  # users survive
    page = client.get("/admin/documents").get_data(as_text=True)
    assert published in page and "已被新版本取代" in page
    actions = {(actor, action) for actor, action, _ in audit_actions(fresh)}
    assert {("op1", "kb.upload"), ("rev1", "kb.approve"), ("rev2", "kb.publish")} <= actions
    answer = fresh.test_client().get("/api/search?q=今年新增多少学位").get_json()["answer"]
    assert "8000" in answer["text"] and answer["citation"]["kb_version"] == published


def test_every_kb_command_is_in_the_readme():
    from web.kb_cli import kb

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in kb.commands:
        assert f"flask --app web kb {name}" in readme, name
