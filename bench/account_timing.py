"""Does a page that answers the same for every address also take the same time?

Password reset, a new confirmation link and sign-up are asked for with an address that has an
account and with one that has none, in a random (seeded) interleaving, against a real HTTP server
with a real SMTP server behind it. Each sample is the time until the whole response has arrived;
the mail for a known address is sent after that, so the bench waits for it before the next
sample. The table shows the two medians, their ratio (budget: under 1.25 either way) and the
two-sided p-value of a Mann-Whitney U test (a small p-value would mean the two differ).
"""

import http.client
import math
import random
import statistics
import time
from urllib.parse import urlencode

import sqlalchemy as sa

from bench import BENCH_KEY, BENCH_SECRET, Row
from bench.live_server import LiveServer
from bench.reminders import smtp_sink
from caregiver import create_app
from caregiver.auth import services as auth_services
from caregiver.extensions import db
from caregiver.outbox.models import PENDING, OutboxMessage

SAMPLES = 60  # of each kind, after a few untimed warm-ups
LIMIT = 1.25
PASSWORD = "a long bench passphrase"  # noqa: S105 - throwaway data


def mann_whitney_p(first: list[float], second: list[float]) -> float:
    """Two-sided p-value of the Mann-Whitney U test (normal approximation, ties corrected)."""
    values = sorted([(v, 0) for v in first] + [(v, 1) for v in second])
    ranks, index, ties = [0.0] * len(values), 0, 0.0
    while index < len(values):
        end = index
        while end + 1 < len(values) and values[end + 1][0] == values[index][0]:
            end += 1
        for position in range(index, end + 1):
            ranks[position] = (index + end) / 2 + 1
        size = end - index + 1
        ties += size**3 - size
        index = end + 1
    n1, n2 = len(first), len(second)
    u = sum(rank for rank, (_v, group) in zip(ranks, values, strict=True) if group == 0)
    u -= n1 * (n1 + 1) / 2
    n = n1 + n2
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    z = (abs(u - n1 * n2 / 2) - 0.5) / sigma
    return math.erfc(max(z, 0) / math.sqrt(2))


class _Server(LiveServer):
    def post_ms(self, path: str, fields: dict) -> float:
        body = urlencode(fields)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Host": "127.0.0.1"}
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            start = time.perf_counter()
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            took = (time.perf_counter() - start) * 1000
        finally:
            connection.close()
        assert response.status == 302, (path, response.status)  # noqa: S101 - a bench sanity check
        return took


def _mail_settled(app) -> None:
    """Wait until no account mail is waiting: the one a sample asked for has been sent."""
    deadline = time.monotonic() + 10
    with app.app_context():
        while time.monotonic() < deadline:
            waiting = db.session.scalar(
                sa.select(sa.func.count()).where(OutboxMessage.status == PENDING)
            )
            db.session.rollback()
            if not waiting:
                return
            time.sleep(0.002)
    raise RuntimeError("account mail was not sent within 10 s")


def _compare(database, app, server, path: str, known_address: str, form) -> Row:
    """Time ``path`` for ``known_address`` against a new unknown address each time."""

    def ask(known: bool, number: int) -> float:
        address = known_address if known else f"nobody{number}@bench.example"
        took = server.post_ms(path, form(address))
        _mail_settled(app)
        return took

    order = [True] * SAMPLES + [False] * SAMPLES
    random.Random(19).shuffle(order)
    for number, known in enumerate((True, False, True, False)):  # warm-up: SQL, templates
        ask(known, -1 - number)
    samples = {True: [], False: []}
    for number, known in enumerate(order):
        samples[known].append(ask(known, number))
    known_ms, unknown_ms = statistics.median(samples[True]), statistics.median(samples[False])
    ratio = max(known_ms, unknown_ms) / min(known_ms, unknown_ms)
    failed = ratio >= LIMIT
    return Row(
        f"POST {path} known vs unknown",
        database,
        n=SAMPLES,
        median_ms=known_ms,
        budget=f"ratio < {LIMIT:.2f}",
        verdict=f"{ratio:.2f} {'FAIL' if failed else 'ok'}",
        failed=failed,
        notes=(
            f"known {known_ms:.1f} ms, unknown {unknown_ms:.1f} ms; "
            f"Mann-Whitney p = {mann_whitney_p(samples[True], samples[False]):.2f}"
        ),
    )


def run(base_app, database: str) -> list[Row]:
    with smtp_sink() as port:
        app = create_app(
            {
                "INSTANCE_PATH": base_app.instance_path,
                "ENV_VARS": {
                    "SECRET_KEY": BENCH_SECRET,
                    "CAREGIVER_ENCRYPTION_KEYS": BENCH_KEY,
                    "SMTP_HOST": "127.0.0.1",
                    "SMTP_PORT": str(port),
                    "SMTP_SECURITY": "none",
                },
                "SQLALCHEMY_DATABASE_URI": base_app.config["SQLALCHEMY_DATABASE_URI"],
                "RATELIMIT_ENABLED": False,
                "WTF_CSRF_ENABLED": False,
            }
        )
        with app.app_context():
            known = auth_services.create_user(
                "known@bench.example", "Known", PASSWORD, "America/Chicago", verified=True
            ).email
            waiting = auth_services.create_user(
                "waiting@bench.example", "Waiting", PASSWORD, "America/Chicago"
            ).email
        try:
            with _Server(app) as server:
                # (page, the address that has an account, the form for an address) per scenario
                scenarios = (
                    ("/auth/reset", known, _address_only),
                    ("/auth/resend", waiting, _address_only),
                    ("/auth/register", known, _sign_up),
                )
                return [
                    _compare(database, app, server, path, address, form)
                    for path, address, form in scenarios
                ]
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def _address_only(email: str) -> dict:
    return {"email": email}


def _sign_up(email: str) -> dict:
    return {
        "email": email,
        "display_name": "Sam",
        "password": PASSWORD,
        "timezone": "America/Chicago",
    }
