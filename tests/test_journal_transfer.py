"""Export to a ZIP (Markdown + JSON) and import it back, on another account."""

import io
import json
import tracemalloc
import zipfile
from datetime import time, timedelta

import pytest
from helpers import log_in, post_multipart, submit, today
from werkzeug.datastructures import FileStorage

from bench.zip_bomb import bomb
from caregiver.journal import prompts, services, transfer
from caregiver.transfer import CHUNK_BYTES, NotAnExport, read_at_most

pytestmark = pytest.mark.time_dependent

WRITTEN_DAYS_AGO = 200  # an entry's date unless a test gives one


def write(user, **fields):
    data = services.EntryData(
        body=fields.pop("body", "A plain day."),
        entry_date=fields.pop("entry_date", today() - timedelta(days=WRITTEN_DAYS_AGO)),
        entry_time=fields.pop("entry_time", time(7, 15)),
        **fields,
    )
    return services.create_entry(user, data)


def download(client) -> zipfile.ZipFile:
    response = submit(client, "/journal/export", page="/journal/export")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.data))


def upload(client, name, content):
    return post_multipart(
        client, "/journal/import", {"file": FileStorage(io.BytesIO(content), name)}
    )


def comparable(user_id):
    """Every entry of a person as plain values, in a fixed order."""

    page = services.list_entries(user_id, services.Filters())
    entries = page.entries
    while page.next_cursor:
        page = services.list_entries(user_id, services.Filters(), page.next_cursor)
        entries += page.entries
    return sorted(
        (
            e.entry_date,
            e.entry_time,
            e.title,
            e.body,
            e.mood,
            sorted(name for _id, name in e.tags),
            e.prompt.key if e.prompt else None,
        )
        for e in entries
    )


def test_export_then_import_on_a_fresh_account_reproduces_every_entry(app, make_user):
    source, target = make_user(), make_user()
    prompt = prompts.curated()[3]
    write(source, title="First", body="Line one\nLine two\n\n  indented", mood=1, tags=["a b"])
    write(source, body='Émojis 😊 and «quotes» "here"', tags=["ünï", "x"], prompt_key=prompt.key)
    write(source, body="Same minute, other entry", entry_time=time(7, 15))
    for n in range(30):
        day = today() - timedelta(days=401 - 11 * n)  # spread over the year before, none on 200
        write(source, body=f"Entry {n}", entry_date=day, mood=n % 5 + 1)
    exporting, importing = app.test_client(), app.test_client()
    log_in(exporting, source)
    archive = download(exporting)
    names = archive.namelist()
    assert "journal.json" in names and sum(n.endswith(".md") for n in names) == 33
    day = today() - timedelta(days=WRITTEN_DAYS_AGO)
    first = next(n for n in names if n.startswith(f"entries/{day}"))
    markdown = archive.read(first).decode()
    assert markdown.startswith(f"---\ndate: {day}\n") and "\n---\n" in markdown

    log_in(importing, target)
    report = upload(importing, "caregiver-journal.zip", archive.fp.getvalue())
    assert report.status_code == 200
    assert "<strong>33</strong> entries added" in report.get_data(as_text=True)
    assert comparable(target.id) == comparable(source.id)
    # Importing the same file again adds nothing: every entry is recognised.
    again = upload(importing, "journal.json", archive.read("journal.json"))
    assert "<strong>0</strong> entries added" in again.get_data(as_text=True)
    assert "<strong>33</strong> already in your journal" in again.get_data(as_text=True)


def test_export_holds_only_the_persons_own_entries(client, make_user):
    mine, theirs = make_user(), make_user()
    write(mine, body="my words")
    write(theirs, body="their secret words")
    log_in(client, mine)
    data = json.loads(download(client).read("journal.json"))
    assert [e["body"] for e in data["entries"]] == ["my words"]


