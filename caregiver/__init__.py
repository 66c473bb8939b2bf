"""Caregiver: a private companion for families and friends of people in opioid addiction."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from caregiver import (
    access_log,
    cli,
    crypto,
    errors,
    extensions,
    i18n,
    refused_forms,
    routing,
    web,
)
from caregiver.config import ConfigError, load_config


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app: config from the environment (then ``overrides``), extensions, features."""
    overrides = dict(overrides or {})
    app = Flask(
        __name__, instance_path=overrides.pop("INSTANCE_PATH", None), instance_relative_config=True
    )
    app.config.update(load_config(app.instance_path, overrides.pop("ENV_VARS", None)))
    app.config.update(overrides)
    if app.config.get("TRUSTED_PROXY_COUNT"):
        count = int(app.config["TRUSTED_PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    extensions.db.init_app(app)
    extensions.migrate.init_app(
        app, extensions.db, directory=web.MIGRATIONS_DIR, render_as_batch=True, compare_type=True
    )
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    extensions.compress.init_app(app)
    i18n.init_app(app)
    routing.init_app(app)
    web.init_login(app)
    web.register_blueprints(app)
    web.init_templates(app)
    web.init_headers(app)
    web.init_static_versions(app)
    errors.init_app(app)
    refused_forms.init_app(app)
    cli.init_app(app)
    access_log.init_app(app)
    if app.config["CAREGIVER_ENV"] == "production":
        _check_encryption_keys(app)
    return app


def _check_encryption_keys(app: Flask) -> None:
    with app.app_context():
        missing = crypto.missing_master_keys(app)
        # No connection opened at start-up may outlive it (workers fork after this).
        extensions.db.engine.dispose()
    if missing:
        raise ConfigError(
            "CAREGIVER_ENCRYPTION_KEYS lacks the master key(s) with id "
            f"{', '.join(sorted(missing))}, which protect stored private text. Every worker "
            "needs every key that still wraps data keys: add it to this list (after the newest, "
            "unless it is the newest), as in 'Rotating the encryption keys' in "
            "docs/deployment.md."
        )
