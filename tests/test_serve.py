"""Production serving: gunicorn with gunicorn.conf.py keeps private words and tokens out of its
access log, and `make serve` migrates, then runs the web workers and the scheduler."""

import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import served
from helpers import KEY_A, free_port
from pinned_clock import pinned_env

from caregiver.access_log import masked_path

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
        cwd=served.ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    access = tmp_path / "access.log"
    output = tmp_path / "gunicorn.out"
    command = [BIN / "gunicorn", "-c", "gunicorn.conf.py", "--access-logfile", access, "wsgi:app"]
    process = served.start(command, env, output)
    base = f"http://127.0.0.1:{port}"
    try:
        served.answer(base + "/healthz", process, output)
        referer = {"Referer": f"{base}/journal/search?q={MARKER}"}
        assert fetch(f"{base}/journal/search?q={MARKER}", referer) == 302  # to the log-in page
        assert fetch(f"{base}/auth/reset/{TOKEN}") == 400  # a link that is no good
        assert fetch(f"{base}/calendar/{TOKEN}.ics") == 404
        assert fetch(f"{base}/nowhere/{TOKEN}?q={MARKER}") == 404
    finally:
        served.stop(process)
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
    process = served.start(["make", "--no-print-directory", "serve"], env, output)
    try:
        health = served.health_once_scheduled(f"http://127.0.0.1:{port}", process, output)
        assert health == {"status": "ok", "database": "ok", "scheduler": "ok"}
    finally:
        served.stop(process)
    log = output.read_text()
    assert '"GET /healthz HTTP/1.1" 200' in log
    # The worker set its loaded app (some 180,000 objects) aside from garbage collection
    # (gunicorn.conf.py).
    frozen = re.search(r"Worker \d+: (\d+) objects of the loaded app set aside", log)
    assert frozen is not None and int(frozen.group(1)) > 10_000
