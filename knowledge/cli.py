"""`python -m knowledge build | versions | publish | search | eval`."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .errors import KnowledgeError


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m knowledge", description=__doc__)
    parser.add_argument("--kb", type=Path, default=None, help="knowledge base folder (default: $WUZHONG_KB_DIR or instance/kb)")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="bring the library up to date: publish the sources into an empty "
                                "library, rebuild the current documents after a code change (no-op otherwise)")
    build.add_argument("--out", type=Path, default=None, help="library folder (default: the --kb folder)")
    build.add_argument("--sources", type=Path, default=None,
                       help="folder of <id>.txt + <id>.json sources to add or replace (by id) and publish")
    commands.add_parser("versions", help="list the library's versions (* = live)")
    publish = commands.add_parser("publish", help="make a built version live (also a rollback)")
    publish.add_argument("kb_version")
    search = commands.add_parser("search", help="search and answer; with no QUERY reads one per line from stdin")
    search.add_argument("-k", type=int, default=5)
    search.add_argument("--json", action="store_true", help="one JSON object per query")
    search.add_argument("query", nargs="*")
    evaluate = commands.add_parser("eval", help="score a JSONL question file against the system and baselines")
    evaluate.add_argument("file", type=Path)
    evaluate.add_argument("--failures", action="store_true", help="also list the full system's failures")
    args = parser.parse_args(argv)
    try:
        return {"build": _build, "versions": _versions, "publish": _publish, "search": _search,
                "eval": _eval}[args.command](args)
    except KnowledgeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _build(args) -> int:
    from .bootstrap import update_library
    from .library import Library
    from .sources import SOURCES_DIR, load_sources

    started = time.perf_counter()
    library = Library.open(args.out or args.kb)
    wait = 600.0  # an operator's publish may be running: wait for it rather than fail `make run`
    if args.sources:
        version = library.import_sources(load_sources(args.sources), actor="cli", progress=True, wait=wait)
        done = "imported"
    else:
        version, done = update_library(library, load_sources(SOURCES_DIR), progress=True, wait=wait)
    manifest = library.manifest(version)
    print(f"{library.root}: version {version} live ({done}); {manifest['passage_count']} passages from "
          f"{len(manifest['documents'])} document(s) in {time.perf_counter() - started:.1f} s")
    return 0


def _versions(args) -> int:
    from .library import Library

    for v in Library.open(args.kb).versions():
        titles = ", ".join(d["title"] for d in v["documents"])
        print(f"{'*' if v['current'] else ' '} {v['kb_version']}  built {v['built_at']}  "
              f"published {v['published_at'] or '-'}  {v['passage_count']} passages  {titles}")
    return 0


def _publish(args) -> int:
    from .library import Library

    library = Library.open(args.kb)
    before = library.current_version()
    library.publish(args.kb_version, actor="cli")
    print(f"{library.root}: version {args.kb_version} is live (was {before})")
    return 0


def _search(args) -> int:
    from .kb import KnowledgeBase

    kb = KnowledgeBase.open(args.kb)
    queries = [" ".join(args.query)] if args.query else (line.rstrip("\n") for line in sys.stdin)
    status = 0
    for query in queries:
        try:
            record = search_record(kb, query, args.k)
        except KnowledgeError as exc:  # one bad line must not stop a batch: report it in its own line
            record, status = {"query": query, "error": str(exc), "results": [], "answer": None}, 1
        if args.json:
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            print(_human(record), flush=True)
    return status


def search_record(kb, query: str, k: int = 5) -> dict:
    """The JSON contract shared by the CLI and the web API: query, ranked results, answer or null."""
    answer = kb.answer(query, k=k)
    return {"query": query, "results": [h.to_dict() for h in answer.hits], "answer": answer.to_dict()}


def _human(record: dict) -> str:
    if "error" in record:
        return f"? {record['query']}\n  error: {record['error']}"
    lines = [f"? {record['query']}"]
    for i, hit in enumerate(record["results"], 1):
        lines.append(f"  {i}. [{hit['score']:.3f}] {hit['section']} · {hit['title']} — {hit['text'][:70]}")
    answer = record["answer"]
    lines.append(f"  => {answer['text']}" if answer else "  => (abstain) 报告中没有找到相关内容")
    return "\n".join(lines)


def _eval(args) -> int:
    from .evaluation import report
    from .kb import KnowledgeBase

    print(report(KnowledgeBase.open(args.kb), args.file, show_failures=args.failures))
    return 0
