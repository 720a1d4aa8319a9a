"""Publishing speed: end-to-end publish of a report-sized draft through the service, answer latency of a
running web process idle vs during the publish, and how soon that other process answers from the new version.

    .venv/bin/python bench/publish.py                 # temporary library + database, a web process on a free port
    .venv/bin/python bench/publish.py --requests 80   # more idle samples

Targets: publish <= 20 s; answers keep flowing during it (no error, p95 <= 2x idle); live in the other
process <= 5 s after publish returns. The first publish runs `flask --app web kb publish` in a new process
(loading the models included); the second runs in this process, models already loaded.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

QUESTIONS = ["今年新增多少学位？", "失能老人家庭养老床位建多少张？", "新辟优化多少条公交线路？", "暑托班开设多少个？",
             "公共停车泊位新增多少个？", "人才公寓新增多少套？", "充电桩建多少个？", "口袋公园建几个？"]
FORMS = ["{}", "请问{}", "{}呢", "想知道{}", "{}谢谢", "我问一下{}"]
OLD_FIGURE = "新增学位7530个"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


class Asker:
    """Asks the web process one question after another (each text new to its query cache), timing each."""

    def __init__(self, url: str) -> None:
        self.url, self.n = url, 0

    def ask(self) -> tuple[float, str | None, bool]:
        question = FORMS[(self.n // len(QUESTIONS)) % len(FORMS)].format(QUESTIONS[self.n % len(QUESTIONS)])
        question += "。" * (self.n // (len(QUESTIONS) * len(FORMS)))
        self.n += 1
        started = time.perf_counter()
        try:
            response = requests.get(self.url + "/api/search", params={"q": question}, timeout=30)
            ok = response.status_code == 200
            answer = response.json().get("answer") if ok else None
        except (requests.RequestException, ValueError):
            ok, answer = False, None
        version = answer["citation"]["kb_version"] if answer and answer.get("citation") else None
        return (time.perf_counter() - started) * 1000, version, ok


def start_web(root: Path, db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "WUZHONG_KB_DIR": str(root), "WUZHONG_DB": str(db), "WUZHONG_WEB_PORT": str(port),
           "WUZHONG_RASA_URL": f"http://127.0.0.1:{free_port()}", "WUZHONG_SEARCH_RATE_LIMIT": "100000 per minute"}
    process = subprocess.Popen([sys.executable, "-m", "web.serve", "--port", str(port)], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/search", params={"q": "学位"}, timeout=30).ok:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.5)
    process.kill()
    raise SystemExit("the web process did not come up")


def publish_by_cli(root: Path, db: Path, draft: int) -> str:
    """`flask --app web kb publish` in a new process (it loads the models, as a scripted update does)."""
    env = {**os.environ, "WUZHONG_KB_DIR": str(root), "WUZHONG_DB": str(db)}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "web", "kb", "publish", str(draft), "--user", "rev1"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode:
        raise SystemExit(f"publish failed: {done.stdout}{done.stderr}")
    return done.stdout.split()[-1]


def publish_under_load(publisher, asker: Asker) -> dict:
    """Publish while a client keeps asking; then wait until the other process answers from the new version."""
    during: list[float] = []
    errors = 0
    done = threading.Event()
    result: dict = {}

    def publish() -> None:
        started = time.perf_counter()
        result["kb_version"] = publisher()
        result["seconds"] = time.perf_counter() - started
        result["returned"] = time.monotonic()
        done.set()

    thread = threading.Thread(target=publish)
    thread.start()
    while not done.is_set():
        ms, _, ok = asker.ask()
        during.append(ms)
        errors += not ok
    thread.join()
    while True:
        ms, version, ok = asker.ask()
        errors += not ok
        if version == result["kb_version"]:
            result["live_seconds"] = time.monotonic() - result["returned"]
            break
        if time.monotonic() - result["returned"] > 60:
            result["live_seconds"] = float("inf")
            break
    result.update(during=during, errors=errors)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=48, help="idle samples")
    args = parser.parse_args(argv)

    from knowledge import Library
    from knowledge.sources import load_sources
    from web.auth import add_user
    from web.publishing import Publishing

    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        root, db = Path(tmp) / "kb", Path(tmp) / "app.sqlite"
        started = time.perf_counter()
        Library.open(root).import_sources(load_sources(), actor="bench")
        print(f"initial library build (every passage embedded): {time.perf_counter() - started:.1f} s")
        for name, role in (("op1", "operator"), ("rev1", "reviewer")):
            add_user(name, "bench-password", role=role, db=str(db))
        port = free_port()
        web = start_web(root, db, port)
        try:
            asker = Asker(f"http://127.0.0.1:{port}")
            for _ in range(8):
                asker.ask()  # warm the web process
            idle = [asker.ask()[0] for _ in range(args.requests)]
            print(f"answers idle: p50 {statistics.median(idle):.0f} ms, p95 {p95(idle):.0f} ms (n={len(idle)})")
            (report,) = [s for s in load_sources() if s.id == "wuzhong-2025"]
            service = Publishing(root, str(db))
            for label, figure in (("by `flask kb publish` (new process, loads the models)", "8000"),
                                  ("in a warm process", "8100")):
                revised = report.text.replace(OLD_FIGURE, f"新增学位{figure}个").encode()
                draft = service.upload(f"revised-{figure}.txt", revised, "wuzhong-2025", "op1")
                service.approve(draft, "rev1")
                publisher = ((lambda d=draft: publish_by_cli(root, db, d)) if figure == "8000"
                             else (lambda d=draft: service.publish(d, "rev1")))
                r = publish_under_load(publisher, asker)
                during = r["during"]
                ratio = p95(during) / p95(idle) if during else float("nan")
                print(f"publish {label}: {r['seconds']:.1f} s (target <= 20 s) -> {r['kb_version']}")
                print(f"  answers during it: n={len(during)}, errors {r['errors']}, p50 {statistics.median(during):.0f} ms, "
                      f"p95 {p95(during):.0f} ms = {ratio:.2f}x idle p95 (target <= 2x)")
                print(f"  live in the web process {r['live_seconds']:.2f} s after publish returned (target <= 5 s)")
        finally:
            os.killpg(web.pid, 15)
            web.wait(20)


if __name__ == "__main__":
    main()
