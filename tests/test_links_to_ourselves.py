"""Links only to ourselves: every link in mail is built on BASE_URL, never on the Host a request
names, and a request naming a host the app does not serve is refused."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from helpers import KEY_A, PASSWORD, csrf_token, link_in, log_in, make_test_app, submit
from test_two_step import turn_on as turn_on_two_step

from caregiver.auth import account_mail, sign_in_throttle
from caregiver.config import ConfigError, load_config
from caregiver.extensions import db
from caregiver.outbox.models import SENT, OutboxMessage

FORGED = "evil.example"
URL_RE = re.compile(r"https?://[^\s\"'<>]+")
PRODUCTION = {
    "CAREGIVER_ENV": "production",
    "SECRET_KEY": "x" * 64,
    "CAREGIVER_ENCRYPTION_KEYS": KEY_A,
    "WEB_CONCURRENCY": "1",
}


def test_production_refuses_to_start_without_a_base_url(tmp_path):
    with pytest.raises(ConfigError, match="BASE_URL is not set"):
        load_config(str(tmp_path), env=PRODUCTION)
    with pytest.raises(ConfigError, match="https://"):
        load_config(str(tmp_path), env={**PRODUCTION, "BASE_URL": "http://caregiver.example"})
    with pytest.raises(ConfigError, match="whole web address"):
        load_config(str(tmp_path), env={**PRODUCTION, "BASE_URL": "caregiver.example"})
    config = load_config(
        str(tmp_path), env={**PRODUCTION, "BASE_URL": "https://caregiver.example/"}
    )
    assert config["BASE_URL"] == "https://caregiver.example"
    assert config["TRUSTED_HOSTS"] == ["caregiver.example"]


def test_production_answers_to_the_extra_names_it_is_given(tmp_path):
    env = {**PRODUCTION, "BASE_URL": "https://caregiver.example", "TRUSTED_HOSTS": "10.0.0.5, a.b"}
    assert load_config(str(tmp_path), env=env)["TRUSTED_HOSTS"] == [
        "caregiver.example",
        "10.0.0.5",
        "a.b",
    ]


def test_development_links_follow_the_address_make_run_serves(tmp_path):
    config = load_config(str(tmp_path), env={"PORT": "8123"})
    assert config["BASE_URL"] == "http://127.0.0.1:8123"
    assert {"127.0.0.1", "localhost"} <= set(config["TRUSTED_HOSTS"])
    # Serving every interface (to open it on a phone): links name this machine's own address.
    everywhere = load_config(str(tmp_path), env={"HOST": "0.0.0.0", "PORT": "5000"})  # noqa: S104
    host = everywhere["BASE_URL"].removeprefix("http://").removesuffix(":5000")
    assert host != "0.0.0.0" and host in everywhere["TRUSTED_HOSTS"]  # noqa: S104


def test_a_request_naming_another_host_is_refused(client):
    assert client.get("/auth/login").status_code == 200
    assert client.get("/auth/login", headers={"Host": FORGED}).status_code == 400
    assert client.get("/", headers={"Host": f"{FORGED}:5000"}).status_code == 400


def test_a_forwarded_host_counts_only_from_a_trusted_proxy(client, database_url, tmp_path):
    # No proxy configured: the header is anybody's, and ignored.
    assert client.get("/auth/login", headers={"X-Forwarded-Host": FORGED}).status_code == 200
    proxied = make_test_app(
        database_url,
        tmp_path / "proxied",
        0,
        ENV_VARS={"TRUSTED_PROXY_COUNT": "1", "BASE_URL": "https://caregiver.example"},
    )
    behind = proxied.test_client()
    ours = {"X-Forwarded-Host": "caregiver.example", "X-Forwarded-Proto": "https"}
    try:
        assert behind.get("/healthz", headers=ours).status_code == 200
        assert behind.get("/healthz", headers={"X-Forwarded-Host": FORGED}).status_code == 400
    finally:
        with proxied.app_context():
            db.engine.dispose()


def links_in(message) -> list[str]:
    return [
        url
        for part in message.walk()
        if part.get_content_type() in {"text/plain", "text/html"}
        for url in URL_RE.findall(part.get_content())
    ]


def test_every_kind_of_account_mail_links_only_to_base_url(
    app, client, make_user, mailbox, pinned_clock
):
    base = app.config["BASE_URL"]
    known = make_user(email="known@example.org")
    unverified = make_user(email="waiting@example.org", verified=False)
    guessed = make_user(email="guessed@example.org")
    other = make_user(email="other@example.org")
    admin = make_user(role="admin", email="admin@example.org")
    forged = {"X-Forwarded-Host": FORGED, "X-Forwarded-Proto": "https"}
    fields = {"display_name": "Sam", "password": PASSWORD, "timezone": "America/Chicago"}

    # With a Host the app does not serve, nothing is even read: every request is refused.
    for path in ("/auth/reset", "/auth/register", "/auth/resend", "/account/email"):
        token = csrf_token(client, "/auth/login")
        refused = client.post(path, data={"csrf_token": token}, headers={"Host": FORGED})
        assert refused.status_code == 400
    assert mailbox.messages == []

    submit(client, "/auth/reset", {"email": known.email}, headers=forged)
    resend = {"email": unverified.email}
    submit(client, "/auth/resend", resend, page="/auth/login", headers=forged)
    submit(client, "/auth/register", {**fields, "email": "new@example.org"}, headers=forged)
    submit(client, "/auth/register", {**fields, "email": known.email}, headers=forged)
    log_in(client, known)
    moved = {"email": "moved@example.org", "password": PASSWORD}
    submit(client, "/account/email", moved, page="/account", headers=forged)
    confirm = link_in(mailbox.last_to("moved@example.org"), "/auth/verify/")
    submit(client, confirm, headers=forged)  # the old address is told, with a way back
    changed = {"current_password": PASSWORD, "new_password": "another long passphrase here"}
    submit(client, "/account/password", changed, page="/account", headers=forged)
    submit(client, "/account/facilitator", {"note": "I run a group"}, headers=forged)
    turn_on_two_step(client)  # a change to how one signs in is told to the owner
    # A sign-in from a new device, and a lock after too many wrong passwords.
    log_in(app.test_client(), other)
    phone = app.test_client()
    phone.environ_base.update({"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone) Safari/604.1"})
    log_in(phone, other)
    for failures in range(1, sign_in_throttle.LOCK_AT + 1):
        wrong = {"email": guessed.email, "password": "not the password"}
        elsewhere = {"REMOTE_ADDR": f"10.9.{failures}.1"}  # past the per-client limit
        submit(app.test_client(), "/auth/login", wrong, headers=forged, environ_base=elsewhere)
        pinned_clock.shift(sign_in_throttle.wait_after(failures) + timedelta(seconds=1))
    # An admin's answers to two requests.
    asking = app.test_client()
    log_in(asking, other)
    submit(asking, "/account/facilitator", {"note": "I run one as well"}, headers=forged)
    admin_client = app.test_client()
    log_in(admin_client, admin)
    page = admin_client.get("/admin/").get_data(as_text=True)
    first, second = re.findall(r"/admin/requests/(\d+)/approve", page)
    submit(admin_client, f"/admin/requests/{first}/approve", page="/admin/", headers=forged)
    submit(admin_client, f"/admin/requests/{second}/decline", page="/admin/", headers=forged)

    sent = db.session.scalars(sa.select(OutboxMessage.kind).where(OutboxMessage.status == SENT))
    assert set(sent) == set(account_mail.ACCOUNT_KINDS)  # every kind there is, at least once
    for _rcpts, message in mailbox.messages:
        for url in links_in(message):
            assert url.startswith(base + "/"), (message["Subject"], url)
