"""Words people write stay theirs: a marker typed into every private field, through the pages,
never shows up in the raw database, in any log record or in any file under ``instance/``."""

import logging
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from careplan_helpers import fill_everything
from helpers import raw_values, submit, today

from caregiver.extensions import db
from caregiver.goals.models import Goal

MARKER = "Wombat-Zeppelin-4417"


@pytest.fixture
def everything_written(app, client, login, caplog):
    """A person who wrote the marker into every private field there is."""
    caplog.set_level(logging.DEBUG)
    person = login()
    day = (today() - timedelta(days=1)).isoformat()
    entry = {
        "body": f"{MARKER} in the body",
        "title": f"{MARKER} title",
        "mood": "2",
        "tags": f"{MARKER}tag",
        "entry_date": day,
        "entry_time": "21:30",
    }
    steps = [
        ("/journal/new", entry, None),
        ("/goals/new", {"title": f"{MARKER} walk", "per_week": "7"}, None),
        (
            "/boundaries/new",
            {
                "statement": f"{MARKER} cash",
                "reason": f"{MARKER} why",
                "response": f"{MARKER} then",
            },
            None,
        ),
        ("/account/facilitator", {"note": f"{MARKER} runs a group"}, None),
    ]
    for url, fields, page in steps:
        response = submit(client, url, fields, page=page)
        assert response.status_code == 302, (url, response.get_data(as_text=True)[:2000])
    goal_id = db.session.scalar(sa.select(Goal.id).where(Goal.user_id == person.id))
    checked = submit(
        client,
        f"/goals/{goal_id}/check-in",
        {"day": today().isoformat(), "value": "done", "note": f"{MARKER} note"},
        page="/goals/",
    )
    assert checked.status_code == 302
    searched = submit(client, "/journal/search", {"q": MARKER}, page="/journal/search")
    assert MARKER in searched.get_data(as_text=True)  # the owner finds it...
    fill_everything(person, MARKER)  # ...and every care plan field through its service
    db.session.remove()
    return person


def test_the_marker_is_in_no_raw_value_log_record_or_instance_file(
    app, everything_written, caplog, database_url
):
    needle = MARKER.encode()
    raw = raw_values(db.engine)
    assert needle not in raw and needle.lower() not in raw.lower()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert MARKER.lower() not in logged.lower()
    files = [path for path in Path(app.instance_path).rglob("*") if path.is_file()]
    if database_url.startswith("sqlite"):
        db.engine.dispose()  # every page written to the file before reading its bytes
        files.append(Path(database_url.removeprefix("sqlite:///")))
    for path in files:
        content = path.read_bytes()
        assert needle not in content and needle.lower() not in content.lower(), path
