"""Web speed: `/api/search` and `/api/chat` p50 for one client, and the widget's JS + CSS size.

    .venv/bin/python bench/web_speed.py                          # against `make run` (http://127.0.0.1:8000)
    .venv/bin/python bench/web_speed.py --in-process             # the app under waitress in this process
    .venv/bin/python bench/web_speed.py --in-process --rasa-url http://127.0.0.1:5005

Targets: /api/search p50 <= 25 ms, /api/chat p50 <= 100 ms, widget JS + CSS <= 50 KB.
Against a running server the per-client rate limits apply, so requests are paced to stay under them.
The knowledge layer caches query embeddings per process: the timed texts are all different, but a
second run against the same long-running servers sees them again (warm); --in-process gives a cold
web process (the action server behind Rasa keeps its own cache).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

QUESTIONS = ["今年新增多少学位？", "失能老人家庭养老床位建多少张？", "新辟优化多少条公交线路？", "游客总人次目标是多少？",
             "暑托班开设多少个？", "公共停车泊位新增多少个？", "How many new bus stops?", "人才公寓新增多少套？"]
SEARCHES = ["养老床位", "新增学位", "公交站点", "暑托班", "停车泊位", "游客总人次", "低空经济", "机器人产业",
            "人才公寓", "生物医药", "充电桩", "适老化改造", "口袋公园", "外资", "进出口", "高新技术产业"]
# The knowledge layer caches query embeddings, so each timed query text is used once (a cold query);
# the repeated figure is what as-you-type search and popular questions see.
FORMS = ["{}", "{}有多少", "今年{}目标是多少", "{}怎么安排", "{}计划", "关于{}", "{}的情况"]


def distinct_questions(n: int) -> list[str]:
    """n different chat questions (so neither Rasa nor the action server answers from a cache)."""
    leads = ["", "请问", "想知道", "麻烦问下", "我想了解", "你好，", "打听一下"]
    texts = [lead + q for lead in leads for q in QUESTIONS]
    return [f"{texts[i % len(texts)]}{'？' * (i // len(texts))}" for i in range(n)]


def distinct_queries(n: int) -> list[str]:
    """n different query texts built from the topics above."""
    queries = [form.format(topic) for form in FORMS for topic in SEARCHES]
    return [f"{queries[i % len(queries)]}{'？' * (i // len(queries))}" for i in range(n)]


def widget_size() -> tuple[int, int]:
    """Bytes of static/widget.js and static/widget.css."""
    static = REPO / "web" / "static"
    return (static / "widget.js").stat().st_size, (static / "widget.css").stat().st_size


def start_in_process(rasa_url: str | None, kb_dir: str | None) -> str:
    """Serve create_app() under waitress on a free port in a thread; return its URL."""
    import socket

    from waitress.server import create_server

    from web import create_app

    config = {"DB": str(Path(tempfile.mkdtemp()) / "bench.sqlite"), "SECRET_KEY": "bench",
              "CHAT_RATE_LIMIT": "100000 per minute", "SEARCH_RATE_LIMIT": "100000 per minute"}
    if kb_dir:
        config["KB_DIR"] = kb_dir
    config["RASA_URL"] = rasa_url or "http://127.0.0.1:9"  # port 9: nothing listens → reduced mode
    app = create_app(config)
    with app.app_context():
        from web.resources import get_kb

        print(f"warming up the knowledge base ({get_kb().warm_up():.1f} s)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{port}"


def timed(call) -> float:
    """Milliseconds one call takes."""
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def measure(session: requests.Session, url: str, n: int, chat_pause: float, search_pause: float) -> dict[str, list]:
    """Search and chat latencies (ms) after a few discarded warm-up calls."""
    cold = distinct_queries(n + 3)

    def search(i: int, q: str | None = None) -> None:
        response = session.get(f"{url}/api/search", params={"q": q or SEARCHES[i % len(SEARCHES)]}, timeout=30)
        response.raise_for_status()

    sender = f"bench-{uuid.uuid4().hex[:8]}"
    modes: list[str] = []
    questions = distinct_questions(n + 3)

    def chat(i: int) -> None:
        response = session.post(f"{url}/api/chat", json={"sender": sender, "message": questions[i]}, timeout=30)
        response.raise_for_status()
        modes.append(response.json()["mode"])

    for i in range(3):
        search(i)
        chat(i)
        time.sleep(chat_pause)
    searches, repeated = [], []
    for i in range(n):
        searches.append(timed(lambda i=i: search(i, cold[i + 3])))
        time.sleep(search_pause)
    for i in range(n):
        repeated.append(timed(lambda i=i: search(i)))
        time.sleep(search_pause)
    chats = []
    for i in range(n):
        chats.append(timed(lambda i=i: chat(i)))
        time.sleep(chat_pause)
    return {"search": searches, "repeated": repeated, "chat": chats, "modes": modes}


def rasa_direct(session: requests.Session, rasa_url: str, n: int) -> list[float]:
    """The same questions posted straight to Rasa's REST channel (ms), to separate the web relay's share."""
    sender = f"bench-direct-{uuid.uuid4().hex[:8]}"

    questions = [f"{q}。" for q in distinct_questions(n + 1)]  # not the texts the relay just sent

    def send(i: int) -> None:
        session.post(f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": questions[i]},
                     timeout=30).raise_for_status()

    send(0)
    return [timed(lambda i=i: send(i)) for i in range(n)]


def p(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    """Run the measurements and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('WUZHONG_WEB_PORT', '8000')}")
    parser.add_argument("--in-process", action="store_true", help="serve the app here instead of using --url")
    parser.add_argument("--rasa-url", default=None, help="with --in-process: relay chat to this Rasa server")
    parser.add_argument("--kb", default=None, help="with --in-process: knowledge base folder")
    parser.add_argument("-n", type=int, default=None, help="requests per endpoint (default 50 in-process, 25 remote)")
    args = parser.parse_args()

    url = start_in_process(args.rasa_url, args.kb) if args.in_process else args.url.rstrip("/")
    n = args.n or (50 if args.in_process else 25)
    # A running server limits chat to 5/s and 30/min and search to 20/s and 120/min per client: pace.
    pause = 0.0 if args.in_process else 2.1
    search_pause = 0.0 if args.in_process else 0.1
    session = requests.Session()
    try:
        health = session.get(f"{url}/healthz", timeout=5).json()
    except requests.RequestException as exc:
        print(f"no web app at {url} ({exc}); start it with `make run` or use --in-process")
        return 1
    result = measure(session, url, n, pause, search_pause)
    rasa = health.get("rasa") or {}
    direct = rasa_direct(session, rasa["url"].rstrip("/"), n) if rasa.get("ok") else []
    js, css = widget_size()
    modes = set(result["modes"])
    print(f"web app {url}  state={health.get('state')}  kb={health.get('knowledge', {}).get('version')}  n={n}")
    print(f"/api/search  p50 {statistics.median(result['search']):6.1f} ms   p90 {p(result['search'], .9):6.1f} ms"
          f"   (target p50 <= 25 ms; distinct queries)")
    print(f"  repeated   p50 {statistics.median(result['repeated']):6.1f} ms   (cached query embedding)")
    print(f"/api/chat    p50 {statistics.median(result['chat']):6.1f} ms   p90 {p(result['chat'], .9):6.1f} ms"
          f"   (target p50 <= 100 ms; mode {'/'.join(sorted(modes))})")
    if direct:
        overhead = statistics.median(result["chat"]) - statistics.median(direct)
        print(f"  Rasa alone p50 {statistics.median(direct):6.1f} ms (similar questions straight to its REST channel):"
              f" the web relay adds ~{overhead:.0f} ms")
    print(f"widget       {js / 1024:.1f} KB JS + {css / 1024:.1f} KB CSS = {(js + css) / 1024:.1f} KB   (target <= 50 KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
