"""The README's first command: `make run` migrates, loads demo data and serves the app."""

import os
import shutil

import pytest
import served
from helpers import KEY_A, free_port
from pinned_clock import pinned_env


@pytest.mark.ticking_clock
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_serves_the_landing_page_and_health_check(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        **pinned_env(),  # the server and the scheduler start at the test's instant
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "SECRET_KEY": "make-run-test-secret",
        "CAREGIVER_ENCRYPTION_KEYS": KEY_A,
    }
    log = tmp_path / "make-run.log"
    process = served.start(["make", "--no-print-directory", "run"], env, log)
    base = f"http://127.0.0.1:{port}"
    try:
        health = served.health_once_scheduled(base, process, log)
        assert health == {"status": "ok", "database": "ok", "scheduler": "ok"}
        landing = served.answer(base + "/", process, log, 10).decode()
        assert "Caregiver" in landing and 'href="/help"' in landing
    finally:
        served.stop(process)
    output = log.read_text()
    assert "demo-only-password-2026" in output  # the demo accounts were printed
    assert f"http://127.0.0.1:{port}" in output
