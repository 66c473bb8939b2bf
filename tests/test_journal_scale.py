"""A long journal costs what a short one does: opening many sealed values at once, search that
finds exactly what opening each entry would, and pages whose SQL does not grow with the journal."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from helpers import count_queries, count_statements, log_in, submit, today

from caregiver import crypto
from caregiver.extensions import db
from caregiver.journal import prompts, search, services
from caregiver.journal.models import JournalEntry

pytestmark = pytest.mark.one_instant
TABLE = JournalEntry.__tablename__


def add(user, bodies, titles=None, tags=None, prompt_key=None):
    """Write one entry per body through the service, a minute apart, newest last."""
    start = datetime.combine(today() - timedelta(days=30), time(8, 0), UTC)
    made = []
    for n, body in enumerate(bodies):
        moment = start + timedelta(minutes=n)
        data = services.EntryData(
            body=body,
            title=(titles or {}).get(n, ""),
            tags=(tags or {}).get(n, []),
            entry_date=moment.date(),
            entry_time=moment.time(),
            prompt_key=prompt_key,
        )
        made.append(services.add_entry(user, data))
    db.session.commit()
    return made


# Opening sealed values in bulk ---------------------------------------------------------------


def test_unseal_many_opens_what_seal_wrote_in_order(app, make_user):
    user = make_user()
    texts = {11: "first", 12: "", 13: "Ünïcode ✓ and a ſ", 14: "x" * 5_000}
    sealed = [
        (row_id, crypto.seal(user.id, TABLE, "body_sealed", row_id, text))
        for row_id, text in texts.items()
    ]
    assert crypto.unseal_many(user.id, TABLE, "body_sealed", sealed) == list(texts.values())
    assert crypto.unseal_many(user.id, TABLE, "body_sealed", []) == []


def test_unseal_many_refuses_a_value_moved_to_another_place(app, make_user):
    user, other = make_user(), make_user()
    mine = crypto.seal(user.id, TABLE, "body_sealed", 21, "private words")
    theirs = crypto.seal(other.id, TABLE, "body_sealed", 21, "their words")
    tampered = bytearray(mine)
    tampered[-1] ^= 1
    opened = crypto.unseal_many(
        user.id,
        TABLE,
        "body_sealed",
        [
            (21, mine),  # its own place
            (22, mine),  # moved to another row
            (21, theirs),  # another person's value under this owner
            (21, bytes(tampered)),
            (21, None),
            (21, b"\x01short"),
            (21, b"\x09" + mine[1:]),  # an unknown format
            (21, mine[:5].replace(b"\x00\x00\x00\x01", b"\x00\x00\x00\x09") + mine[5:]),
        ],
    )
    assert opened == ["private words", None, None, None, None, None, None, None]
    # The same value under another column, or opened for the other person, fails too.
    assert crypto.unseal_many(user.id, TABLE, "title_sealed", [(21, mine)]) == [None]
    assert crypto.unseal_many(other.id, TABLE, "body_sealed", [(21, mine)]) == [None]
    assert crypto.unseal_many(other.id, TABLE, "body_sealed", [(21, theirs)]) == ["their words"]


# Search finds what opening each entry would ---------------------------------------------------


def search_by_opening_each_entry(user_id, query):
    """The plain way: open every live entry, join its texts, and match them one by one."""
    terms = search.terms_of(query)
    patterns = [re.compile(re.escape(t), re.IGNORECASE) for t in terms]
    anything = re.compile("|".join(p.pattern for p in patterns), re.IGNORECASE)
    rows = db.session.scalars(
        sa.select(JournalEntry)
        .where(JournalEntry.user_id == user_id, JournalEntry.deleted_at.is_(None))
        .order_by(JournalEntry.written_at.desc(), JournalEntry.id.desc())
    ).all()
    total, hits = 0, []
    for entry in services.open_entries(user_id, rows, every=True):
        haystack = "\n".join([entry.title, entry.body, *(name for _id, name in entry.tags)])
        if entry.unreadable or not all(p.search(haystack) for p in patterns):
            continue
        total += 1
        if len(hits) < search.SHOW_AT_MOST:
            tags = [(tag_id, search.highlight(name, anything)) for tag_id, name in entry.tags]
            hits.append(
                (
                    entry,
                    search.highlight(entry.title, anything),
                    search.snippet(entry.body, anything),
                    tags,
                )
            )
    return total, hits


QUERIES = [
    "car",
    "CAR keys",
    '"car keys" argued',
    "keys",  # the Kelvin sign and ſ in some bodies match k and s as re.IGNORECASE says
    "ſ",
    "is",
    "café",
    "İstanbul",
    "trouble",  # only in a tag on most entries
    "sunday car",
    "zebra",
    "e",  # nearly everything: more hits than are shown
    "\u2019",
    "ok\u2019d",
]


def test_search_finds_what_opening_each_entry_finds(app, make_user):
    user = make_user()
    plain = [
        "We argued about the car keys again.",
        "Slept well, nothing about the CAR.",
        "The Car Keys were in the fridge; we argued, then laughed.",
        "Nothing to do with it.",
    ]
    unusual = [
        "He said it was ok\u2019d by the counselor, the car is fine.",
        "Kelvin \u212aeys and long \u017fun: do they count as keys?",
        "Caf\u00e9 with mom in \u0130stanbul, then a car ride \U0001f697",
        "ISTANBUL in capitals; a KEY under the mat.",
    ]
    bodies = [*plain, *unusual] * 8 + ["Some entry about nothing in particular."] * 12
    titles = {0: "Sunday", 5: "About the car", 9: "ſunday", 30: "Keys"}
    tags = {n: ["Car trouble"] for n in range(1, len(bodies), 7)}
    tags.update({n: ["family", "trouble"] for n in range(3, len(bodies), 11)})
    entries = add(user, bodies, titles, tags)
    entries[6].deleted_at = entries[6].written_at  # deleted: never found
    broken = bytearray(entries[8].body_sealed)
    broken[-1] ^= 1
    entries[8].body_sealed = bytes(broken)  # cannot be opened: left out, as before
    db.session.commit()
    other = make_user()
    add(other, ["Another person's car keys."])
    for query in QUERIES:
        total, expected = search_by_opening_each_entry(user.id, query)
        found = search.search(user.id, query)
        assert found.terms == search.terms_of(query)
        assert found.total == total, query
        assert [(h.entry, h.title, h.snippet, h.tags) for h in found.hits] == expected, query
    assert search.search(user.id, "e").total > search.SHOW_AT_MOST  # the cut-off was tested


# Statements do not grow with the journal ----------------------------------------------------


def statements_for_pages(app, person, entry_id):
    client = app.test_client()
    log_in(client, person)
    client.get("/dashboard")  # warm up: the session's last-seen time may be written once
    pages = {
        "list": "/journal/",
        "dashboard": "/dashboard",
        "entry": f"/journal/{entry_id}",
        "export": "/journal/export",
    }
    counts = {name: count_queries(client, url) for name, url in pages.items()}
    submit(client, "/journal/search", {"q": "family entry"})  # warm up the form's page
    counts["search"], response = count_statements(
        lambda: submit(client, "/journal/search", {"q": "family entry"})
    )
    assert response.status_code == 200
    return counts, response.get_data(as_text=True)


def test_pages_and_search_run_as_many_statements_for_2000_entries_as_for_20(app, make_user):
    short, long = make_user(), make_user()
    results = []
    for person, n in ((short, 20), (long, 2_000)):
        tags = {k: ["family"] for k in range(0, n, 10)}
        made = add(person, [f"entry {k}" for k in range(n)], tags=tags)
        counts, html = statements_for_pages(app, person, made[-1].id)
        results.append(counts)
        assert html.count("entry-card") == min(search.SHOW_AT_MOST, n // 10)
    assert results[0] == results[1], results


def test_the_list_shows_its_filters_only_when_there_are_live_entries(client, login):
    user = login()
    assert "Filter entries" not in client.get("/journal/").get_data(as_text=True)
    (entry,) = add(user, ["only one"])
    assert "Filter entries" in client.get("/journal/").get_data(as_text=True)
    assert services.count_entries(user.id) == 1 and services.has_entries(user.id)
    services.delete_entry(entry)
    assert "Filter entries" not in client.get("/journal/").get_data(as_text=True)
    assert services.count_entries(user.id) == 0 and not services.has_entries(user.id)


def test_the_prompt_answered_last_is_found_in_the_index_of_answered_entries(app, make_user):
    # Two indexes once served a read ordered by the entries' day, and SQLite, with no statistics,
    # took whichever was made first: the live one meant walking every entry. Ordered by
    # creation, only the index of answered entries serves it (PostgreSQL goes by statistics).
    user = make_user()
    add(user, ["plain"] * 5)
    key = prompts.for_day(user.id, today()).key
    add(user, ["answered"], prompt_key=key)
    assert prompts.recently_answered(user.id, today()) == {key}
    if db.engine.dialect.name != "sqlite":
        return
    compiled = prompts._ANSWERED.compile(db.engine)
    values = {**compiled.params, "user_id": user.id, "day": today().isoformat()}
    found = db.session.connection().exec_driver_sql(
        f"EXPLAIN QUERY PLAN {compiled}", tuple(values[name] for name in compiled.positiontup)
    )
    plan = " | ".join(row[3] for row in found)
    assert "INDEX ix_journal_entries_answered_owner (user_id=?)" in plan, plan
    assert "live_owner" not in plan, plan


def test_the_prompt_answered_last_is_the_one_written_last_whatever_its_day(app, make_user):
    user = make_user()
    first, second = prompts.for_day(user.id, today()).key, prompts.for_day(user.id, today(), 1).key
    add(user, ["about this morning"], prompt_key=first)
    # Then, about a day weeks back: that answer was given last, so it is the one kept back.
    entry = services.EntryData(
        body="about last month",
        entry_date=today() - timedelta(days=40),
        entry_time=time(9, 0),
        prompt_key=second,
    )
    services.add_entry(user, entry)
    db.session.commit()
    assert prompts.recently_answered(user.id, today() + timedelta(days=1)) == {second}
