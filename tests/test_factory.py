import threading

import pytest
from helpers import KEY_A, KEY_B

from caregiver import create_app
from caregiver.config import ConfigError, load_config

PRODUCTION = {
    "CAREGIVER_ENV": "production",
    "SECRET_KEY": "x" * 64,
    "BASE_URL": "https://caregiver.example",
    "WEB_CONCURRENCY": "1",
}


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
    config = load_config(str(tmp_path), env={**PRODUCTION, "CAREGIVER_ENCRYPTION_KEYS": KEY_A})
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


def test_development_generates_an_encryption_key_once(tmp_path):
    first = load_config(str(tmp_path), env={})["ENCRYPTION_KEYS"]
    second = load_config(str(tmp_path), env={})["ENCRYPTION_KEYS"]
    assert [k.id for k in first] == [k.id for k in second] and len(first) == 1
    assert (tmp_path / "encryption_keys").stat().st_mode & 0o077 == 0


def test_production_needs_encryption_keys(tmp_path):
    with pytest.raises(ConfigError, match="CAREGIVER_ENCRYPTION_KEYS is not set"):
        load_config(str(tmp_path), env=PRODUCTION)
    assert not (tmp_path / "encryption_keys").exists()


@pytest.mark.parametrize(
    "setting, problem",
    [("not base64!!", "key 1 is not valid base64"), (f"{KEY_A},c2hvcnQ=", "key 2 is 5 bytes")],
)
def test_malformed_encryption_keys_are_a_clear_error(tmp_path, setting, problem):
    with pytest.raises(ConfigError, match=problem):
        load_config(str(tmp_path), env={**PRODUCTION, "CAREGIVER_ENCRYPTION_KEYS": setting})


def test_keys_are_listed_newest_first(tmp_path):
    keys = load_config(str(tmp_path), env={"CAREGIVER_ENCRYPTION_KEYS": f" {KEY_B}, {KEY_A} "})
    first, second = keys["ENCRYPTION_KEYS"]
    assert first.id != second.id and len(first.id) == 12


def start_together(folder, count: int) -> tuple[list, list]:
    """``count`` start-ups reading their config from ``folder`` at the same moment: their
    configs, and whatever any of them raised."""
    together = threading.Barrier(count)
    configs, errors = [], []

    def start():
        together.wait(timeout=30)
        try:
            configs.append(load_config(str(folder), env={}))
        except Exception as error:  # noqa: BLE001 - the test reports it
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return configs, errors


def test_processes_started_together_generate_one_secret_and_read_it_whole(tmp_path):
    # The web server and the scheduler start at the same moment on a fresh instance folder:
    # all of them must end up with the same secret and key, none with a half-written file.
    for round_ in range(20):
        folder = tmp_path / f"instance{round_}"
        configs, errors = start_together(folder, 6)
        assert not errors, errors
        assert len(configs) == 6
        assert len({config["SECRET_KEY"] for config in configs}) == 1
        assert len({config["ENCRYPTION_KEYS"][0].id for config in configs}) == 1
        assert sorted(path.name for path in folder.iterdir()) == ["encryption_keys", "secret_key"]
