import pytest

from caregiver import create_app
from caregiver.config import ConfigError, load_config


def test_testing_flag_comes_from_overrides(app):
    assert app.testing
    assert not create_app({"INSTANCE_PATH": app.instance_path}).testing


def test_development_generates_a_secret_once_into_the_instance_folder(tmp_path):
    first = load_config(str(tmp_path), env={})
    second = load_config(str(tmp_path), env={})
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_a_secret(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load_config(str(tmp_path), env={"CAREGIVER_ENV": "production"})
    assert not (tmp_path / "secret_key").exists()


def test_production_cookies_are_secure(tmp_path):
    config = load_config(str(tmp_path), env={"CAREGIVER_ENV": "production", "SECRET_KEY": "x" * 64})
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_HTTPONLY"] and config["REMEMBER_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_DURATION"].days == 30


def test_postgres_urls_get_a_driver(tmp_path):
    config = load_config(str(tmp_path), env={"DATABASE_URL": "postgres://u@h/db"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_unknown_smtp_security_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="SMTP_SECURITY"):
        load_config(str(tmp_path), env={"SMTP_SECURITY": "tls"})


def test_numbers_in_the_environment_are_checked(tmp_path):
    with pytest.raises(ConfigError, match="SMTP_PORT must be a whole number"):
        load_config(str(tmp_path), env={"SMTP_PORT": "twenty-five"})
    assert load_config(str(tmp_path), env={"SMTP_SECURITY": "ssl"})["SMTP_PORT"] == 465
