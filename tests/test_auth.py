"""Registration, verification, log-in sessions and password reset, through real HTTP and SMTP."""

import re
from html import unescape

from argon2 import PasswordHasher
from helpers import (
    CSRF_RE,
    PASSWORD,
    TEST_PASSWORD_HASH_MEMORY_KIB,
    link_in,
    log_in,
    submit,
    text_of,
)

from caregiver import security
from caregiver.auth.models import LoginSession, User
from caregiver.extensions import db


def register(client, email="new.person@example.org", password=PASSWORD, **extra):
    data = {
        "display_name": "Robin",
        "email": email,
        "password": password,
        "timezone": "America/Denver",
    }
    data.update(extra)
    return submit(client, "/auth/register", data)


def without_tokens(html: str) -> str:
    return CSRF_RE.sub("", html)


def confirm(client, path):
    page = client.get(path)
    assert page.status_code == 200
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    return client.post(path, data={"csrf_token": token})


def test_register_verify_and_land_on_welcome(client, mailbox):
    response = register(client, email="  New.Person@Example.ORG ")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/check-email")

    user = db.session.scalar(db.select(User).where(User.email == "new.person@example.org"))
    assert user is not None and not user.is_verified
    assert user.timezone == "America/Denver"
    assert user.password_hash.startswith(f"$argon2id$v=19$m={TEST_PASSWORD_HASH_MEMORY_KIB},")

    message = mailbox.last_to("new.person@example.org")
    assert "Confirm your email" in message["Subject"]
    assert message.get_body(preferencelist=("html",)) is not None
    path = link_in(message, "/auth/verify/")

    # Opening the link alone changes nothing (mail scanners prefetch links).
    assert client.get(path).status_code == 200
    db.session.refresh(user)
    assert not user.is_verified

    response = confirm(client, path)
    assert response.status_code == 302 and response.headers["Location"] == "/welcome"
    assert "Welcome, Robin" in client.get("/welcome").get_data(as_text=True)
    db.session.refresh(user)
    assert user.is_verified

    # Single use: the same link is now refused with an explanation and a way to get a new one.
    again = confirm(client.application.test_client(), path)
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)


def test_unverified_person_cannot_log_in_and_gets_a_new_link(client, make_user, mailbox):
    user = make_user(verified=False)
    response = submit(client, "/auth/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "confirm your email first" in response.get_data(as_text=True)
    assert link_in(mailbox.last_to(user.email), "/auth/verify/")
    assert client.get("/dashboard").status_code == 302


def test_register_answers_the_same_for_a_known_address(app, make_user, mailbox):
    existing = make_user(email="known@example.org")
    first = register(app.test_client(), email="KNOWN@example.org")
    second = register(app.test_client(), email="unknown@example.org")
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert without_tokens(first.get_data(as_text=True)) == without_tokens(
        second.get_data(as_text=True)
    )
    # The known address is told by mail instead, and no second account exists.
    assert "already have" in mailbox.last_to("known@example.org")["Subject"]
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 2
    db.session.refresh(existing)
    assert existing.display_name != "Robin"


def test_register_keeps_input_and_explains_each_problem(client):
    response = register(client, email="not-an-address", password="password123", display_name="")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tell us what to call you." in html
    assert 'value="not-an-address"' in html
    response = register(client, email="ok@example.org", password="short")
    assert "Use 10 to 256 characters." in response.get_data(as_text=True)
    assert 'value="ok@example.org"' in response.get_data(as_text=True)
    response = register(client, email="ok@example.org", password="1234567890")
    assert "most common" in response.get_data(as_text=True)
    response = register(client, email="ok@example.org", timezone="Mars/Olympus_Mons")
    assert "Choose your timezone from the list." in response.get_data(as_text=True)


def test_register_offers_a_short_zone_list_and_takes_any_zone_typed_by_name_or_city(
    client, mailbox
):
    page = client.get("/auth/register").text
    assert page.count("<option") == 8  # the common zones, not all 550
    assert '<option selected value="America/New_York">' in page  # the server's default
    assert 'name="timezone_other"' in page and len(page) < 12_000
    typed = {
        "Europe/Berlin": "Europe/Berlin",
        "  asia/kolkata ": "Asia/Kolkata",
        "new york": "America/New_York",
        "Ho Chi Minh": "Asia/Ho_Chi_Minh",
        "UTC": "UTC",
    }
    for n, (text, zone) in enumerate(typed.items()):
        response = register(client, email=f"zone{n}@example.org", timezone_other=text)
        assert response.status_code == 302, text
        user = db.session.scalar(db.select(User).where(User.email == f"zone{n}@example.org"))
        assert user.timezone == zone, text

    for text, message in (
        ("Atlantis", "We don't know a timezone called “Atlantis”. Type a name like Europe/Berlin"),
        ("Asia/Berlin", "We don't know a timezone called “Asia/Berlin”."),
        ("buenos aires", "More than one timezone matches “buenos aires”: America/Argentina/"),
    ):
        html = unescape(register(client, email="zones@example.org", timezone_other=text).text)
        error = re.search(r'<p class="error" id="timezone-error">([^<]*)</p>', html)
        assert error and message in error.group(1), html
        assert f'name="timezone_other" spellcheck="false" type="text" value="{text}"' in html
        assert 'aria-invalid="true"' in html
    assert db.session.scalar(db.select(User).where(User.email == "zones@example.org")) is None


def test_long_passwords_are_accepted(client, mailbox):
    long_password = "a long passphrase that keeps going " * 4
    assert len(long_password) >= 128
    assert register(client, email="long@example.org", password=long_password).status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "long@example.org"))
    assert user is not None


