"""The app lock of one device: set up with a PIN, enforced by the server after the idle minutes
or "Lock now", opened with the PIN, ended by five wrong PINs, and never felt on another device."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from helpers import PASSWORD, csrf_token, log_in, raw_values, submit, today

from caregiver.auth import app_lock, security_log
from caregiver.auth.models import LoginSession
from caregiver.extensions import db
from caregiver.journal import services as journal_services

PIN = "246813"
SECRET_WORDS = "Marguerite borrowed the car again"
PUBLIC_PAGES = ["/", "/help", "/guidance/", "/meetings/"]


def set_lock(client, minutes=5, pin=PIN):
    response = submit(
        client, "/account/lock", {"minutes": str(minutes), "pin": pin, "pin_again": pin}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def unlock(client, pin=PIN, next_path=None):
    url = "/auth/locked" + (f"?next={next_path}" if next_path else "")
    return submit(client, url, {"pin": pin}, page="/auth/locked")


def is_unlock_page(response) -> bool:
    html = response.get_data(as_text=True)
    return "<title>Locked · Caregiver</title>" in html and 'name="pin"' in html


def sessions_of(person) -> list[LoginSession]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(LoginSession).filter_by(user_id=person.id)))


def private_get_paths(app, client) -> list[str]:
    """Every GET route that sends a visitor to the log-in page, its path values filled in."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        values = {}
        for name, converter in rule._converters.items():
            if hasattr(converter, "items"):  # any(...)
                values[name] = next(iter(converter.items))
            else:
                values[name] = 1 if converter.regex == r"\d+" else "token"
        path = rule.build(values, append_unknown=False)[1]
        answer = client.get(path)
        if answer.status_code == 302 and answer.location.startswith("/auth/login?next="):
            found.append(path)
    return found


@pytest.fixture
def writer(app, make_user):
    """A person with a journal entry only they may read."""
    person = make_user(name="Rosalind Quibble")
    moment = datetime.combine(today() - timedelta(days=1), time(20, 0), UTC)
    data = journal_services.EntryData(
        body=SECRET_WORDS, entry_date=moment.date(), entry_time=moment.time()
    )
    journal_services.add_entry(person, data)
    db.session.commit()
    return person


def test_after_the_idle_minutes_every_private_page_shows_only_the_unlock_page(
    app, client, writer, pinned_clock
):
    private = private_get_paths(app, app.test_client())
    assert len(private) >= 40 and "/journal/" in private and "/careplan/" in private
    log_in(client, writer)
    set_lock(client, minutes=5)
    assert SECRET_WORDS in client.get("/journal/").get_data(as_text=True)

    pinned_clock.shift(timedelta(minutes=4, seconds=59))
    assert client.get("/dashboard").status_code == 200  # not yet; and this counts as use
    pinned_clock.shift(timedelta(minutes=5))
    for path in private:
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 401 and is_unlock_page(response), path
        assert response.headers["Cache-Control"] == "no-store", path
        for private_word in (writer.display_name, writer.email, SECRET_WORDS, "/auth/logout"):
            assert private_word not in html, (path, private_word)
    # JSON clients get a JSON error, not a page.
    for path in ("/account/lock/still-here", "/journal/"):
        answer = client.get(path, headers={"Accept": "application/json"})
        assert answer.status_code == 401 and answer.is_json, path
        assert answer.get_json()["error"] == "Locked"
    # Public pages still work, as for a visitor: nothing of the person in the header.
    for path in PUBLIC_PAGES:
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert writer.display_name not in html and "Lock now" not in html, path
        assert 'href="/auth/login"' in html, path


def test_use_keeps_the_device_open_but_static_files_do_not(client, writer, pinned_clock):
    log_in(client, writer)
    set_lock(client, minutes=1)
    for _ in range(3):
        pinned_clock.shift(timedelta(seconds=50))
        assert client.get("/account/lock/still-here").status_code == 204
    pinned_clock.shift(timedelta(seconds=50))
    assert client.get("/static/css/app.css").status_code == 200
    pinned_clock.shift(timedelta(seconds=15))
    assert is_unlock_page(client.get("/journal/"))
    # Once locked, it stays locked: a later request does not count as use.
    assert is_unlock_page(client.get("/dashboard"))


def test_the_pin_unlocks_and_goes_back_to_the_page_asked_for(client, writer, pinned_clock):
    log_in(client, writer)
    set_lock(client)
    pinned_clock.shift(timedelta(minutes=6))
    locked = client.get("/journal/?q=car")
    assert is_unlock_page(locked)
    assert 'action="/auth/locked?next=/journal/?q%3Dcar"' in locked.get_data(as_text=True)

    opened = unlock(client, next_path="/journal/")
    assert opened.status_code == 302 and opened.location == "/journal/"
    assert SECRET_WORDS in client.get("/journal/").get_data(as_text=True)
    # Only a local path: anything else goes home.
    client.post("/account/lock/now", data={"csrf_token": csrf_token(client, "/account")})
    assert unlock(client, next_path="https://evil.example/").location == "/dashboard"


def test_five_wrong_pins_end_the_session(client, writer):
    log_in(client, writer)
    set_lock(client)
    client.post("/account/lock/now", data={"csrf_token": csrf_token(client, "/account")})
    for left in (4, 3, 2, 1):
        response = unlock(client, pin="000000")
        assert response.status_code == 400 and is_unlock_page(response)
        tries = "try" if left == 1 else "tries"
        assert f"You have {left} more {tries}" in response.get_data(as_text=True)
    ended = unlock(client, pin="000000")
    assert ended.status_code == 302 and ended.location == "/auth/login"
    assert "five wrong PINs" in client.get("/auth/login").get_data(as_text=True)
    (row,) = sessions_of(writer)
    assert row.revoked_at is not None
    # The right PIN is no use now; the password is the way back.
    late = submit(client, "/auth/locked", {"pin": PIN}, page="/auth/login")
    assert late.location == "/dashboard"
    assert client.get("/journal/").location.startswith("/auth/login")
    kinds = [event.kind for event in security_log.events_of(writer.id)]
    assert kinds[0] == "app_lock_pins_used_up" and "app_lock_on" in kinds


