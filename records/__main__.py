"""`python -m records upgrade|current [--url URL]`: migrate the app database / show its revision;
`python -m records copy --url TARGET --source SOURCE`: copy every record into a new database."""
from __future__ import annotations

import argparse
import logging
import sys

from .db import current_revision, database_url, upgrade


def main(argv: list[str] | None = None) -> int:
    """Run the command; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m records", description=__doc__)
    parser.add_argument("command", choices=["upgrade", "current", "copy"])
    parser.add_argument("--url", help="database URL or SQLite file (default: $WUZHONG_DATABASE_URL, $WUZHONG_DB, "
                                      "instance/wuzhong.sqlite)")
    parser.add_argument("--source", help="copy: the database to copy from (URL or SQLite file)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    url = database_url(args.url)
    shown = url.split("@")[-1] if "@" in url else url  # never print a password
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


if __name__ == "__main__":
    sys.exit(main())
