"""The care plan leaves as one JSON file and comes back the same, on another account."""

import io
import json
from datetime import timedelta

import pytest
from careplan_helpers import add_event, fill_everything
from helpers import log_in, post_multipart, submit, today
from werkzeug.datastructures import FileStorage

from caregiver.careplan import services, transfer

pytestmark = pytest.mark.time_dependent


def download(client) -> dict:
    response = submit(client, "/careplan/export", page="/careplan/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    return json.loads(response.data)


def upload(client, content: bytes | None, name="careplan.json"):
    """Send a file to the import page (``None``: the form without a file)."""

    fields = {} if content is None else {"file": FileStorage(io.BytesIO(content), name)}
    return post_multipart(client, "/careplan/import", fields)


def without_stamp(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "exported_at"}


def test_export_then_import_on_a_fresh_account_gives_the_same_export(app, make_user):
    source, target = make_user(), make_user()
    fill_everything(source, "Ünïcode «quotes» 😊")
    add_event(source, "milestone", 3, note="Line one\nLine two")
    exporting, importing = app.test_client(), app.test_client()
    log_in(exporting, source)
    data = download(exporting)
    assert data["format"] == "caregiver-careplan" and data["version"] == 1
    assert len(data["events"]) == 3 and data["programs"][0]["checklist"] == ["accredited", "moud"]
    assert data["plan"]["member_number"].endswith("-M123")
    assert data["plan"]["count_from"] == {"event": 0} and data["plan"]["show_counter"] is True

    log_in(importing, target)
    report = upload(importing, json.dumps(data).encode())
    assert report.status_code == 200
    assert "<strong>7</strong> items added" in report.get_data(as_text=True)
    assert without_stamp(download(importing)) == without_stamp(data)
    # The same file again adds nothing and changes nothing.
    again = upload(importing, json.dumps(data).encode()).get_data(as_text=True)
    assert "<strong>0</strong> items added" in again
    assert "<strong>7</strong> already in your care plan" in again
    assert without_stamp(download(importing)) == without_stamp(data)


def test_import_fills_only_empty_plan_details(app, make_user):
    source, target = make_user(), make_user()
    fill_everything(source, "from-file")
    data = transfer.export_data(source)
    services.save_plan(target, {"plan_name": "Kept plan"})
    transfer.import_data(target, data)
    plan = services.plan_of(target.id)
    assert plan.plan_name == "Kept plan" and plan.member_number == "from-file-M123"


def test_import_explains_files_it_cannot_read(client, login):
    login()
    cases = [
        (b"just some text", "not valid JSON"),
        (b'{"format": "caregiver-journal", "version": 1}', "not a care plan export from Caregiver"),
        (b'{"format": "caregiver-careplan", "version": 7}', "version 7"),
        (b'{"format": "caregiver-careplan", "version": 1, "events": {}}', "are not a list"),
        (None, "Choose the careplan .json file"),
    ]
    for content, message in cases:
        response = upload(client, content)
        assert response.status_code == 400 and message in response.get_data(as_text=True), message
    last_month = (today() - timedelta(days=30)).isoformat()
    tomorrow = (today() + timedelta(days=1)).isoformat()
    partly = {
        "format": "caregiver-careplan",
        "version": 1,
        "events": [
            {"day": last_month, "kind": "assessment", "note": "good one"},
            {"day": "not a date", "kind": "assessment"},
            {"day": tomorrow, "kind": "assessment"},
            {"day": last_month, "kind": "moon landing"},
            "not even an event",
        ],
        "programs": [{"name": "Site", "kind": "detox", "website": "javascript:alert(1)"}],
        "contacts": [{"name": "Dana", "role": "sponsor", "phone": "no digits"}],
        "plan": {"next_step": 5, "show_counter": True, "count_from": {"event": 99}},
    }
    html = upload(client, json.dumps(partly).encode()).get_data(as_text=True)
    assert (
        "<strong>1</strong> item added" in html and "<strong>6</strong> could not be read" in html
    )
    assert "Events 3: The date can&#39;t be later than today" in html
    assert "Programs 1: Enter a web address" in html


@pytest.mark.parametrize(
    ("events", "message"),
    [
        (b"[" * 5_000 + b"]" * 5_000, "nested far deeper than an export"),
        (b"[" + b"0," * 330_000 + b"0]", "Import at most 5,000 items at a time."),
        (b"[" + b"9" * 5_000 + b"]", "it holds a number far too long"),
    ],
)
def test_a_file_that_would_take_the_server_down_is_refused_with_a_message(
    client, login, events, message
):
    login()
    content = b'{"format": "caregiver-careplan", "version": 1, "events": ' + events + b"}"
    response = upload(client, content)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