def test_a_right_pin_starts_the_count_of_wrong_ones_again(client, writer):
    log_in(client, writer)
    set_lock(client)
    for _ in range(2):
        client.post("/account/lock/now", data={"csrf_token": csrf_token(client, "/account")})
        for _ in range(4):
            unlock(client, pin="111111")
        assert unlock(client).status_code == 302
    assert client.get("/journal/").status_code == 200


def test_another_device_of_the_same_person_is_not_locked(app, client, writer, pinned_clock):
    log_in(client, writer)
    set_lock(client)
    other = app.test_client()
    log_in(other, writer)
    pinned_clock.shift(timedelta(minutes=30))
    assert is_unlock_page(client.get("/journal/"))
    assert SECRET_WORDS in other.get("/journal/").get_data(as_text=True)
    assert "Lock now" not in other.get("/dashboard").get_data(as_text=True)


def test_the_pin_is_stored_hashed_per_device_never_as_typed(app, client, writer):
    log_in(client, writer)
    set_lock(client)
    other = app.test_client()
    log_in(other, writer)
    set_lock(other)
    hashes = [row.lock_pin_hash for row in sessions_of(writer)]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert hashes[0] != hashes[1]  # salted per device session
    assert PIN.encode() not in raw_values(db.engine)


@pytest.mark.parametrize(
    ("pin", "again", "message"),
    [
        ("", "", "Choose a PIN of 4 to 6 digits."),
        ("123", "123", "Use 4 to 6 digits, numbers only."),
        ("1234567", "1234567", "Use 4 to 6 digits, numbers only."),
        ("12ab", "12ab", "Use 4 to 6 digits, numbers only."),
        ("١٢٣٤", "١٢٣٤", "Use 4 to 6 digits, numbers only."),
        ("1234", "", "Type your PIN again, so we know it's the one you meant."),
        ("1234", "4321", "The two PINs aren't the same. Please type them again."),
    ],
)
def test_setting_up_explains_what_is_wrong_with_a_pin(client, writer, pin, again, message):
    log_in(client, writer)
    response = submit(client, "/account/lock", {"minutes": "5", "pin": pin, "pin_again": again})
    assert response.status_code == 400
    assert message.replace("'", "&#39;") in response.get_data(as_text=True)
    assert not app_lock.is_on(sessions_of(writer)[0])


def test_setting_up_asks_for_the_password_again_and_offers_only_the_listed_times(
    client, writer, pinned_clock
):
    log_in(client, writer)
    refused = submit(client, "/account/lock", {"minutes": "7", "pin": PIN, "pin_again": PIN})
    assert refused.status_code == 400 and "Not a valid choice" in refused.get_data(as_text=True)
    pinned_clock.shift(timedelta(minutes=6))
    asked = client.get("/account/lock")
    assert asked.status_code == 302 and asked.location.startswith("/auth/confirm")


def test_lock_now_from_the_footer_and_the_account_page_then_turn_it_off(client, writer):
    log_in(client, writer)
    account = client.get("/account").get_data(as_text=True)
    assert "Set up an app lock" in account and "Lock now" not in account
    set_lock(client, minutes=15)
    account = client.get("/account").get_data(as_text=True)
    assert "after 15 minutes without use" in account
    assert re.search(r'<form method="post" action="/account/lock/now"[^>]*data-app-lock', account)
    assert 'data-idle-minutes="15"' in client.get("/journal/").get_data(as_text=True)

    locked = client.post("/account/lock/now", data={"csrf_token": csrf_token(client, "/account")})
    assert locked.location == "/auth/locked"
    assert is_unlock_page(client.get("/account"))
    unlock(client)
    # The PIN opens the app, not the pages that change how one signs in.
    assert client.get("/account/lock").location.startswith("/auth/confirm")
    submit(client, "/auth/confirm?next=/account/lock", {"password": PASSWORD}, page="/auth/confirm")
    turned_off = submit(client, "/account/lock/off", {}, page="/account/lock")
    assert turned_off.location == "/account"
    assert not app_lock.is_on(sessions_of(writer)[0])
    assert "Lock now" not in client.get("/account").get_data(as_text=True)
    kinds = [event.kind for event in security_log.events_of(writer.id)]
    assert kinds[:2] == ["app_lock_off", "app_lock_on"]


def test_forgot_pin_ends_the_session_and_leads_to_log_in(client, writer):
    log_in(client, writer)
    set_lock(client)
    client.post("/account/lock/now", data={"csrf_token": csrf_token(client, "/account")})
    ended = submit(client, "/auth/locked/forgot", {}, page="/auth/locked")
    assert ended.location == "/auth/login"
    assert "Log in with your password" in client.get("/auth/login").get_data(as_text=True)
    assert sessions_of(writer)[0].revoked_at is not None
    assert client.get("/journal/").location.startswith("/auth/login")


def test_logging_in_again_on_a_locked_device_ends_the_locked_session(client, writer):
    log_in(client, writer)
    set_lock(client)
    client.post("/account/lock/now", data={"csrf_token": csrf_token(client, "/account")})
    log_in(client, writer)
    old, new = sorted(sessions_of(writer), key=lambda row: row.id)
    assert old.revoked_at is not None and new.revoked_at is None
    assert not app_lock.is_on(new)
    assert client.get("/journal/").status_code == 200