def test_import_explains_files_it_cannot_read(client, login):
    yesterday = (today() - timedelta(days=1)).isoformat()
    login()
    cases = [
        ("notes.txt", b"just some text", "not valid JSON"),
        ("other.json", b'{"format": "something-else"}', "not a journal export from Caregiver"),
        ("old.json", b'{"format": "caregiver-journal", "version": 9}', "version 9"),
        ("empty.zip", _zip({"readme.txt": "hi"}), "has no journal.json inside"),
    ]
    for name, content, message in cases:
        response = upload(client, name, content)
        assert response.status_code == 400 and message in response.get_data(as_text=True), name
    missing = submit(client, "/journal/import", {}, page="/journal/import")
    assert missing.status_code == 400 and "Choose the .zip or journal.json" in missing.get_data(
        as_text=True
    )
    partly = {
        "format": "caregiver-journal",
        "version": 1,
        "entries": [
            {"date": yesterday, "time": "08:00", "body": "good one", "tags": []},
            {"date": "not a date", "time": "08:00", "body": "bad date"},
            {"date": yesterday, "time": "09:00", "body": "", "tags": []},
            "not even an entry",
        ],
    }
    response = upload(client, "journal.json", json.dumps(partly).encode())
    html = response.get_data(as_text=True)
    assert (
        "<strong>1</strong> entry added" in html and "<strong>3</strong> could not be read" in html
    )
    assert "Entry 3: Write something before saving." in html


def test_an_export_larger_than_a_form_may_be_is_imported(client, login):
    login()
    entry = {"date": today().isoformat(), "time": "08:00", "tags": []}
    entries = [{**entry, "body": f"{n} " + "long day " * 4_000} for n in range(60)]
    content = json.dumps({"format": "caregiver-journal", "version": 1, "entries": entries})
    assert len(content) > 2 * 1024 * 1024  # past the app's limit for an ordinary form
    response = upload(client, "journal.json", content.encode())
    assert "<strong>60</strong> entries added" in response.get_data(as_text=True)


EXPORT_HEAD = b'{"format": "caregiver-journal", "version": 1, "entries": ['


def peak_memory(work) -> int:
    """The most memory (in bytes) Python held at once while ``work()`` ran."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("claimed", "message"),
    [
        (None, "unpacks to more than 64 MB, more than we can import at once"),
        (1_000, "damaged or packed in a way we can&#39;t read"),  # headers that lie
    ],
)
def test_a_zip_that_unpacks_past_the_limit_is_refused_unread(client, login, claimed, message):
    login()
    archive = bomb(transfer.MAX_UNPACKED_BYTES + 2**20, claimed)
    assert len(archive) < 2**20

    def refused():
        with pytest.raises(NotAnExport):
            transfer.read_upload("journal.zip", archive)

    assert peak_memory(refused) < 2**20  # not the 65 MB it would unpack to
    response = upload(client, "journal.zip", archive)
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_unpacking_stops_as_soon_as_more_than_the_limit_comes_out():
    unpacked = io.BytesIO(b"\0" * (4 * 2**20))
    with pytest.raises(NotAnExport, match="unpacks to more than"):
        read_at_most(unpacked, 2**20, "The file unpacks to more than 1 MB.")
    assert unpacked.tell() <= 2**20 + CHUNK_BYTES


def test_a_zip_of_more_files_than_an_export_has_is_refused(client, login):
    login()
    files = {f"entries/{n}.md": "" for n in range(transfer.MAX_IMPORT_ENTRIES + 1)}
    archive = _zip({**files, "journal.json": EXPORT_HEAD + b"]}"})
    response = upload(client, "journal.zip", archive)
    assert response.status_code == 400
    assert "That ZIP file holds 20,002 files; an export has at most 20,001." in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize("wrapped", [False, True])
def test_an_export_nested_deeper_than_an_export_is_refused(client, login, wrapped):
    login()
    deep = EXPORT_HEAD + b"[" * 5_000 + b"]" * 5_000 + b"]}"
    content = _zip({"journal.json": deep}) if wrapped else deep
    response = upload(client, "journal.zip" if wrapped else "journal.json", content)
    assert response.status_code == 400
    assert "nested far deeper than an export" in response.get_data(as_text=True)


def _zip(files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
