"""Flask commands: ``flask --app caregiver user create``, ``demo-data``."""

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from caregiver.auth import services as auth_services
from caregiver.auth.models import ROLES, User
from caregiver.extensions import db

user_cli = AppGroup("user", help="Manage people's accounts.")

DEMO_PASSWORD = "demo-only-password-2026"  # noqa: S105 - published on purpose, demo accounts only
DEMO_PEOPLE = [
    ("facilitator@example.org", "Dana (demo facilitator)", "facilitator"),
    ("caregiver@example.org", "Sam (demo caregiver)", "caregiver"),
]


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@user_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="caregiver", show_default=True)
@click.option("--name", "display_name", default=None, help="Display name (default: the email).")
@click.option("--timezone", default=None, help="IANA timezone (default: DEFAULT_TIMEZONE).")
def create_user(email, role, display_name, timezone):
    """Create a verified account. The password is prompted, or read from stdin."""
    password = _read_password()
    try:
        user = auth_services.create_user(
            email,
            display_name or email.split("@")[0],
            password,
            timezone or current_app.config["DEFAULT_TIMEZONE"],
            role=role,
            verified=True,
        )
    except auth_services.FieldError as error:
        raise click.ClickException(f"{error.field}: {error.message}") from error
    click.echo(f"Created {user.role} {user.email}.")


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Only when the database has no accounts yet.")
def demo_data(if_empty):
    """Load demo accounts (and, as features land, demo groups and meetings)."""
    if current_app.config["CAREGIVER_ENV"] == "production":
        raise click.ClickException("Demo data is for development only.")
    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        click.echo("The database already has accounts; no demo data loaded.")
    else:
        for email, name, role in DEMO_PEOPLE:
            if auth_services.find_by_email(email) is None:
                auth_services.create_user(
                    email,
                    name,
                    DEMO_PASSWORD,
                    current_app.config["DEFAULT_TIMEZONE"],
                    role=role,
                    verified=True,
                )
    demo = [(e, r) for e, _n, r in DEMO_PEOPLE if auth_services.find_by_email(e) is not None]
    if demo:
        click.echo("Demo accounts (development only):")
        for email, role in demo:
            click.echo(f"  {role:<12} {email}  password: {DEMO_PASSWORD}")


def init_app(app: Flask) -> None:
    app.cli.add_command(user_cli)
    app.cli.add_command(demo_data)
