"""Run the benchmarks: ``python -m bench`` (``make bench``); exits 1 when a budget is missed.

Always runs on a SQLite file in a temporary directory; also on PostgreSQL when
``BENCH_DATABASE_URL`` is set, in a fresh schema that is dropped afterwards.
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
    print()
    print(format_table(rows))
    print()
    print(f"bench: finished in {time.perf_counter() - start:.0f} s")
    failed = [row for row in rows if row.failed]
    if not failed:
        print("bench: all budgets met")
        return 0
    print("bench: budgets FAILED:")
    for row in failed:
        print(f"  - {row.scenario} ({row.database}): {row.verdict}, budget {row.budget}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
