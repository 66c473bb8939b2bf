"""The account pages: one blueprint, a module per URL prefix (/auth, /account).

Importing a module here declares its routes on ``bp``.
"""

from caregiver.auth.views import account_pages, login_pages, security_pages
from caregiver.auth.views.blueprint import bp

__all__ = ["bp", "account_pages", "login_pages", "security_pages"]
