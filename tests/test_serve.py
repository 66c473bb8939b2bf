"""Production serving: gunicorn with gunicorn.conf.py keeps private words and tokens out of its
access log, and `make serve` migrates, then runs the web workers and the scheduler."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from helpers import KEY_A, free_port
from pinned_clock import pinned_env

from caregiver.access_log import masked_path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MARKER = "quillwortsecret"
TOKEN = "IjQyIg.Zx9Qkw.c2VjcmV0LXRva2VuLW1hcmtlcg"


def fetch(url: str, headers: dict | None = None) -> int:
    """GET ``url`` without following redirects; the status."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - local server

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_up(url: str, process: subprocess.Popen, output: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode}:\n{output.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - local server
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in time:\n{output.read_text()}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_unmatched_paths_keep_words_and_lose_numbers_and_tokens():
    assert masked_path("/robots.txt") == "/robots.txt"
    assert masked_path("/old/journal/123/") == "/old/journal/<n>/"
    assert masked_path(f"/x/{TOKEN}") == "/x/<…>"


@pytest.mark.ticking_clock
@pytest.mark.one_instant
def test_the_access_log_holds_routes_but_no_search_words_or_tokens(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        **pinned_env(),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "SECRET_KEY": "serve-test-secret",
        "CAREGIVER_ENCRYPTION_KEYS": KEY_A,
    }
    subprocess.run(  # noqa: S603 - fixed command
        [BIN / "flask", "--app", "caregiver", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    access = tmp_path / "access.log"
    output = tmp_path / "gunicorn.out"
    with output.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 - fixed command
            [BIN / "gunicorn", "-c", "gunicorn.conf.py", "--access-logfile", access, "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/healthz", process, output)
        referer = {"Referer": f"{base}/journal/search?q={MARKER}"}
        assert fetch(f"{base}/journal/search?q={MARKER}", referer) == 302  # to the log-in page
        assert fetch(f"{base}/auth/reset/{TOKEN}") == 400  # a link that is no good
        assert fetch(f"{base}/calendar/{TOKEN}.ics") == 404
        assert fetch(f"{base}/nowhere/{TOKEN}?q={MARKER}") == 404
    finally:
        stop(process)
    log = access.read_text()
    assert MARKER not in log and TOKEN not in log
    assert "?" not in log
    assert '"GET /journal/search HTTP/1.1" 302 ' in log
    assert '"GET /auth/reset/<token> HTTP/1.1" 400 ' in log
    assert '"GET /calendar/<token>.ics HTTP/1.1" 404 ' in log
    assert '"GET /nowhere/<…> HTTP/1.1" 404 ' in log
    assert "127.0.0.1" not in log  # no addresses either
    assert log.count("ms\n") == 5  # each line ends with the duration, /healthz included


@pytest.mark.ticking_clock
@pytest.mark.one_instant
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_serve_migrates_and_runs_the_web_workers_and_the_scheduler(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        **pinned_env(),
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",  # rate limits in memory are refused with more workers
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "SECRET_KEY": "serve-test-secret",
        "CAREGIVER_ENCRYPTION_KEYS": KEY_A,
        "BASE_URL": "https://caregiver.example.org",
        "TRUSTED_HOSTS": "127.0.0.1",
    }
    output = tmp_path / "make-serve.out"
    with output.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 - fixed command
            ["make", "--no-print-directory", "serve"],  # noqa: S607
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        wait_until_up(url, process, output, seconds=120)
        deadline = time.monotonic() + 60
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local server
            health = json.load(response)
        while health["scheduler"] != "ok" and time.monotonic() < deadline:
            time.sleep(0.2)
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                health = json.load(response)
        assert health == {"status": "ok", "database": "ok", "scheduler": "ok"}
    finally:
        stop(process)
    assert '"GET /healthz HTTP/1.1" 200' in output.read_text()
