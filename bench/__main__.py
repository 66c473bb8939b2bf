"""Run the benchmarks: ``python -m bench`` (``make bench``); exits 1 when a budget is missed.

Always runs on a SQLite file in a temporary directory; also on PostgreSQL when
``BENCH_DATABASE_URL`` is set, in a fresh schema that is dropped afterwards. The load
scoreboard (bench/load.py) serves the app under gunicorn on the same database. Then Lighthouse
scores the main pages of the app with demo data (bench/lighthouse_scores.py), when it and
Chromium are installed; without them the bench says so and the rest still counts.

``python -m bench load`` runs the load scoreboard alone.
"""

import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from bench import (
    BENCH_KEY,
    BENCH_SECRET,
    Row,
    account_timing,
    format_table,
    journal,
    lighthouse_scores,
    load,
    meetings,
    progress,
    reminders,
    zip_bomb,
)
from caregiver import create_app
from caregiver.extensions import db


def make_app(database_url: str, instance: Path) -> Flask:
    """An app on ``database_url`` with the schema created, configured like the tests."""
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            # Only these variables: nothing from the shell (a DATABASE_URL, say) leaks in.
            "ENV_VARS": {
                "SECRET_KEY": BENCH_SECRET,
                "CAREGIVER_ENCRYPTION_KEYS": BENCH_KEY,
            },
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TESTING": True,
        }
    )
    with app.app_context():
        db.create_all()
    return app


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """A fresh, empty schema in the given PostgreSQL database; yields a URL that uses it."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


IN_PROCESS = (journal, progress, meetings, reminders, account_timing, zip_bomb)


def run_on(database: str, url_for_dir, only_load: bool) -> tuple[list[Row], list[load.Line]]:
    """Run the benchmarks on a database whose URL ``url_for_dir(tmp)`` gives: the in-process
    ones (unless ``only_load``), then the load scoreboard."""
    with (
        tempfile.TemporaryDirectory(prefix="caregiver-bench-") as tmp,
        url_for_dir(Path(tmp)) as url,
    ):
        app = make_app(url, Path(tmp) / "instance")
        try:
            rows = (
                []
                if only_load
                else [row for bench in IN_PROCESS for row in bench.run(app, database)]
            )
            return rows, load.run(app, database)
        finally:
            # Close pooled connections so the temporary file or schema can go.
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def score_pages() -> list[lighthouse_scores.PageScores]:
    """Lighthouse on the main pages of an app with demo data on a fresh SQLite file."""
    reason = lighthouse_scores.unavailable()
    if reason:
        print(f"bench: Lighthouse skipped: {reason}", flush=True)
        return []
    with tempfile.TemporaryDirectory(prefix="caregiver-lighthouse-") as tmp:
        app = make_app(f"sqlite:///{Path(tmp) / 'pages.sqlite3'}", Path(tmp) / "instance")
        try:
            return lighthouse_scores.run(app)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@contextmanager
def _sqlite_file(tmp: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp / 'bench.sqlite3'}"


def main(arguments: list[str]) -> int:
    """Run every database, print the tables and the verdict; return the exit status."""
    only_load = arguments == ["load"]
    start = time.perf_counter()
    rows, lines = run_on("sqlite", _sqlite_file, only_load)
    base_url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if base_url:
        more_rows, more_lines = run_on(
            "postgresql", lambda _tmp: postgres_schema(base_url), only_load
        )
        rows, lines = rows + more_rows, lines + more_lines
    pages = [] if only_load else score_pages()
    if rows:
        print()
        print(format_table(rows))
    if lines:
        print()
        print(load.format_table(lines))
        print("\nbench: the tables for the README and the deployment notes:")
        print()
        print(load.markdown_table(lines))
        print()
        print(load.sizing_table(lines))
    if pages:
        print()
        print(lighthouse_scores.format_scores(pages))
    print()
    print(f"bench: finished in {time.perf_counter() - start:.0f} s")
    failed = (
        [
            f"{row.scenario} ({row.database}): {row.verdict}, budget {row.budget}"
            for row in rows
            if row.failed
        ]
        + load.misses(lines)
        + [f"Lighthouse {page.page}: {page.verdict}" for page in pages if page.failed]
    )
    if not failed:
        print("bench: all budgets met")
        return 0
    print("bench: budgets FAILED:")
    for line in failed:
        print(f"  - {line}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
