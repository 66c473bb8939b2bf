"""Encryption at rest: nothing private in the raw database, key rotation, tampering, deletion."""

from datetime import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import KEY_A, KEY_B, PASSWORD, log_in, make_test_app, raw_values, submit, today

from caregiver import create_app, crypto
from caregiver.auth import services as auth_services
from caregiver.config import ConfigError
from caregiver.extensions import db
from caregiver.journal import services
from caregiver.journal.models import JournalEntry, JournalTag

MARKER = "Zanzibarquokka"


def write(user, body=f"Tonight {MARKER} was hard.", title=f"{MARKER} title", tags=None):
    data = services.EntryData(
        body=body,
        title=title,
        tags=tags if tags is not None else [f"{MARKER}tag"],
        entry_date=today(),
        entry_time=time(21, 30),
        mood=2,
    )
    return services.create_entry(user, data)


def test_private_text_is_never_stored_in_the_clear(app, make_user, database_url):
    user = make_user()
    for n in range(5):
        write(user, body=f"Entry {n}: {MARKER} said sorry again.")
    db.session.remove()
    needle = MARKER.encode()
    assert needle not in raw_values(db.engine)
    assert needle.lower() not in raw_values(db.engine).lower()
    if database_url.startswith("sqlite"):
        db.engine.dispose()  # flush every page to the file before reading its bytes
        raw = Path(database_url.removeprefix("sqlite:///")).read_bytes()
        assert raw and needle not in raw and needle.lower() not in raw.lower()
    # ...while the owner reads it back.
    entry = services.open_entry(db.session.scalars(sa.select(JournalEntry)).first())
    assert MARKER in entry.body and MARKER in entry.title and entry.tags[0][1] == f"{MARKER}tag"


def test_each_sealed_value_carries_its_key_version_and_fresh_nonce(app, make_user):
    user = make_user()
    first, second = write(user, body="same"), write(user, body="same")
    assert first.body_sealed[0] == crypto.FORMAT
    assert int.from_bytes(first.body_sealed[1:5], "big") == 1
    assert first.body_sealed[5:17] != second.body_sealed[5:17]


def open_later(entry_id):
    db.session.remove()
    return services.open_entry(db.session.get(JournalEntry, entry_id))


def test_a_flipped_byte_or_a_moved_ciphertext_fails_to_open(app, make_user, client):
    alice, bob = make_user(), make_user()
    a1, a2, b1 = write(alice, body="first"), write(alice, body="second"), write(bob, body="bob's")
    ids, alice_email = (a1.id, a2.id, b1.id), alice.email
    flipped = bytearray(a1.body_sealed)
    flipped[-3] ^= 0x01
    a1.body_sealed = bytes(flipped)
    a2.body_sealed = b1.body_sealed  # copied from another person's entry
    b1.title_sealed = b1.body_sealed  # moved to another column of the same row
    db.session.commit()
    for entry_id in ids:
        entry = open_later(entry_id)
        assert entry.unreadable and entry.body == crypto.UNREADABLE_NOTICE
    log_in(client, alice_email)
    page = client.get(f"/journal/{ids[0]}")
    assert page.status_code == 200
    assert "cannot be read with the current keys" in page.get_data(as_text=True)
    listing = client.get("/journal/").get_data(as_text=True)
    assert listing.count("cannot be read with the current keys") == 2
    assert client.get(f"/journal/{ids[0]}/edit").status_code == 302  # nothing to edit


def test_swapping_ciphertexts_between_two_rows_of_one_person_fails(app, make_user):
    user = make_user()
    one, two = write(user, body="one"), write(user, body="two")
    one.body_sealed, two.body_sealed = two.body_sealed, one.body_sealed
    db.session.commit()
    ids = one.id, two.id
    assert all(open_later(entry_id).unreadable for entry_id in ids)


class CliRunnerIn:
    """Runs commands inside ``app``'s own context (the test's app context is already pushed)."""

    def __init__(self, app):
        self.app = app

    def invoke(self, args):
        with self.app.app_context():
            result = self.app.test_cli_runner().invoke(args=args)
            db.session.remove()
        return result


