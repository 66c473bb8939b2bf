"""The flask commands people use to run the app."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import PASSWORD, app_env, log_in
from pinned_clock import pinned_env

from bench.reminders import add_due_reminders
from caregiver import security
from caregiver.auth.models import User
from caregiver.cli import DEMO_PASSWORD, DEMO_PEOPLE
from caregiver.extensions import db

ROOT = Path(__file__).resolve().parents[1]


def test_user_create_reads_the_password_from_stdin(app, runner):
    result = runner.invoke(
        args=["user", "create", "Admin@Example.org", "--role", "admin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "Created admin admin@example.org" in result.output
    user = db.session.scalar(db.select(User).where(User.email == "admin@example.org"))
    assert user.role == "admin" and user.is_verified
    assert security.verify_password(user.password_hash, PASSWORD)
    client = app.test_client()
    log_in(client, "admin@example.org")
    assert client.get("/admin/").status_code == 200


def test_user_create_refuses_weak_passwords_and_duplicates(runner, make_user):
    result = runner.invoke(args=["user", "create", "a@example.org"], input="qwertyuiop\n")
    assert result.exit_code != 0 and "most common" in result.output
    make_user(email="taken@example.org")
    result = runner.invoke(args=["user", "create", "taken@example.org"], input=PASSWORD + "\n")
    assert result.exit_code != 0 and "already exists" in result.output
    result = runner.invoke(args=["user", "create", "b@example.org", "--role", "boss"], input="x\n")
    assert result.exit_code != 0


def test_demo_data_loads_once_when_empty(app, runner):
    result = runner.invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0 and DEMO_PASSWORD in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == len(DEMO_PEOPLE)
    again = runner.invoke(args=["demo-data", "--if-empty"])
    assert "already has accounts" in again.output
    client = app.test_client()
    log_in(client, DEMO_PEOPLE[0][0], password=DEMO_PASSWORD)
    assert client.get("/groups/manage").status_code == 200


def test_demo_data_refused_in_production(app, runner):
    app.config["CAREGIVER_ENV"] = "production"
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code != 0 and "development only" in result.output


@pytest.mark.ticking_clock
def test_run_once_writes_links_on_the_port_it_is_given(app, database_url, mailbox, smtp_server):
    """Run by hand as the README shows, with the server's PORT: links name that port."""
    controller, _inbox = smtp_server
    (email,) = add_due_reminders(1, "port-")
    env = {key: value for key, value in os.environ.items() if key not in ("BASE_URL", "HOST")}
    env.update(app_env(controller.port), DATABASE_URL=database_url, PORT="8123", **pinned_env())
    result = subprocess.run(  # noqa: S603 - fixed command
        [sys.executable, "-m", "flask", "--app", "caregiver", "reminders", "run-once"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Sent 1" in result.stdout
    assert "Links in mail point at http://127.0.0.1:8123." in result.stdout
    text = mailbox.last_to(email).get_body(("plain",)).get_content()
    links = re.findall(r"https?://[^\s>]+", text)
    assert links and all(link.startswith("http://127.0.0.1:8123/") for link in links), links
