"""Two-step sign-in: setting up an authenticator app, the code after the password, recovery
codes, and turning it off. Codes come from pyotp at the pinned clock's instant."""

import re
from datetime import timedelta

import pyotp
from helpers import CSRF_RE, PASSWORD, csrf_token, link_in, raw_values, submit

from caregiver import clock, security
from caregiver.auth import two_step
from caregiver.auth.sign_in_models import RecoveryCode, TwoStep
from caregiver.extensions import db

SECRET_RE = re.compile(r"<code data-secret>([A-Z2-7 ]+)</code>")
CODE_RE = re.compile(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>")
NEXT_STEP = timedelta(seconds=30)


def shown(response) -> str:
    return response.get_data(as_text=True)


def app_code(secret: str) -> str:
    return pyotp.TOTP(secret).at(clock.now())


def start_setup(client) -> str:
    """Start setting up; return the secret the page shows (without its spaces)."""
    response = submit(client, "/account/two-step/start", page="/account/two-step")
    assert response.headers["Location"] == "/account/two-step/setup"
    page = shown(client.get("/account/two-step/setup"))
    return SECRET_RE.search(page).group(1).replace(" ", "")


def turn_on(client) -> tuple[str, list[str]]:
    """Set up two-step sign-in; return the secret and the recovery codes shown once."""
    secret = start_setup(client)
    response = submit(client, "/account/two-step/setup", {"code": app_code(secret)})
    assert response.headers["Location"] == "/account/two-step/recovery-codes"
    codes = CODE_RE.findall(shown(client.get("/account/two-step/recovery-codes")))
    submit(client, "/account/two-step/recovery-codes")
    return secret, codes


def password_step(client, user, next_url=""):
    data = {"email": user.email, "password": PASSWORD}
    return submit(client, f"/auth/login{next_url}", data, page="/auth/login")


def code_step(client, code, field="code"):
    # The token comes from the log-in page: the code page may have lapsed and only redirect.
    return submit(client, "/auth/login/code", {field: code}, page="/auth/login")


def test_setting_up_with_a_wrong_then_a_right_code(client, login):
    user = login()
    assert "Two-step sign-in is off" not in shown(client.get("/account"))
    secret = start_setup(client)
    assert len(secret) == 32
    page = shown(client.get("/account/two-step/setup"))
    assert '<svg role="img"' in page and 'class="qr-code"' in page and "style=" not in page
    assert f"otpauth://totp/Caregiver:{user.email.replace('@', '%40')}?secret={secret}" in page

    wrong = str((int(app_code(secret)) + 1) % 1_000_000).zfill(6)
    response = submit(client, "/account/two-step/setup", {"code": wrong})
    assert response.status_code == 400 and "That code didn&#39;t work" in shown(response)
    assert not two_step.is_on(user.id)
    letters = submit(client, "/account/two-step/setup", {"code": "12345"})
    assert "Type the 6 digits your app shows" in shown(letters)

    spaced = app_code(secret)[:3] + " " + app_code(secret)[3:]
    response = submit(client, "/account/two-step/setup", {"code": spaced})
    assert response.headers["Location"] == "/account/two-step/recovery-codes"
    assert two_step.is_on(user.id)

    page = shown(client.get("/account/two-step/recovery-codes"))
    codes = CODE_RE.findall(page)
    assert len(set(codes)) == 10 and "only this once" in page
    download = client.get("/account/two-step/recovery-codes.txt")
    assert download.mimetype == "text/plain"
    assert download.headers["Content-Disposition"] == 'attachment; filename="recovery-codes.txt"'
    assert all(code in shown(download) for code in codes)

    response = submit(client, "/account/two-step/recovery-codes")
    assert response.headers["Location"] == "/account/two-step"
    # Shown once: after "I've saved them" neither the page nor the file has them.
    assert client.get("/account/two-step/recovery-codes").status_code == 302
    assert client.get("/account/two-step/recovery-codes.txt").status_code == 404
    settings = shown(client.get("/account/two-step"))
    assert "Two-step sign-in is on" in settings and "10 of 10" in settings


def test_log_in_asks_for_the_code_after_the_password(app, client, login, make_user, pinned_clock):
    user = login()
    secret, _codes = turn_on(client)
    fresh = app.test_client()
    response = password_step(fresh, user, next_url="?next=/goals/")
    assert response.headers["Location"] == "/auth/login/code"
    # Half signed in is not signed in.
    assert fresh.get("/dashboard").status_code == 302
    assert fresh.get("/account").status_code == 302
    page = shown(fresh.get("/auth/login/code"))
    assert "Enter your code" in page and 'autocomplete="one-time-code"' in page

    wrong = code_step(fresh, "000000" if app_code(secret) != "000000" else "111111")
    assert wrong.status_code == 400 and "That code didn&#39;t work" in shown(wrong)
    pinned_clock.shift(NEXT_STEP)  # the code that confirmed set-up is spent
    response = code_step(fresh, app_code(secret))
    assert response.headers["Location"] == "/goals/"
    assert fresh.get("/dashboard").status_code == 200

    # Someone else's password never reaches a code page.
    other = make_user()
    assert password_step(app.test_client(), other).headers["Location"] == "/dashboard"


def test_a_code_is_refused_the_second_time(app, client, login, pinned_clock):
    user = login()
    secret, _codes = turn_on(client)
    # The code that confirmed set-up is spent already.
    fresh = app.test_client()
    password_step(fresh, user)
    reused = code_step(fresh, app_code(secret))
    assert reused.status_code == 400 and "already used" in shown(reused)

    pinned_clock.shift(NEXT_STEP)
    code = app_code(secret)
    assert code_step(fresh, code).headers["Location"] == "/dashboard"
    other_device = app.test_client()
    password_step(other_device, user)
    again = code_step(other_device, code)
    assert again.status_code == 400 and "already used" in shown(again)
    assert other_device.get("/dashboard").status_code == 302
    # The step before the spent one is spent too, even though a slow phone might still show it.
    pinned_clock.shift(NEXT_STEP)
    assert code_step(other_device, code).status_code == 400
    assert code_step(other_device, app_code(secret)).headers["Location"] == "/dashboard"


def test_a_recovery_code_works_once(app, client, login):
    user = login()
    _secret, codes = turn_on(client)
    fresh = app.test_client()
    password_step(fresh, user)
    typed = codes[3].upper().replace("-", " ")  # as copied from paper
    response = code_step(fresh, typed, field="recovery_code")
    assert response.headers["Location"] == "/dashboard"
    assert "you have 9 left" in shown(fresh.get("/dashboard"))

    again = app.test_client()
    password_step(again, user)
    refused = code_step(again, codes[3], field="recovery_code")
    assert refused.status_code == 400 and "That recovery code didn&#39;t work" in shown(refused)
    assert '<details class="recovery-details" open>' in shown(refused)
    assert again.get("/dashboard").status_code == 302
    assert code_step(again, codes[4], field="recovery_code").headers["Location"] == "/dashboard"
    assert "8 of 10" in shown(again.get("/account/two-step"))


def test_the_half_signed_in_state_lasts_five_minutes(app, client, login, pinned_clock):
    user = login()
    secret, _codes = turn_on(client)
    fresh = app.test_client()
    password_step(fresh, user)
    pinned_clock.shift(timedelta(minutes=4, seconds=30))
    assert fresh.get("/auth/login/code").status_code == 200
    pinned_clock.shift(timedelta(seconds=31))
    response = code_step(fresh, app_code(secret))
    assert response.headers["Location"] == "/auth/login"
    assert "the code step lasts 5 minutes" in shown(fresh.get("/auth/login"))
    assert fresh.get("/dashboard").status_code == 302
    # Nothing is left to finish: the state is gone, not just too old.
    assert fresh.get("/auth/login/code").headers["Location"] == "/auth/login"


def test_a_password_change_ends_a_half_signed_in_state(app, client, login, pinned_clock):
    user = login()
    secret, _codes = turn_on(client)
    fresh = app.test_client()
    password_step(fresh, user)
    user.password_hash = security.hash_password("a brand new passphrase")
    db.session.commit()
    pinned_clock.shift(NEXT_STEP)  # a code that would work, but the state is gone
    assert code_step(fresh, app_code(secret)).headers["Location"] == "/auth/login"
    assert fresh.get("/dashboard").status_code == 302


def test_turning_two_step_off_needs_the_password(app, client, login):
    user = login()
    turn_on(client)
    page = client.get("/account/two-step/off")
    assert "Turn off two-step sign-in?" in shown(page)
    wrong = submit(client, "/account/two-step/off", {"password": "not my password"})
    assert wrong.status_code == 400 and "That isn&#39;t your current password" in shown(wrong)
    assert two_step.is_on(user.id)
    response = submit(client, "/account/two-step/off", {"password": PASSWORD})
    assert response.headers["Location"] == "/account/two-step"
    assert "Your password alone logs you in" in shown(client.get("/account/two-step"))
    assert not two_step.is_on(user.id)
    assert db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(TwoStep)) == 0
    assert password_step(app.test_client(), user).headers["Location"] == "/dashboard"


