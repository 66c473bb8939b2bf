"""Run the benchmarks: ``python -m bench`` (``make bench``); exits 1 when a budget is missed.

Always runs on a SQLite file in a temporary directory; also on PostgreSQL when
``BENCH_DATABASE_URL`` is set, in a fresh schema that is dropped afterwards. Then Lighthouse
scores the main pages of the app with demo data (bench/lighthouse_scores.py), when it and
Chromium are installed; without them the bench says so and the rest still counts.
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


def run_on(database: str, url_for_dir) -> list[Row]:
    """Run every benchmark on a database whose URL ``url_for_dir(tmp)`` gives."""
    with (
        tempfile.TemporaryDirectory(prefix="caregiver-bench-") as tmp,
        url_for_dir(Path(tmp)) as url,
    ):
        app = make_app(url, Path(tmp) / "instance")
        try:
            return (
                journal.run(app, database)
                + progress.run(app, database)
                + meetings.run(app, database)
                + reminders.run(app, database)
                + account_timing.run(app, database)
                + zip_bomb.run(app, database)
            )
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


def main() -> int:
    """Run every database, print the table and the verdict; return the exit status."""
    start = time.perf_counter()
    rows = run_on("sqlite", _sqlite_file)
    base_url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if base_url:
        rows += run_on("postgresql", lambda _tmp: postgres_schema(base_url))
    pages = score_pages()
    print()
    print(format_table(rows))
    if pages:
        print()
        print(lighthouse_scores.format_scores(pages))
    print()
    print(f"bench: finished in {time.perf_counter() - start:.0f} s")
    failed = [
        f"{row.scenario} ({row.database}): {row.verdict}, budget {row.budget}"
        for row in rows
        if row.failed
    ] + [f"Lighthouse {page.page}: {page.verdict}" for page in pages if page.failed]
    if not failed:
        print("bench: all budgets met")
        return 0
    print("bench: budgets FAILED:")
    for line in failed:
        print(f"  - {line}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
