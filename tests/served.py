"""Tests that start the app as a real server process: start it, wait for it to answer, stop it."""

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start(command: list, env: dict, output: Path) -> subprocess.Popen:
    """Run ``command`` from the project's folder in its own process group, its output kept in
    ``output`` (a file, so a failure can show it)."""
    with output.open("w") as out:
        return subprocess.Popen(  # noqa: S603 - the tests' own fixed commands
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def answer(url: str, process: subprocess.Popen, output: Path, seconds: float = 90) -> bytes:
    """The body at ``url`` once the server answers; fails with the process's output when it
    exits or does not answer in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode}:\n{output.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local server
                return response.read()
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in time:\n{output.read_text()}")


def health_once_scheduled(base: str, process: subprocess.Popen, output: Path) -> dict:
    """/healthz once the scheduler started beside the server has beaten (it does as soon as its
    first jobs run), or as it stands after two minutes."""
    deadline = time.monotonic() + 120
    health = json.loads(answer(base + "/healthz", process, output, 120))
    while health["scheduler"] != "ok" and time.monotonic() < deadline:
        time.sleep(0.2)
        health = json.loads(answer(base + "/healthz", process, output, 10))
    return health


def stop(process: subprocess.Popen) -> None:
    """Stop the server and everything it started (the scheduler beside it)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
