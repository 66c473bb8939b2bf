"""Links only to ourselves: every link in mail is built on BASE_URL, never on the Host a request
names, and a request naming a host the app does not serve is refused."""

import re

import pytest
from helpers import KEY_A, PASSWORD, csrf_token, log_in, make_test_app, submit

from caregiver.config import ConfigError, load_config
from caregiver.extensions import db

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


def test_every_kind_of_account_mail_links_only_to_base_url(app, client, make_user, mailbox):
    base = app.config["BASE_URL"]
    known = make_user(email="known@example.org")
    unverified = make_user(email="waiting@example.org", verified=False)
    admin = make_user(role="admin", email="admin@example.org")
    forged = {"X-Forwarded-Host": FORGED, "X-Forwarded-Proto": "https"}

    def request_all():
        submit(client, "/auth/reset", {"email": known.email}, headers=forged)
        submit(
            client, "/auth/resend", {"email": unverified.email}, page="/auth/login", headers=forged
        )
        fields = {"display_name": "Sam", "password": PASSWORD, "timezone": "America/Chicago"}
        submit(client, "/auth/register", {**fields, "email": "new@example.org"}, headers=forged)
        submit(client, "/auth/register", {**fields, "email": known.email}, headers=forged)
        log_in(client, known)
        submit(
            client,
            "/account/email",
            {"email": "moved@example.org", "password": PASSWORD},
            page="/account",
            headers=forged,
        )
        new_password = "another long passphrase here"
        submit(
            client,
            "/account/password",
            {"current_password": PASSWORD, "new_password": new_password},
            page="/account",
            headers=forged,
        )
        submit(client, "/account/facilitator", {"note": "I run a group"}, headers=forged)

    # With a Host the app does not serve, nothing is even read: every request is refused.
    for path in ("/auth/reset", "/auth/register", "/auth/resend", "/account/email"):
        token = csrf_token(client, "/auth/login")
        refused = client.post(path, data={"csrf_token": token}, headers={"Host": FORGED})
        assert refused.status_code == 400
    assert mailbox.messages == []

    request_all()
    admin_client = app.test_client()
    log_in(admin_client, admin)
    page = admin_client.get("/admin/").get_data(as_text=True)
    (request_id,) = re.findall(r"/admin/requests/(\d+)/approve", page)
    approve = f"/admin/requests/{request_id}/approve"
    submit(admin_client, approve, page="/admin/", headers=forged)

    kinds = {message["Subject"] for _rcpts, message in mailbox.messages}
    assert len(kinds) >= 6, kinds
    for _rcpts, message in mailbox.messages:
        for url in links_in(message):
            assert url.startswith(base + "/"), (message["Subject"], url)
