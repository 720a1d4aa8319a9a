"""`python -m records upgrade|current [--url URL]`: migrate the app database / show its revision;
`python -m records copy --url TARGET --source SOURCE`: copy every record into a new database;
`python -m records purge [--days N] [--tracker-url URL] [--log-dir DIR]`: delete conversations and logs older
than the retention period (records/retention.py) and print what was removed."""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from .db import current_revision, database_url, upgrade


def main(argv: list[str] | None = None) -> int:
    """Run the command; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m records", description=__doc__)
    parser.add_argument("command", choices=["upgrade", "current", "copy", "purge"])
    parser.add_argument("--url", help="database URL or SQLite file (default: $WUZHONG_DATABASE_URL, $WUZHONG_DB, "
                                      "instance/wuzhong.sqlite)")
    parser.add_argument("--source", help="copy: the database to copy from (URL or SQLite file)")
    parser.add_argument("--days", help="purge: retention in days (default: $WUZHONG_RETENTION_DAYS or 180)")
    parser.add_argument("--tracker-url", help="purge: the Rasa tracker store's database URL (default: the one "
                                              "bot/endpoints.yml configures; '' = none)")
    parser.add_argument("--log-dir", help="purge: the services' log folder (default: instance/logs)")
    parser.add_argument("--every", type=float, help="purge: repeat every this many seconds, forever (supervisord "
                        "runs it so with one day)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    url = database_url(args.url)
    shown = url.split("@")[-1] if "@" in url else url  # never print a password
    if args.command == "purge":
        return _purge(parser, args, url)
    if args.command == "upgrade":
        upgrade(url)
        print(f"database {shown} at revision {current_revision(url)}")
    elif args.command == "copy":
        from .transfer import copy_database

        if not args.source:
            parser.error("copy needs --source")
        for table, count in copy_database(args.source, url).items():
            print(f"{table}: {count} rows")
    else:
        print(current_revision(url) or "(not migrated)")
    return 0


def _purge(parser: argparse.ArgumentParser, args: argparse.Namespace, url: str) -> int:
    """Run the retention purge now and print the counts, one `store: n` per line."""
    from .retention import LOG_DIR, RetentionError, purge

    while True:
        try:
            counts = purge(args.days, url, args.tracker_url, Path(args.log_dir) if args.log_dir else LOG_DIR)
        except RetentionError as exc:
            parser.error(str(exc))
        for key, value in counts.items():
            print(f"{key}: {value}", flush=True)
        if not args.every:
            return 0
        time.sleep(args.every)


if __name__ == "__main__":
    sys.exit(main())
