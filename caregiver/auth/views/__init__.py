"""The account pages: one blueprint, a module per URL prefix (/auth, /account), and one each
for sign-in and security, passkeys and two-step sign-in.

Importing a module here declares its routes on ``bp``.
"""

from caregiver.auth.views import (
    account_pages,
    login_pages,
    passkey_pages,
    security_pages,
    two_step_pages,
)
from caregiver.auth.views.blueprint import bp

__all__ = [
    "bp",
    "account_pages",
    "login_pages",
    "passkey_pages",
    "security_pages",
    "two_step_pages",
]
