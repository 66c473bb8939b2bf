"""Entry point for a WSGI server: ``gunicorn wsgi:app``."""

from caregiver import create_app

app = create_app()
