"""Accounts: registering, confirming an address, logging in and out, resets, the account page."""

from flask import Flask

from caregiver import outbox
from caregiver.auth import account_mail


def init_app(app: Flask) -> None:
    """Render account mail (confirmations, resets, notices) for the outbox."""
    outbox.register(account_mail.ACCOUNT_KINDS, account_mail.Batch)