def test_login_answers_the_same_for_unknown_address_and_wrong_password(app, make_user):
    user = make_user()
    wrong = submit(app.test_client(), "/auth/login", {"email": user.email, "password": "x" * 12})
    unknown = submit(
        app.test_client(), "/auth/login", {"email": "nobody@example.org", "password": "x" * 12}
    )
    assert wrong.status_code == unknown.status_code == 200
    wrong_html = without_tokens(wrong.get_data(as_text=True)).replace(user.email, "EMAIL")
    unknown_html = without_tokens(unknown.get_data(as_text=True)).replace(
        "nobody@example.org", "EMAIL"
    )
    assert wrong_html == unknown_html
    assert "don&#39;t match an account" in wrong_html


def test_login_rotates_session_and_redirects_to_safe_next(client, make_user):
    user = make_user()
    client.get("/auth/login")
    before = client.get_cookie("caregiver_session").value
    response = submit(
        client, "/auth/login?next=/account", {"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/account"
    assert client.get_cookie("caregiver_session").value != before


def test_offsite_next_is_ignored(app, make_user):
    user = make_user()
    for target in ["https://evil.example/x", "//evil.example", "/\\evil.example", "javascript:x"]:
        client = app.test_client()
        response = submit(
            client,
            f"/auth/login?next={target}",
            {"email": user.email, "password": PASSWORD},
            page="/auth/login",
        )
        assert response.headers["Location"] == "/dashboard", target


def test_rehash_on_login_when_parameters_change(client, make_user):
    user = make_user()
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    db.session.commit()
    log_in(client, user)
    db.session.refresh(user)
    assert f"m={TEST_PASSWORD_HASH_MEMORY_KIB}," in user.password_hash


def test_a_deployment_hashes_with_the_owasp_baseline(app):
    """Tests hash with less memory to save time; an app left to its defaults uses 46 MiB."""
    del app.config["PASSWORD_HASH_MEMORY_KIB"]
    stored = security.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=47104,t=1,p=1$")
    assert security.verify_password(stored, PASSWORD)
    assert not security.needs_rehash(stored)


def test_replayed_cookie_after_logout_is_refused(app, make_user):
    user = make_user()
    client = app.test_client()
    log_in(client, user)
    captured = client.get_cookie("caregiver_session").value
    assert client.get("/dashboard").status_code == 200
    submit(client, "/auth/logout", page="/account")
    assert client.get("/dashboard").status_code == 302

    thief = app.test_client()
    thief.set_cookie("caregiver_session", captured)
    response = thief.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_replayed_cookies_after_password_change_are_refused(app, make_user, mailbox):
    user = make_user()
    phone, laptop = app.test_client(), app.test_client()
    log_in(phone, user)
    log_in(laptop, user, remember=True)
    captured = phone.get_cookie("caregiver_session").value
    remembered = laptop.get_cookie("caregiver_remember").value

    response = submit(
        phone,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a brand new passphrase"},
        page="/account",
    )
    assert response.status_code == 302
    assert phone.get("/account").status_code == 200  # the device that changed it stays in
    assert "password was changed" in mailbox.last_to(user.email)["Subject"]

    for name, value in [("caregiver_session", captured), ("caregiver_remember", remembered)]:
        replay = app.test_client()
        replay.set_cookie(name, value)
        assert replay.get("/dashboard").status_code == 302, name
    assert laptop.get("/dashboard").status_code == 302


def test_remember_me_cookie_lasts_at_most_30_days_and_is_httponly(client, make_user):
    user = make_user()
    log_in(client, user, remember=True)
    cookie = client.get_cookie("caregiver_remember")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert cookie.max_age is None or cookie.max_age <= 30 * 24 * 3600
    session_cookie = client.get_cookie("caregiver_session")
    assert session_cookie.http_only and session_cookie.same_site == "Lax"
    row = db.session.scalar(db.select(LoginSession).where(LoginSession.user_id == user.id))
    assert (row.expires_at - row.created_at).days == 30


def test_remember_cookie_alone_restores_the_session(app, make_user):
    user = make_user()
    client = app.test_client()
    log_in(client, user, remember=True)
    fresh = app.test_client()
    fresh.set_cookie("caregiver_remember", client.get_cookie("caregiver_remember").value)
    assert fresh.get("/dashboard").status_code == 200


def test_log_out_of_all_other_devices(app, make_user):
    user = make_user()
    devices = [app.test_client() for _ in range(3)]
    for device in devices:
        log_in(device, user)
    html = devices[0].get("/account/security").get_data(as_text=True)
    assert "This device" in html and "Log out of all other devices" in html
    response = submit(devices[0], "/account/sessions/end-others", page="/account/security")
    assert response.status_code == 302
    after = devices[0].get("/account/security").get_data(as_text=True)
    assert "Logged out of 2 other devices." in after
    assert [d.get("/dashboard").status_code for d in devices] == [200, 302, 302]


def request_reset(client, email):
    return submit(client, "/auth/reset", {"email": email})


def test_reset_answers_the_same_for_unknown_addresses(app, make_user, mailbox):
    user = make_user()
    known = request_reset(app.test_client(), user.email)
    unknown = request_reset(app.test_client(), "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert known.get_data() == unknown.get_data()
    assert len(mailbox.to(user.email)) == 1
    assert mailbox.to("nobody@example.org") == []


def test_reset_link_works_once(app, make_user, mailbox):
    user = make_user()
    request_reset(app.test_client(), user.email)
    path = link_in(mailbox.last_to(user.email), "/auth/reset/")
    client = app.test_client()
    response = submit(client, path, {"password": "my new long passphrase"})
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200

    second = app.test_client().get(path)
    assert second.status_code == 400
    assert "already been used" in second.get_data(as_text=True)
    assert "Send me a new link" in second.get_data(as_text=True)
    log_in(app.test_client(), user, password="my new long passphrase")


def test_reset_link_dies_when_the_password_changes(app, make_user, mailbox):
    user = make_user()
    request_reset(app.test_client(), user.email)
    path = link_in(mailbox.last_to(user.email), "/auth/reset/")
    client = app.test_client()
    log_in(client, user)
    submit(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "changed the usual way"},
        page="/account",
    )
    assert app.test_client().get(path).status_code == 400


def test_expired_and_broken_links_explain(app, make_user, mailbox):
    user = make_user()
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    request_reset(app.test_client(), user.email)
    path = link_in(mailbox.last_to(user.email), "/auth/reset/")
    expired = app.test_client().get(path)
    assert expired.status_code == 400 and "expired" in expired.get_data(as_text=True)
    broken = app.test_client().get("/auth/reset/not-a-token")
    assert broken.status_code == 400 and "broken" in broken.get_data(as_text=True)
    broken_verify = app.test_client().get("/auth/verify/nope")
    assert broken_verify.status_code == 200  # a confirm button; pressing it explains
    pressed = confirm(app.test_client(), "/auth/verify/nope")
    assert pressed.status_code == 400 and "broken" in pressed.get_data(as_text=True)


def test_reset_keeps_rules_for_the_new_password(app, make_user, mailbox):
    user = make_user()
    request_reset(app.test_client(), user.email)
    path = link_in(mailbox.last_to(user.email), "/auth/reset/")
    response = submit(app.test_client(), path, {"password": "Password123"})
    assert response.status_code == 200
    assert "one of the most common" in response.get_data(as_text=True)
    response = submit(app.test_client(), path, {"password": "short"})
    assert "Use 10 to 256 characters." in response.get_data(as_text=True)


def test_change_email_needs_the_new_address_confirmed(app, make_user, mailbox):
    user = make_user()
    client = app.test_client()
    log_in(client, user)
    response = submit(
        client,
        "/account/email",
        {"email": "Moved@Example.org", "password": PASSWORD},
        page="/account",
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email != "moved@example.org"
    path = link_in(mailbox.last_to("moved@example.org"), "/auth/verify/")
    assert confirm(client, path).status_code == 302
    db.session.refresh(user)
    assert user.email == "moved@example.org"


def test_change_email_wrong_password_keeps_input(client, login):
    login()
    response = submit(
        client,
        "/account/email",
        {"email": "else@example.org", "password": "wrong password"},
        page="/account",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "That isn&#39;t your current password." in html
    assert 'value="else@example.org"' in html


def test_profile_update_and_validation(client, login):
    user = login()
    response = submit(
        client,
        "/account/profile",
        {"display_name": "Jo", "timezone": "Europe/Dublin"},
        page="/account",
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.display_name, user.timezone) == ("Jo", "Europe/Dublin")
    bad = submit(
        client,
        "/account/profile",
        {"display_name": "J" * 81, "timezone": "Nowhere"},
        page="/account",
    )
    assert bad.status_code == 400
    assert "Choose your timezone from the list." in bad.get_data(as_text=True)
    # A zone outside the short list, typed by its city, is kept and then offered first.
    submit(client, "/account/profile", {"display_name": "Jo", "timezone_other": "Tokyo"},
           page="/account")  # fmt: skip
    db.session.refresh(user)
    assert user.timezone == "Asia/Tokyo"
    account = client.get("/account").text
    assert '<option selected value="Asia/Tokyo">Asia/Tokyo</option>' in account
    zones = account[account.index('name="timezone"') :]
    assert zones[: zones.index("</select>")].count("<option") == 9


def test_private_pages_are_not_cached(client, login):
    login()
    assert client.get("/account").headers["Cache-Control"] == "no-store"
    assert client.get("/dashboard").headers["Cache-Control"] == "no-store"


def test_verification_mail_text_has_no_password(client, mailbox):
    register(client, email="secret@example.org")
    body = text_of(mailbox.last_to("secret@example.org"))
    assert PASSWORD not in body
    assert re.search(r"48 hours", body)


def test_a_request_from_another_network_or_browser_string_leaves_the_session_cookie_alone(
    app, make_user
):
    # A service worker's update check or a phone's new network must not write an older copy of
    # the session over one a form's answer just set (with its flashed message).
    # Each change on a session of its own: the first one seen would have marked it for good.
    changes = [
        {"headers": {"User-Agent": "another browser"}},
        {"environ_base": {"REMOTE_ADDR": "192.0.2.9"}},
        {"headers": {"X-Forwarded-For": "198.51.100.7"}},
    ]
    for change in changes:
        client = app.test_client()
        log_in(client, make_user())
        answer = client.get("/sw.js", **change)
        assert answer.status_code == 200
        assert answer.headers.getlist("Set-Cookie") == [], change
        assert client.get("/dashboard").status_code == 200  # still signed in
