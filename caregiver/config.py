"""Settings read from the environment, with safe development defaults.

In development a missing secret is generated once into the instance folder, so a fresh clone runs
with no set-up. In production (``CAREGIVER_ENV=production``) a missing secret stops start-up.
"""

import os
import secrets
import socket
from contextlib import suppress
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from caregiver import crisis
from caregiver.crypto import MasterKeyError, generate_master_key, parse_master_keys


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


def _instance_secret(instance_path: Path, name: str, make) -> str:
    path = instance_path / name
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        # Written whole under a name of this process's own, then linked into place: a process
        # started at the same moment (the web server and the scheduler) finds no file or the
        # whole one, never half of it, and the first link wins for every process.
        draft = instance_path / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
        # Created with owner-only permissions: the file is a key.
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(make() + "\n")
            with suppress(FileExistsError):  # another process wrote it first: use theirs
                os.link(draft, path)
        finally:
            draft.unlink()
    return path.read_text().strip()


def _database_url(env: dict, instance_path: Path) -> str:
    url = env.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'caregiver.sqlite3'}"
    # Hosting platforms often hand out postgres:// URLs; SQLAlchemy wants a driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _secret(env: dict, name: str, production: bool, instance_path: Path, file: str, make) -> str:
    value = env.get(name, "").strip()
    if value:
        return value
    if production:
        raise ConfigError(
            f"{name} is not set. In production every secret must come from the environment; "
            f"see the configuration table in README.md."
        )
    return _instance_secret(instance_path, file, make)


def _whole_number(env: dict, name: str) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return 0
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.")
    return int(raw)


def _encryption_keys(env: dict, production: bool, instance_path: Path) -> list:
    setting = _secret(
        env,
        "CAREGIVER_ENCRYPTION_KEYS",
        production,
        instance_path,
        "encryption_keys",
        generate_master_key,
    )
    try:
        return parse_master_keys(setting)
    except MasterKeyError as error:
        raise ConfigError(
            f"CAREGIVER_ENCRYPTION_KEYS: {error}. Each key is 32 random bytes in URL-safe "
            "base64, newest first; `flask --app caregiver keys generate` prints a new one."
        ) from error


