"""The account pages: one blueprint, a module per URL prefix (/auth, /account), and one each
for sign-in and security, passkeys, two-step sign-in and the app lock.

Importing a module here declares its routes on ``bp``.
"""

from caregiver.auth.views import (
    account_pages,
    lock_pages,
    login_pages,
    passkey_pages,
    security_pages,
    two_step_pages,
)
from caregiver.auth.views.blueprint import bp

__all__ = [
    "bp",
    "account_pages",
    "lock_pages",
    "login_pages",
    "passkey_pages",
    "security_pages",
    "two_step_pages",
]
