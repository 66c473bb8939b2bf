"""Every kind of mail the app sends, in Spanish for a person who chose it.

Each kind goes out twice through the real outbox and mail server: to a person who reads English
and to one who reads Spanish. The Spanish one has its own subject (as discreet as the English:
no word of the topic) and none of the English one's sentences, and its HTML says lang="es".
Reminder mail is read in Spanish by tests/test_i18n_careplan_reminders.py, every kind of it.
"""

import re
from datetime import time, timedelta

import pytest
from group_helpers import make_group, make_meeting
from helpers import today
from spanish_pages import assert_one_stop

from caregiver.auth import account_mail, security_log
from caregiver.extensions import db
from caregiver.groups import alerts, attendance
from caregiver.groups import changes as date_changes
from caregiver.reminders import jobs

TOPIC = re.compile(r"addict|drug|opioid|heroin|recover|overdose|adicci|droga|opioide|recuper", re.I)


def sent(app, mailbox, address: str):
    """The last mail to ``address`` after the scheduler delivered what was queued."""
    app.config["BASE_URL"] = "http://localhost"  # the scheduler's links, outside a request
    jobs.deliver_all()
    return mailbox.last_to(address)


def sentences(text: str) -> set[str]:
    """The English mail's own sentences: long enough that a name or a number is not one, and
    not a link."""
    found = {s.strip() for s in re.split(r"[.\n:!?]", text) if len(s.strip()) > 24}
    return {s for s in found if "//" not in s}


def assert_spanish_twin(english, spanish, written=""):
    """``written``: what a person wrote, the same in both."""
    assert spanish["Subject"] != english["Subject"], english["Subject"]
    assert not TOPIC.search(str(spanish["Subject"])), spanish["Subject"]
    for part in ("plain", "html"):
        theirs = english.get_body((part,)).get_content()
        ours = spanish.get_body((part,)).get_content()
        left = [
            s for s in sentences(re.sub(r"<[^>]+>", "\n", theirs)) if s in ours and s not in written
        ]
        assert not left, f"{spanish['Subject']}: English left in the {part} part: {left}"
        assert_one_stop(ours)
    assert '<html lang="es">' in spanish.get_body(("html",)).get_content()


@pytest.fixture
def twins(make_user):
    """Two people alike but for the language they read."""
    english = make_user(email="sam@example.org", name="Sam")
    spanish = make_user(email="sara@example.org", name="Sara")
    spanish.language = "es"
    db.session.commit()
    return english, spanish


@pytest.mark.parametrize("kind", sorted(account_mail.ACCOUNT_KINDS))
def test_every_kind_of_account_mail_speaks_spanish(app, mailbox, twins, kind):
    received = []
    for person in twins:
        event = security_log.record(person.id, "two_step_on")
        address = person.email
        if kind == "verify_email":
            person.email_verified_at = None  # only an address not yet confirmed is asked
        if kind == "confirm_new_email":
            address = "new-" + person.email  # the link goes to the address being added
        db.session.commit()
        account_mail.send(kind, person, to_address=address, object_id=event.id)
        db.session.commit()
        received.append(sent(app, mailbox, address))
    assert all(received), f"{kind} was not sent"
    assert_spanish_twin(*received)


def test_group_notices_speak_spanish(app, mailbox, twins, make_user):
    facilitator = make_user(role="facilitator", name="Dana")
    group = make_group(facilitator)
    meeting = make_meeting(group)
    for person in twins:
        attendance.follow(person, group)
    db.session.commit()

    written = "El estacionamiento está cerrado."
    alerts.message_followers(group, facilitator, written)
    db.session.commit()
    notes = [sent(app, mailbox, person.email) for person in twins]
    assert_spanish_twin(*notes, written=written)

    tuesday = next(
        today() + timedelta(days=n)
        for n in range(1, 8)
        if (today() + timedelta(days=n)).weekday() == 1
    )
    change = date_changes.cancel_occurrence(meeting, tuesday, "Cerrado por el feriado")
    alerts.date_changed(meeting, "cancelled", change.on_day, change.note)
    db.session.commit()
    changed = [sent(app, mailbox, person.email) for person in twins]
    assert_spanish_twin(*changed, written=f"Cerrado por el feriado {meeting.name}")

    # A new time and place for the whole series, as a facilitator's edit tells it.
    alerts.meeting_changed(meeting, ["time", "place"], None, today())
    db.session.commit()
    moved = [sent(app, mailbox, person.email) for person in twins]
    assert_spanish_twin(*moved, written=meeting.name)
    assert (
        "now has a new day or time and a new place." in moved[0].get_body(("plain",)).get_content()
    )
    assert (
        "ahora tiene otro día u otra hora y otro lugar."
        in moved[1].get_body(("plain",)).get_content()
    )

    # One date moved to the next evening: both dates end with their times in either language.
    later = tuesday + timedelta(weeks=1)
    change = date_changes.move_occurrence(
        meeting, later, later + timedelta(days=1), time(18, 30), time(20, 0), ""
    )
    alerts.date_changed(meeting, "moved", later, "", change.new_day, change.new_start)
    db.session.commit()
    one_date = [sent(app, mailbox, person.email) for person in twins]
    assert_spanish_twin(*one_date, written=meeting.name)
    english, spanish = (mail.get_body(("plain",)).get_content() for mail in one_date)
    assert "meeting moves to Wednesday" in english and "6:30 PM." in english
    assert "se cambia al miércoles" in spanish and "6:30 p.m., solo por esa vez." in spanish
