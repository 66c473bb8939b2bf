"""Flask commands: ``user create``, ``demo-data``, ``keys``, ``journal purge-deleted``,
``reminders run-once`` and ``scheduler``."""

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from caregiver import crypto, outbox
from caregiver.auth import services as auth_services
from caregiver.auth.models import ROLES, User
from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.groups import services as group_services
from caregiver.groups.demo import load_demo_groups
from caregiver.i18n import ngettext
from caregiver.journal import services as journal_services
from caregiver.reminders import jobs, planner

user_cli = AppGroup("user", help="Manage people's accounts.")
keys_cli = AppGroup("keys", help="Encryption keys for private text.")
journal_cli = AppGroup("journal", help="Journal housekeeping.")
reminders_cli = AppGroup("reminders", help="Reminder emails and the outbox.")

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
    except FieldError as error:
        raise click.ClickException(f"{error.field}: {error.message}") from error
    click.echo(f"Created {user.role} {user.email}.")


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Only when the database has no accounts yet.")
def demo_data(if_empty):
    """Load demo accounts, and demo groups and meetings run by the demo facilitator."""
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
        _demo_groups()
    demo = [(e, r) for e, _n, r in DEMO_PEOPLE if auth_services.find_by_email(e) is not None]
    if demo:
        click.echo("Demo accounts (development only):")
        for email, role in demo:
            click.echo(f"  {role:<12} {email}  password: {DEMO_PASSWORD}")


def _demo_groups() -> None:
    facilitator = auth_services.find_by_email(DEMO_PEOPLE[0][0])
    created = load_demo_groups(facilitator, auth_services.find_by_email(DEMO_PEOPLE[1][0]))
    groups = len(group_services.groups_run_by(facilitator.id))
    if created:
        click.echo(f"Demo groups: {groups} groups, {created} meetings.")
    else:
        click.echo(f"Demo groups: already loaded ({groups} groups).")


@keys_cli.command("generate")
def generate_key():
    """Print a new random master key (put it first in CAREGIVER_ENCRYPTION_KEYS)."""
    click.echo(crypto.generate_master_key())


@keys_cli.command("status")
def key_status():
    """How many people's data keys each master key wraps."""
    configured = [key.id for key in current_app.config["ENCRYPTION_KEYS"]]
    counts = crypto.key_status()
    for position, key_id in enumerate(configured):
        role = "newest" if position == 0 else "older"
        click.echo(f"{key_id}  {role:<6}  wraps {counts.pop(key_id, 0)} data key(s)")
    for key_id, count in counts.items():
        click.echo(f"{key_id}  MISSING wraps {count} data key(s): add this key back")


@keys_cli.command("rotate")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--limit", type=click.IntRange(1), help="Stop after re-wrapping this many keys.")
def rotate_keys(batch_size, limit):
    """Re-wrap every data key under the newest master key. Safe to stop and run again."""

    def progress(report):
        click.echo(f"re-wrapped {report.rewrapped} data key(s) so far")

    report = crypto.rotate(batch_size=batch_size, limit=limit, progress=progress)
    click.echo(
        f"Done: {report.rewrapped} re-wrapped, {report.remaining} still under older keys"
        + (f", {report.unreadable} whose master key is missing" if report.unreadable else "")
        + "."
    )
    if report.remaining == 0:
        click.echo("Every data key is under the newest master key; older keys can be removed.")


@journal_cli.command("purge-deleted")
def purge_deleted():
    """Erase journal entries deleted more than 30 days ago."""
    count = journal_services.purge_deleted()
    click.echo(
        ngettext(
            "Erased %(num)d entry deleted over 30 days ago.",
            "Erased %(num)d entries deleted over 30 days ago.",
            count,
        )
    )


@reminders_cli.command("run-once")
def reminders_run_once():
    """Plan what is due now and deliver what is ready, once; print the counts."""
    result = jobs.run_once()
    click.echo(f"{_planned_words(result.planning)} {_sent_words(result.delivery)}")
    _say_skip_reasons(result.delivery)
    _say_where_links_point()


def _planned_words(planned: planner.Planning) -> str:
    return f"Planned {planned.planned} (already planned {planned.already}, stale {planned.stale})."


def _sent_words(done: outbox.Delivery) -> str:
    return (
        f"Sent {done.sent}, to retry {done.retried}, failed {done.failed}, skipped {done.skipped}."
    )


def _say_skip_reasons(sent: outbox.Delivery) -> None:
    for reason, count in sorted(sent.skip_reasons.items()):
        click.echo(f"  skipped ({reason}): {count}")


def _report_scheduler_run(done: planner.Planning | outbox.Delivery) -> None:
    if isinstance(done, planner.Planning):
        click.echo(_planned_words(done))
    else:
        click.echo(_sent_words(done))
        _say_skip_reasons(done)


def _say_where_links_point() -> None:
    # A command started by hand gets BASE_URL, or HOST and PORT, from its own environment,
    # not from the server's: say the address, so a wrong port shows at once.
    click.echo(f"Links in mail point at {current_app.config['BASE_URL']}.")


@click.command("scheduler")
def scheduler():
    """Run the reminder scheduler in this process (plan every minute, deliver every 30 s);
    print the counts of its first runs and of every later run that did something."""
    runner = jobs.build_scheduler(current_app._get_current_object(), _report_scheduler_run)
    click.echo("Scheduler running: plan every minute, deliver every 30 s. Ctrl+C stops it.")
    _say_where_links_point()
    try:
        runner.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


def init_app(app: Flask) -> None:
    for command in (user_cli, demo_data, keys_cli, journal_cli, reminders_cli, scheduler):
        app.cli.add_command(command)
