"""The migrations build the schema the models describe, on SQLite and PostgreSQL."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from helpers import make_test_app, raw_values

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
