"""Rotating the master key while two web workers run on one database: the rolling procedure in
docs/deployment.md ("Rotating the encryption keys") keeps every entry readable, and writable,
on both workers at every step, and skipping its first step is what breaks."""

import pytest
import sqlalchemy as sa
from helpers import KEY_A, KEY_B, log_in, make_test_app, submit, today

from caregiver import create_app, crypto
from caregiver.config import ConfigError
from caregiver.extensions import db

OLD, NEW = KEY_A, KEY_B
SESSION_COOKIE = "caregiver_session"


class Fleet:
    """Web workers sharing one database, each restarted on its own with a new key list (a
    rolling restart), and one browser per person that the load balancer sends to any of them."""

    def __init__(self, database_url, tmp_path, smtp_port, make_user):
        self.database_url, self.tmp_path, self.smtp_port = database_url, tmp_path, smtp_port
        self.make_user = make_user
        self.workers = {}
        self.restarts = 0
        self.entries = {}  # a person's email -> the words of every entry they wrote
        self.sessions = {}  # a person's email -> their session cookie
        self.people = {}

    def start(self, name: str, *keys: str):
        """(Re)start one worker with this key list, newest first."""
        self.stop(name)
        self.restarts += 1
        self.workers[name] = make_test_app(
            self.database_url,
            self.tmp_path / f"{name}-{self.restarts}",
            self.smtp_port,
            ENV_VARS={"CAREGIVER_ENCRYPTION_KEYS": ",".join(keys)},
        )
        return self.workers[name]

    def stop(self, name: str) -> None:
        worker = self.workers.pop(name, None)
        if worker is not None:
            with worker.app_context():
                db.engine.dispose()

    def browser(self, name: str, email: str):
        """The person's browser, sent to worker ``name``; it signs in on the first worker it
        meets, and its session cookie works on every worker (sessions are rows)."""
        client = self.workers[name].test_client()
        if email not in self.sessions:
            log_in(client, email)
            self.sessions[email] = client.get_cookie(SESSION_COOKIE).value
        else:
            client.set_cookie(SESSION_COOKIE, self.sessions[email])
        return client

    def newcomer(self, name: str) -> str:
        """A new person whose first entry, written on worker ``name``, makes their data key."""
        email = self.make_user().email
        self.entries[email] = []
        self.write(name, email)
        return email

    def write(self, name: str, email: str) -> None:
        words = f"Rollout note {sum(map(len, self.entries.values()))} written on {name}"
        fields = {"body": words, "title": "", "mood": "", "tags": ""}
        fields |= {"entry_date": today().isoformat(), "entry_time": "21:30"}
        saved = submit(self.browser(name, email), "/journal/new", fields)
        assert saved.status_code == 302, f"{name} could not save an entry for {email}"
        self.entries[email].append(words)

    def unread(self) -> list[tuple[str, str]]:
        """(worker, entry) for every entry some worker cannot open for its owner."""
        missed = []
        for name in self.workers:
            for email, written in self.entries.items():
                page = self.browser(name, email).get("/journal/").get_data(as_text=True)
                missed += [(name, words) for words in written if words not in page]
                if crypto.UNREADABLE_NOTICE in page:
                    missed.append((name, crypto.UNREADABLE_NOTICE))
        return missed

    def everyone_writes_everywhere(self) -> None:
        """A newcomer on each worker, then each of them writes on the other worker too."""
        names = list(self.workers)
        for name, other in zip(names, names[1:] + names[:1], strict=True):
            self.write(other, self.newcomer(name))

    def run(self, *args: str) -> str:
        """A one-off command run with the newest key list (``flask keys rotate``)."""
        operator = self.start("operator", NEW, OLD)
        with operator.app_context():
            result = operator.test_cli_runner().invoke(args=list(args))
            db.session.remove()
        self.stop("operator")
        assert result.exit_code == 0, result.output
        return result.output


@pytest.fixture
def fleet(app, database_url, tmp_path, smtp_server, make_user):
    controller, _inbox = smtp_server
    workers = Fleet(database_url, tmp_path, controller.port, make_user)
    workers.start("web1", OLD)
    workers.start("web2", OLD)
    workers.everyone_writes_everywhere()
    yield workers
    for name in list(workers.workers):
        workers.stop(name)


def key_ids() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(sa.select(crypto.DataKey.master_key_id)))


def test_the_rolling_procedure_keeps_every_entry_readable_on_every_worker_at_every_step(fleet):
    old_id, new_id = (crypto.parse_master_keys(key)[0].id for key in (OLD, NEW))
    steps = [
        # 1. The new key at the END of the list, one worker after the other: nothing uses it yet.
        ("web1", (OLD, NEW)),
        ("web2", (OLD, NEW)),
        # 2. The new key FIRST: new data keys are wrapped with it, which every worker can open.
        ("web1", (NEW, OLD)),
        ("web2", (NEW, OLD)),
    ]
    for name, keys in steps:
        fleet.start(name, *keys)  # the other worker still runs with the list before
        fleet.everyone_writes_everywhere()
        assert fleet.unread() == [], f"after restarting {name} with {len(keys)} keys"
    assert key_ids() == {old_id, new_id}
    # 3. Re-wrap every data key with the new key, stopped half-way and then finished.
    assert "still under older keys" in fleet.run("keys", "rotate", "--limit", "2")
    assert fleet.unread() == []
    fleet.everyone_writes_everywhere()
    assert "0 still under older keys" in fleet.run("keys", "rotate")
    assert key_ids() == {new_id}
    assert fleet.unread() == []
    # 4. The old key dropped, one worker after the other.
    for name in ("web1", "web2"):
        fleet.start(name, NEW)
        fleet.everyone_writes_everywhere()
        assert fleet.unread() == [], f"after dropping the old key on {name}"


def test_putting_the_new_key_first_without_step_1_leaves_old_workers_unable_to_read(fleet):
    fleet.start("web1", NEW, OLD)  # straight to new-first on one worker; web2 knows only OLD
    assert fleet.unread() == []  # what was there is still under the old key...
    newcomer = fleet.newcomer("web1")  # ...but a new data key is wrapped with the new one
    page = fleet.browser("web2", newcomer).get("/journal/").get_data(as_text=True)
    assert crypto.UNREADABLE_NOTICE in page
    assert fleet.entries[newcomer][0] not in page
    assert fleet.unread() == [
        ("web2", fleet.entries[newcomer][0]),
        ("web2", crypto.UNREADABLE_NOTICE),
    ]
    # A worker restarted with the old list now refuses to start, and says which key it lacks.
    env = {
        "CAREGIVER_ENV": "production",
        "SECRET_KEY": "s" * 64,
        "BASE_URL": "https://caregiver.example",
        "WEB_CONCURRENCY": "1",
        "DATABASE_URL": fleet.database_url,
        "CAREGIVER_ENCRYPTION_KEYS": OLD,
    }
    new_id = crypto.parse_master_keys(NEW)[0].id
    with pytest.raises(ConfigError, match=f"lacks the master key.* {new_id}, "):
        create_app({"INSTANCE_PATH": str(fleet.tmp_path / "production"), "ENV_VARS": env})
