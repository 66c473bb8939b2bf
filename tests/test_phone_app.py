"""The app on a phone's home screen: its manifest, the offline shell, quick exit, discreet mode."""

import json
import re
import struct
from datetime import time, timedelta
from email.utils import parseaddr

import pytest
import sqlalchemy as sa
from flask import url_for
from helpers import csrf_token, log_in, next_local, submit
from jinja2 import ChainableUndefined

from caregiver import mail
from caregiver.auth import app_lock
from caregiver.auth.models import LoginSession
from caregiver.config import ConfigError, load_config
from caregiver.extensions import db
from caregiver.main import services as main_services
from caregiver.reminders import jobs, services

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
# Words that would tell someone glancing at a phone what this app is about.
TOPIC_WORDS = (
    "caregiver", "addict", "opioid", "heroin", "fentanyl", "overdose", "naloxone", "narcan",
    "drug", "substance", "recovery", "relapse", "rehab", "sober", "treatment", "crisis",
    "family group", "support group", "guidance",
)  # fmt: skip


def title_of(response) -> str:
    return TITLE.search(response.get_data(as_text=True)).group(1).strip()


def topic_words_in(text: str) -> list[str]:
    return [word for word in TOPIC_WORDS if word in text.lower()]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def page_routes(app) -> list[str]:
    """Every page of the URL map that takes no value and answers GET."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    )


def turn_discreet(client, on: bool):
    fields = {"discreet": "y"} if on else {}
    return submit(client, "/account/discreet", fields, page="/account")


# Installable --------------------------------------------------------------------------------------


def test_the_manifest_names_the_app_and_every_icon_it_lists_is_a_png_of_that_size(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert (manifest["name"], manifest["display"], manifest["start_url"]) == (
        "Caregiver",
        "standalone",
        "/",
    )
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert sizes == {(size, purpose) for size in ("192x192", "512x512") for purpose in
                     ("any", "maskable")}  # fmt: skip
    for icon in manifest["icons"]:
        width = int(icon["sizes"].split("x")[0])
        assert png_size(client.get(icon["src"]).data) == (width, width)


def test_the_service_worker_keeps_only_the_offline_page_and_static_files(client):
    response = client.get("/sw.js")
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    shell = json.loads(re.search(r"var SHELL = (\[.*?\]);", body).group(1))
    assert "/offline" in shell
    assert all(url == "/offline" or url.startswith("/static/") for url in shell)
    for url in shell:
        assert client.get(url).status_code == 200
    # A navigation that fails shows the offline page; pages themselves are never put in a cache.
    assert "caches.match(OFFLINE)" in body and body.count("cache.put(") == 1


def test_the_offline_page_has_every_crisis_number_as_a_tel_link_and_no_topic_in_its_title(
    client, login
):
    login()  # the worker fetches it without cookies, but even a signed-in copy names nobody
    response = client.get("/offline")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    resources = main_services.crisis_resources(main_services.deployment_country())
    for line in [resources["emergency"], *resources["lines"]]:
        assert f'href="tel:{line["tel"]}"' in page
    assert title_of(response) == "Notes"


# Quick exit ---------------------------------------------------------------------------------------


def test_every_page_has_a_leave_quickly_link_to_the_configured_site(app, client, login):
    app.config["QUICK_EXIT_URL"] = "https://example.com/weather"
    for path in ("/", "/help", "/auth/login"):
        assert 'href="https://example.com/weather"' in client.get(path).get_data(as_text=True)
    login()
    assert 'href="https://example.com/weather"' in client.get("/journal/").get_data(as_text=True)


@pytest.mark.parametrize("given", ["weather.com", "javascript:alert(1)", "ftp://example.com/"])
def test_a_quick_exit_address_that_is_not_a_web_page_stops_start_up(tmp_path, given):
    with pytest.raises(ConfigError, match="QUICK_EXIT_URL"):
        load_config(str(tmp_path), {"QUICK_EXIT_URL": given})


def test_leaving_quickly_ends_the_session_on_the_server(app, client, make_user):
    person = make_user()
    log_in(client, person)
    token = csrf_token(client, "/journal/")
    assert client.post("/auth/leave", data={"csrf_token": "forged"}).status_code == 400
    assert client.get("/journal/").status_code == 200
    assert client.post("/auth/leave", data={"csrf_token": token}).status_code == 204
    assert client.get("/journal/").status_code == 302
    db.session.expire_all()
    (row,) = db.session.scalars(sa.select(LoginSession).where(LoginSession.user_id == person.id))
    assert row.revoked_at is not None


def test_leaving_quickly_locks_a_device_that_has_a_lock_instead_of_signing_it_out(
    client, make_user
):
    person = make_user()
    log_in(client, person)
    row = db.session.scalars(sa.select(LoginSession).where(LoginSession.user_id == person.id)).one()
    app_lock.set_up(row, 5, "4826")
    token = csrf_token(client, "/journal/")
    assert client.post("/auth/leave", data={"csrf_token": token}).status_code == 204
    locked = client.get("/journal/")
    assert locked.status_code == 401 and "Unlock" in locked.get_data(as_text=True)
    db.session.expire_all()
    assert (row.locked, row.revoked_at) == (True, None)


# Discreet mode ------------------------------------------------------------------------------------


def test_discreet_mode_gives_every_page_a_neutral_title_and_the_app_a_neutral_name(
    app, client, make_user
):
    person = make_user()
    log_in(client, person)
    assert turn_discreet(client, True).status_code == 302
    assert client.get_cookie("caregiver_discreet").value == "1"
    titles = {}
    for path in page_routes(app):
        response = client.get(path)
        if response.status_code == 200 and response.mimetype == "text/html":
            titles[path] = title_of(response)
    assert len(titles) > 20
    assert {path: title for path, title in titles.items() if title != "Notes"} == {}
    manifest = client.get("/manifest.webmanifest").get_json(force=True)
    assert (manifest["name"], manifest["short_name"]) == ("Notes", "Notes")
    assert all("notes" in icon["src"] for icon in manifest["icons"])
    # Logged out on this phone, the log-in page stays neutral too.
    submit(client, "/auth/logout", {}, page="/account")
    assert title_of(client.get("/auth/login")) == "Notes"


def test_a_visitor_and_a_search_engine_still_see_the_real_names(client):
    assert "Caregiver" in title_of(client.get("/"))
    assert "Caregiver" in title_of(client.get("/guidance/"))
    assert client.get("/manifest.webmanifest").get_json(force=True)["name"] == "Caregiver"


def test_turning_discreet_mode_off_brings_the_names_back_and_forgets_the_device_cookie(
    client, make_user
):
    log_in(client, make_user())
    turn_discreet(client, True)
    assert turn_discreet(client, False).status_code == 302
    assert client.get_cookie("caregiver_discreet") is None
    assert title_of(client.get("/journal/")) != "Notes"


class AnyValue(ChainableUndefined):
    """Stands for whatever a mail template asks of its context: a name, a number, an id."""

    def __int__(self):
        return 1


def test_no_mail_subject_or_sender_names_the_topic_in_discreet_mode(app, monkeypatch):
    """Every mail template there is, rendered as the outbox renders it for a discreet person."""
    monkeypatch.setattr(app.jinja_env, "undefined", AnyValue)
    templates = sorted(
        name.removesuffix(".txt").removeprefix("email/")
        for name in app.jinja_env.list_templates(filter_func=lambda n: n.startswith("email/"))
        if name.endswith(".txt") and not name.startswith("email/_")
    )
    assert len(templates) >= 15
    context = {"weekday": "Monday", "part_of_day": "evening", "chosen_time": "7:00 PM"}
    with app.test_request_context():
        for name in templates:
            message = mail.render_message(name, "jo@example.org", discreet=True, **context)
            wire = mail.prepare(message).data.decode()
            # The address is the deployment's own; the name shown beside it is ours to choose.
            sender = parseaddr(re.search(r"^From: (.*)$", wire, re.M).group(1))[0]
            assert topic_words_in(message.subject) == [], (name, message.subject)
            assert topic_words_in(sender) == [], (name, sender)
            plain = mail.render_message(name, "jo@example.org", **context)
            assert "Caregiver" in mail.prepare(plain).data.decode()


def test_a_discreet_person_gets_neutral_mail_through_the_real_mail_server(
    app, client, make_user, mailbox, pinned_clock
):
    person = make_user(email="quiet@example.org")
    log_in(client, person)
    turn_discreet(client, True)
    submit(client, "/auth/reset", {"email": person.email}, page="/auth/reset")
    reset = mailbox.last_to(person.email)
    start = next_local(time(12, 0), person.timezone)
    pinned_clock.move_to(start)
    services.set_journal_nudge(person, True, time(19, 0), frozenset(range(7)), now=start)
    pinned_clock.move_to(start + timedelta(hours=8))
    jobs.run_once()
    nudge = mailbox.last_to(person.email)
    assert nudge is not reset
    for message in (reset, nudge):
        assert topic_words_in(message["Subject"]) == [], message["Subject"]
        assert message["From"].startswith("Notes <")


def test_every_page_still_links_its_own_icon_and_manifest(app, client):
    page = client.get("/").get_data(as_text=True)
    with app.test_request_context():
        assert f'href="{url_for("main.manifest")}"' in page
