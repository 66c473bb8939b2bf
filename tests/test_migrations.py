"""The migrations build the schema the models describe, on SQLite and PostgreSQL."""

import json
import os
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from helpers import _postgres_schema_url, make_test_app, raw_values

from caregiver import clock
from caregiver.auth.facilitator_requests import note_of
from caregiver.auth.models import FacilitatorRequest
from caregiver.extensions import db

BEFORE_SEALED_NOTES = "d79b45283e3a"


def test_upgrade_from_empty_matches_the_models_and_downgrades(database_url, tmp_path, smtp_server):
    controller, _inbox = smtp_server
    app = make_test_app(database_url, tmp_path, controller.port)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            assert compare_metadata(context, db.metadata) == []
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_request_notes_written_in_the_clear_are_sealed_on_upgrade(
    database_url, tmp_path, smtp_server
):
    controller, _inbox = smtp_server
    app = make_test_app(database_url, tmp_path, controller.port)
    marker = "Marram-plover"
    with app.app_context():
        upgrade(revision=BEFORE_SEALED_NOTES)
        with db.engine.begin() as connection:
            tables = sa.MetaData()
            tables.reflect(connection, only=["users", "facilitator_requests"])
            person = {"display_name": "Kit", "password_hash": "-", "timezone": "UTC"}
            for n, note in enumerate([f"{marker} one", f"{marker} two"], start=1):
                user = {**person, "email": f"kit{n}@example.org", "role": "caregiver"}
                user_id = connection.execute(
                    sa.insert(tables.tables["users"]).values(**user, created_at=clock.now())
                ).inserted_primary_key[0]
                row = {"user_id": user_id, "note": note, "status": "pending"}
                connection.execute(
                    sa.insert(tables.tables["facilitator_requests"]).values(
                        **row, created_at=clock.now()
                    )
                )
        assert marker.encode() in raw_values(db.engine)
        upgrade()
        assert marker.encode() not in raw_values(db.engine)
        requests = db.session.scalars(sa.select(FacilitatorRequest).order_by("id")).all()
        assert [note_of(request) for request in requests] == [f"{marker} one", f"{marker} two"]
        db.session.remove()
        downgrade(revision=BEFORE_SEALED_NOTES)
        assert marker.encode() not in raw_values(db.engine)
        db.engine.dispose()


def schema_of(engine) -> dict:
    """Every table's columns, keys, indexes (with their WHERE) and constraints, as text."""
    found = sa.inspect(engine)
    return {
        table: json.dumps(
            [
                found.get_columns(table),
                found.get_pk_constraint(table),
                found.get_foreign_keys(table),
                found.get_unique_constraints(table),
                found.get_check_constraints(table),
                found.get_indexes(table),
            ],
            default=str,  # types and an index's WHERE, as SQL
            sort_keys=True,
        )
        for table in found.get_table_names()
    }


@contextmanager
def another_empty_database(engine, tmp_path):
    if engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'other.sqlite3'}"
        return
    admin, schema, url = _postgres_schema_url(os.environ["TEST_DATABASE_URL"])
    try:
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.one_instant
def test_the_suites_schema_script_builds_what_create_all_builds(app, tmp_path, smtp_server):
    """Every test's database comes from create_schema (tests/helpers.py), which sends
    create_all's statements as one script: the schema must be create_all's, to each index."""
    controller, _inbox = smtp_server
    scripted = schema_of(db.engine)
    assert len(scripted) == len(db.metadata.tables)
    with another_empty_database(db.engine, tmp_path) as url:
        other = make_test_app(url, tmp_path / "other", controller.port)
        with other.app_context():
            db.create_all()
            assert schema_of(db.engine) == scripted
            db.engine.dispose()
