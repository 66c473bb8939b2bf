"""The flask commands people use to run the app."""

from helpers import PASSWORD, log_in

from caregiver import security
from caregiver.auth.models import User
from caregiver.cli import DEMO_PASSWORD, DEMO_PEOPLE
from caregiver.extensions import db


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