def test_new_recovery_codes_replace_the_old_ones(app, client, login):
    user = login()
    _secret, old = turn_on(client)
    response = submit(client, "/account/two-step/new-codes", {"password": PASSWORD})
    assert response.headers["Location"] == "/account/two-step/recovery-codes"
    new = CODE_RE.findall(shown(client.get("/account/two-step/recovery-codes")))
    assert len(new) == 10 and not set(new) & set(old)
    fresh = app.test_client()
    password_step(fresh, user)
    assert code_step(fresh, old[0], field="recovery_code").status_code == 400
    assert code_step(fresh, new[0], field="recovery_code").headers["Location"] == "/dashboard"


def test_the_secret_and_recovery_codes_never_reach_the_raw_database(client, login):
    login()
    secret, codes = turn_on(client)
    raw = raw_values(db.engine)
    assert secret.encode() not in raw and secret.lower().encode() not in raw
    for code in codes:
        assert code.encode() not in raw and code.replace("-", "").encode() not in raw


def test_a_reset_link_still_asks_for_the_code(app, client, login, mailbox):
    user = login()
    secret, _codes = turn_on(client)
    fresh = app.test_client()
    submit(fresh, "/auth/reset", {"email": user.email})
    path = link_in(mailbox.last_to(user.email), "/auth/reset/")
    response = submit(fresh, path, {"password": "a brand new passphrase"})
    assert response.headers["Location"] == "/auth/login/code"
    assert fresh.get("/dashboard").status_code == 302
    assert "Your password is changed" in shown(fresh.get("/auth/login/code"))
    assert code_step(fresh, app_code(secret)).status_code == 400  # spent at set-up