def _lan_address() -> str:
    """The address other devices on this network reach this machine at, or 127.0.0.1.

    Connecting a UDP socket sends nothing; it only asks the system which interface it would use.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere real
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def _base_url(env: dict, production: bool) -> str:
    """The public address every link in mail and feeds is built on.

    Never the Host a request names: anyone can send any Host, and a reset link built from it
    would carry a working token to their server. In development it is the address ``make run``
    serves (``HOST`` and ``PORT``), so a phone on the same network can follow the links too.
    """
    raw = env.get("BASE_URL", "").strip().rstrip("/")
    if not raw:
        if production:
            raise ConfigError(
                "BASE_URL is not set. In production every link in mail is built from it, never "
                "from a request's Host: set it to the public address, such as "
                "https://caregiver.example.org."
            )
        host = env.get("HOST", "").strip() or "127.0.0.1"
        if host in {"0.0.0.0", "::"}:  # noqa: S104 - serving every interface: name one of them
            host = _lan_address()
        port = env.get("PORT", "").strip() or "5000"
        return f"http://{host}:{port}"
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query:
        raise ConfigError(
            f"BASE_URL must be a whole web address such as https://caregiver.example.org, "
            f"not {raw!r}."
        )
    if production and parts.scheme != "https":
        raise ConfigError("BASE_URL must start with https:// in production (cookies are Secure).")
    return raw


def _trusted_hosts(env: dict, base_url: str, production: bool) -> list[str]:
    """The names this app answers to; a request naming any other Host gets 400."""
    hosts = [urlsplit(base_url).hostname]
    hosts += [name.strip() for name in env.get("TRUSTED_HOSTS", "").split(",") if name.strip()]
    if not production:
        hosts += ["127.0.0.1", "localhost"]
    return list(dict.fromkeys(hosts))


def _rate_limit_storage(env: dict, production: bool) -> str:
    """Where rate limits are counted. ``memory://`` counts in each process apart, so with several
    web workers every address gets that many times the limit: production refuses it unless it
    runs a single worker and says so (``WEB_CONCURRENCY=1``, which gunicorn also reads)."""
    storage = env.get("RATELIMIT_STORAGE_URI", "").strip() or "memory://"
    single = env.get("WEB_CONCURRENCY", "").strip() == "1"
    if production and storage.startswith("memory://") and not single:
        raise ConfigError(
            "RATELIMIT_STORAGE_URI is memory://, which counts in each worker process apart. Set "
            "it to a Redis URL (redis://host:6379/0) shared by every worker, or run a single "
            "worker and set WEB_CONCURRENCY=1."
        )
    return storage


def _quick_exit_url(env: dict) -> str:
    """Where "Leave quickly" goes: an ordinary public site that says nothing about this one."""
    raw = env.get("QUICK_EXIT_URL", "").strip() or "https://weather.com/"
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(
            f"QUICK_EXIT_URL must be a whole web address such as https://weather.com/, not {raw!r}."
        )
    return raw


def _crisis_country(env: dict) -> str:
    """The country whose crisis help a visitor sees until they choose their own."""
    raw = env.get("CRISIS_COUNTRY", "").strip()
    code = raw.lower() or "us"
    codes = crisis.bundled_codes()
    if code not in codes:
        raise ConfigError(
            f"CRISIS_COUNTRY must be the code of a country with crisis help in "
            f"caregiver/data/crisis/ ({', '.join(codes)}), not {raw!r}."
        )
    return code


def load_config(instance_path: str, env: dict | None = None) -> dict:
    """Build the Flask config mapping from environment variables."""
    env = dict(os.environ if env is None else env)
    instance = Path(instance_path)
    production = env.get("CAREGIVER_ENV", "development").strip().lower() == "production"
    smtp_port = _whole_number(env, "SMTP_PORT")
    security = env.get("SMTP_SECURITY", "starttls").strip().lower()
    if security not in {"starttls", "ssl", "none"}:
        raise ConfigError("SMTP_SECURITY must be one of starttls, ssl or none.")
    config = {
        "CAREGIVER_ENV": "production" if production else "development",
        "SECRET_KEY": _secret(
            env, "SECRET_KEY", production, instance, "secret_key", lambda: secrets.token_hex(32)
        ),
        "ENCRYPTION_KEYS": _encryption_keys(env, production, instance),
        "SQLALCHEMY_DATABASE_URI": _database_url(env, instance),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SMTP_HOST": env.get("SMTP_HOST", "").strip(),
        "SMTP_PORT": smtp_port or (465 if security == "ssl" else 587),
        "SMTP_USERNAME": env.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_SECURITY": security,
        "SMTP_TIMEOUT": 20,
        "MAIL_FROM": env.get("MAIL_FROM", "Caregiver <no-reply@localhost>"),
        "MAIL_DIR": str(instance / "mail"),
        "RATELIMIT_STORAGE_URI": _rate_limit_storage(env, production),
        "RATELIMIT_HEADERS_ENABLED": True,
        "DEFAULT_TIMEZONE": env.get("DEFAULT_TIMEZONE", "America/New_York"),
        "CRISIS_RESOURCES_FILE": env.get("CRISIS_RESOURCES_FILE") or None,
        "CRISIS_COUNTRY": _crisis_country(env),
        "TRUSTED_PROXY_COUNT": _whole_number(env, "TRUSTED_PROXY_COUNT"),
        # A person writing a long journal entry must never hit this; an upload of a file would.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # A form left open on a phone overnight must still submit: the token lives as long as
        # the session instead of expiring after an hour.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_NAME": "caregiver_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_NAME": "caregiver_remember",
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "PASSWORD_RESET_MAX_AGE": int(timedelta(hours=1).total_seconds()),
        "EMAIL_VERIFY_MAX_AGE": int(timedelta(hours=48).total_seconds()),
        # Text shrinks to a fifth or less over the wire; images, zips and calendar files are
        # left alone, and so is anything too small to be worth a compressor's header.
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "image/svg+xml",
        ],
        "COMPRESS_MIN_SIZE": 1024,
        # A compressed stream would never close the file it reads; static files are read whole
        # first (web.py), and downloads stay as they are.
        "COMPRESS_STREAMS": False,
    }
    config["BASE_URL"] = _base_url(env, production)
    config["TRUSTED_HOSTS"] = _trusted_hosts(env, config["BASE_URL"], production)
    config["QUICK_EXIT_URL"] = _quick_exit_url(env)
    return config
