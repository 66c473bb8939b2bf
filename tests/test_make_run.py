"""The README's first command: `make run` migrates, loads demo data and serves the app."""

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from helpers import KEY_A, free_port
from pinned_clock import pinned_env

ROOT = Path(__file__).resolve().parents[1]


def wait_for(url: str, process: subprocess.Popen, deadline: float, log) -> bytes:
    """Poll until the server answers (or the process dies, or the deadline passes)."""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise AssertionError(f"make run exited with {process.returncode}:\n{log.read()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local server
                return response.read()
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in time")


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
    log = (tmp_path / "make-run.log").open("w+")
    process = subprocess.Popen(  # noqa: S603 - fixed command
        ["make", "--no-print-directory", "run"],  # noqa: S607
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        health = json.loads(wait_for(base + "/healthz", process, deadline, log))
        # The scheduler started beside the server beats as soon as its first jobs run.
        while health["scheduler"] != "ok" and time.monotonic() < deadline:
            time.sleep(0.2)
            health = json.loads(wait_for(base + "/healthz", process, deadline, log))
        assert health == {"status": "ok", "database": "ok", "scheduler": "ok"}
        landing = wait_for(base + "/", process, time.monotonic() + 10, log).decode()
        assert "Caregiver" in landing and 'href="/help"' in landing
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        log.seek(0)
        output = log.read()
        log.close()
    assert "demo-only-password-2026" in output  # the demo accounts were printed
    assert f"http://127.0.0.1:{port}" in output
