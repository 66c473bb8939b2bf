"""Passkeys: adding, listing and removing them, and logging in with one, checked against real
WebAuthn signatures from a software passkey."""

import json
from datetime import timedelta

import pytest
from helpers import csrf_token, log_in, raw_values, submit
from soft_passkey import SoftPasskey, b64url

from caregiver.auth import passkeys, two_step
from caregiver.auth.sign_in_models import Passkey
from caregiver.extensions import db


@pytest.fixture(autouse=True)
def site_at_localhost(request):
    """The software passkey answers for http://localhost, the test client's own address."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app").config["BASE_URL"] = "http://localhost"


def add_passkey(client, soft, name="My phone"):
    token = csrf_token(client, "/account/passkeys")
    options = client.post("/account/passkeys/options", headers={"X-CSRFToken": token})
    assert options.status_code == 200 and options.mimetype == "application/json"
    answer = soft.create(options.get_data(as_text=True))
    data = {"csrf_token": token, "name": name, "credential": answer}
    return client.post("/account/passkeys/add", data=data)


def passkey_options(client):
    token = csrf_token(client, "/auth/login")
    options = client.post("/auth/passkey/options", headers={"X-CSRFToken": token})
    assert options.status_code == 200, options.get_data(as_text=True)
    return token, options.get_data(as_text=True)


def log_in_with(client, soft, next_url=""):
    token, options = passkey_options(client)
    data = {"csrf_token": token, "credential": soft.get(options)}
    return client.post(f"/auth/passkey/login{next_url}", data=data)


def shown(response) -> str:
    return response.get_data(as_text=True)


def test_add_a_passkey_then_log_in_with_it_without_a_password(app, client, login):
    user = login()
    assert "No passkeys yet" in shown(client.get("/account/passkeys"))
    soft = SoftPasskey()
    response = add_passkey(client, soft, name="Sam's phone")
    assert response.status_code == 302 and response.headers["Location"] == "/account/passkeys"
    page = shown(client.get("/account/passkeys"))
    assert "Passkey added" in page and "Sam&#39;s phone" in page and "Not used yet" in page
    row = db.session.scalar(db.select(Passkey))
    assert row.user_id == user.id and row.transports == "internal"
    assert row.user_handle == soft.user_handle and len(row.user_handle) == 32

    fresh = app.test_client()
    response = log_in_with(fresh, soft, next_url="?next=/journal/")
    assert response.status_code == 302 and response.headers["Location"] == "/journal/"
    assert fresh.get("/dashboard").status_code == 200
    db.session.refresh(row)
    assert row.sign_count == 1 and row.last_used_at is not None
    assert "Last used" in shown(fresh.get("/account/passkeys"))


def test_a_passkey_skips_the_second_step(app, client, login):
    user = login()
    soft = SoftPasskey()
    add_passkey(client, soft)
    two_step.start(user)
    row = two_step.settings(user.id)
    row.enabled_at = row.created_at
    db.session.commit()
    fresh = app.test_client()
    response = log_in_with(fresh, soft)
    assert response.headers["Location"] == "/dashboard"
    assert fresh.get("/dashboard").status_code == 200


def test_a_second_passkey_keeps_the_same_account_handle_and_excludes_the_first(client, login):
    login()
    first, second = SoftPasskey(), SoftPasskey()
    add_passkey(client, first, name="Phone")
    token = csrf_token(client, "/account/passkeys")
    options = json.loads(
        client.post("/account/passkeys/options", headers={"X-CSRFToken": token}).get_data(True)
    )
    assert [c["id"] for c in options["excludeCredentials"]] == [b64url(first.credential_id)]
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    add_passkey(client, second, name="Tablet")
    assert second.user_handle == first.user_handle


def test_a_copied_answer_cannot_sign_in_twice(app, make_user, client, login):
    login()
    soft = SoftPasskey(counting=False)  # a synced passkey: its count stays at 0
    add_passkey(client, soft)
    thief, person = app.test_client(), app.test_client()
    token, options = passkey_options(person)
    thief.set_cookie("caregiver_session", person.get_cookie("caregiver_session").value)
    answer = {"csrf_token": token, "credential": soft.get(options)}
    assert person.post("/auth/passkey/login", data=answer).headers["Location"] == "/dashboard"
    again = thief.post("/auth/passkey/login", data=answer)
    assert again.headers["Location"].startswith("/auth/login")
    assert thief.get("/dashboard").status_code == 302
    assert "took a little too long" in shown(thief.get("/auth/login"))


def test_a_sign_count_that_goes_backwards_is_refused(app, client, login):
    login()
    soft = SoftPasskey()
    add_passkey(client, soft)
    assert log_in_with(app.test_client(), soft).headers["Location"] == "/dashboard"
    assert log_in_with(app.test_client(), soft).headers["Location"] == "/dashboard"
    soft.sign_count = 0  # a cloned authenticator would count from where it was copied
    cloned = app.test_client()
    assert log_in_with(cloned, soft).headers["Location"].startswith("/auth/login")
    assert "couldn&#39;t be checked" in shown(cloned.get("/auth/login"))


def test_the_challenge_lasts_five_minutes(app, client, login, pinned_clock):
    login()
    soft = SoftPasskey()
    add_passkey(client, soft)
    fresh = app.test_client()
    token, options = passkey_options(fresh)
    pinned_clock.shift(timedelta(minutes=5, seconds=1))
    response = fresh.post(
        "/auth/passkey/login", data={"csrf_token": token, "credential": soft.get(options)}
    )
    assert response.headers["Location"].startswith("/auth/login")
    assert "took a little too long" in shown(fresh.get("/auth/login"))
    assert fresh.get("/dashboard").status_code == 302


def test_an_unknown_or_removed_passkey_says_what_to_do(app, client, login):
    login()
    soft = SoftPasskey()
    add_passkey(client, soft)
    db.session.execute(db.delete(Passkey))
    db.session.commit()
    fresh = app.test_client()
    log_in_with(fresh, soft)
    assert "isn&#39;t linked to an account here" in shown(fresh.get("/auth/login"))


def test_a_passkey_from_another_site_is_refused(app, client, login):
    login()
    add_passkey(client, SoftPasskey())
    fresh = app.test_client()
    response = log_in_with(fresh, SoftPasskey(origin="https://caregiver.example.evil"))
    assert response.headers["Location"].startswith("/auth/login")
    assert fresh.get("/dashboard").status_code == 302


def test_adding_needs_a_name_and_a_browser_with_passkeys(client, login):
    login()
    response = add_passkey(client, SoftPasskey(), name="   ")
    assert response.status_code == 400 and "Give this passkey a name" in shown(response)
    without_js = submit(
        client, "/account/passkeys/add", {"name": "Phone"}, page="/account/passkeys"
    )
    assert without_js.status_code == 400
    assert "needs a browser that supports passkeys" in shown(without_js)
    assert db.session.scalar(db.select(db.func.count()).select_from(Passkey)) == 0


def test_the_list_suggests_a_name_from_the_browser(client, login):
    login()
    android = "Mozilla/5.0 (Linux; Android 14; Pixel 7) Chrome/126.0 Mobile Safari/537.36"
    page = shown(client.get("/account/passkeys", headers={"User-Agent": android}))
    assert 'value="Chrome on Android"' in page


def test_nobody_else_can_remove_a_passkey(app, client, login, make_user):
    login()
    add_passkey(client, SoftPasskey(), name="Kitchen tablet")
    passkey_id = db.session.scalar(db.select(Passkey.id))
    other = app.test_client()
    log_in(other, make_user())
    path = f"/account/passkeys/{passkey_id}/remove"
    assert other.get(path).status_code == 404
    assert submit(other, path, page="/account/passkeys").status_code == 404
    assert db.session.get(Passkey, passkey_id) is not None

    confirm = client.get(path)
    assert confirm.status_code == 200
    assert "Remove this passkey?" in shown(confirm) and "Kitchen tablet" in shown(confirm)
    response = submit(client, path)
    assert response.headers["Location"] == "/account/passkeys"
    db.session.expire_all()
    assert db.session.get(Passkey, passkey_id) is None
    assert "No passkeys yet" in shown(client.get("/account/passkeys"))


def test_passkey_names_never_reach_the_raw_database(app, client, login):
    login()
    marker = "Zanzibar-Quokka"
    add_passkey(client, SoftPasskey(), name=f"{marker} phone")
    assert marker.encode() not in raw_values(db.engine)
    assert f"{marker} phone" in shown(client.get("/account/passkeys"))


def test_the_relying_party_comes_from_base_url():
    rp = passkeys.relying_party("https://care.example.org")
    assert (rp.id, rp.origin) == ("care.example.org", "https://care.example.org")
    port = passkeys.relying_party("http://localhost:5123")
    assert (port.id, port.origin) == ("localhost", "http://localhost:5123")


def test_a_configured_base_url_binds_passkeys_to_it(app, client, login):
    login()
    app.config["BASE_URL"] = "https://care.example.org"
    token = csrf_token(client, "/account/passkeys")
    options = json.loads(
        client.post("/account/passkeys/options", headers={"X-CSRFToken": token}).get_data(True)
    )
    assert options["rp"] == {"name": "Caregiver", "id": "care.example.org"}
    response = add_passkey(client, SoftPasskey())  # it answers for http://localhost
    assert response.status_code == 400 and "couldn&#39;t be checked" in shown(response)


def test_the_log_in_page_offers_passkeys_only_to_scripts(client):
    page = shown(client.get("/auth/login"))
    assert "data-passkey-login" in page and "Log in with a passkey" in page
    form = page[page.index("data-passkey-login") :]
    assert form.index("hidden>") < form.index("Log in with a passkey")


def test_options_need_the_csrf_token(client, login):
    login()
    assert client.post("/account/passkeys/options").status_code == 400
    assert client.post("/auth/passkey/options").status_code == 400