def rotated_app(database_url, tmp_path, smtp_server, keys):
    controller, _inbox = smtp_server
    return make_test_app(
        database_url,
        tmp_path / keys[:4],
        controller.port,
        ENV_VARS={"CAREGIVER_ENCRYPTION_KEYS": keys},
    )


def bodies(app_with_keys):
    with app_with_keys.app_context():
        rows = db.session.scalars(sa.select(JournalEntry).order_by(JournalEntry.id)).all()
        opened = [services.open_entry(row) for row in rows]
        db.session.remove()
        return [None if e.unreadable else e.body for e in opened]


def test_rotation_rewraps_keys_and_the_old_key_can_then_go(
    app, make_user, database_url, tmp_path, smtp_server
):
    people = [make_user() for _ in range(5)]
    for n, person in enumerate(people):
        write(person, body=f"written under key A by person {n}")
    expected = [f"written under key A by person {n}" for n in range(5)]
    db.session.remove()

    both = rotated_app(database_url, tmp_path, smtp_server, f"{KEY_B},{KEY_A}")
    assert bodies(both) == expected  # B is newest, A still opens the old data keys
    runner = CliRunnerIn(both)
    # Interrupted half-way: only two of five keys are re-wrapped...
    result = runner.invoke(args=["keys", "rotate", "--batch-size", "1", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "Done: 2 re-wrapped, 3 still under older keys" in result.output
    only_b = rotated_app(database_url, tmp_path, smtp_server, KEY_B)
    assert bodies(only_b).count(None) == 3  # ...so B alone cannot open everything yet
    # ...and running it again finishes the job.
    result = runner.invoke(args=["keys", "rotate", "--batch-size", "2"])
    assert "Done: 3 re-wrapped, 0 still under older keys" in result.output
    assert "re-wrapped 2 data key(s) so far" in result.output  # progress is reported
    assert runner.invoke(args=["keys", "rotate"]).output.startswith("Done: 0 re-wrapped")
    assert bodies(only_b) == expected
    status = CliRunnerIn(only_b).invoke(args=["keys", "status"]).output
    assert "newest  wraps 5 data key(s)" in status
    for other in (both, only_b):
        with other.app_context():
            db.engine.dispose()


def test_production_refuses_to_start_without_a_key_that_protects_stored_data(
    app, make_user, database_url, tmp_path
):
    write(make_user())
    db.session.remove()
    env = {
        "CAREGIVER_ENV": "production",
        "SECRET_KEY": "s" * 64,
        "BASE_URL": "https://caregiver.example",
        "WEB_CONCURRENCY": "1",
        "DATABASE_URL": database_url,
        "CAREGIVER_ENCRYPTION_KEYS": KEY_B,
    }
    with pytest.raises(ConfigError, match="lacks the master key"):
        create_app({"INSTANCE_PATH": str(tmp_path / "prod"), "ENV_VARS": env})
    env["CAREGIVER_ENCRYPTION_KEYS"] = f"{KEY_B},{KEY_A}"
    started = create_app({"INSTANCE_PATH": str(tmp_path / "prod"), "ENV_VARS": env})
    with started.app_context():
        db.engine.dispose()


def test_deleting_an_account_destroys_its_data_key_and_entries(app, make_user, client):
    user = make_user()
    entry = write(user)
    sealed = entry.body_sealed
    user_id, entry_id = user.id, entry.id
    log_in(client, user)
    wrong = submit(client, "/account/delete", {"password": "not my password"})
    assert wrong.status_code == 400 and "your current password" in wrong.get_data(True)
    done = submit(client, "/account/delete", {"password": PASSWORD})
    assert done.status_code == 302
    db.session.remove()
    assert db.session.get(crypto.DataKey, (user_id, 1)) is None
    assert db.session.get(JournalEntry, entry_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JournalTag)) == 0
    # A copy of the ciphertext (from a backup, say) no longer opens for anyone.
    with app.app_context(), pytest.raises(crypto.Unreadable):  # a fresh context: no cached key
        crypto.unseal(user_id, "journal_entries", "body_sealed", entry_id, sealed)
    assert auth_services.find_by_email(user.email) is None
    assert client.get("/journal/").status_code == 302  # logged out


def test_keys_generate_prints_a_usable_key(runner):
    key = runner.invoke(args=["keys", "generate"]).output.strip()
    assert len(crypto.parse_master_keys(key)) == 1