def test_logging_in_again_from_the_journal_asks_for_the_code_there(app, client, login):
    user = login()
    secret, _codes = turn_on(client)
    fresh = app.test_client()  # as after a session ran out mid-entry
    token = csrf_token(fresh, "/auth/login")
    written = {"title": "", "body": "Kept while I log in", "mood": "", "tags": ""}
    first = fresh.post(
        "/journal/resume",
        data={**written, "csrf_token": token, "email": user.email, "password": PASSWORD},
    )
    html = shown(first)
    assert first.status_code == 400 and "Type your password again and the code" in html
    assert 'name="code"' in html and "Kept while I log in" in html
    assert fresh.get("/dashboard").status_code == 302
    token = CSRF_RE.search(html).group(1)
    saved = fresh.post(
        "/journal/resume",
        data={
            **written,
            "csrf_token": token,
            "email": user.email,
            "password": PASSWORD,
            "code": "000000" if app_code(secret) != "000000" else "111111",
        },
    )
    assert saved.status_code == 400 and "That code didn&#39;t work" in shown(saved)


def test_the_code_page_is_rate_limited_per_account(app, client, login):
    user = login()
    turn_on(client)
    statuses = []
    for _ in range(6):
        attempt = app.test_client()
        password_step(attempt, user)
        statuses.append(code_step(attempt, "999999").status_code)
    assert statuses[:5] == [400] * 5 and statuses[5] == 429


def test_without_a_half_signed_in_state_the_code_page_sends_you_to_log_in(client):
    response = client.get("/auth/login/code")
    assert response.headers["Location"] == "/auth/login"
