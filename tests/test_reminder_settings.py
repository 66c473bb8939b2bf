"""Reminder settings through the pages, one-click unsubscribe links, and the sign-up offer."""

from datetime import time
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from helpers import PASSWORD, log_in, submit

from caregiver import clock, security
from caregiver.auth.models import User
from caregiver.extensions import db
from caregiver.goals import services as goals
from caregiver.reminders import services
from caregiver.reminders.messages import unsubscribe_token
from caregiver.reminders.models import REMINDER_KINDS, ReminderPreference, ReminderSettings

pytestmark = pytest.mark.time_dependent

ZONE = ZoneInfo("America/Chicago")  # the test people's timezone
PAGE = "/account/reminders"
ALL_OFF = {"journal_at": "20:00", "quiet_from": "22:00", "quiet_until": "07:00"}


def rows(user_id, kind=None) -> list[ReminderPreference]:
    db.session.remove()  # read what the requests committed, not this session's old copies
    query = sa.select(ReminderPreference).where(ReminderPreference.user_id == user_id)
    if kind:
        query = query.where(ReminderPreference.kind == kind)
    return list(db.session.scalars(query.order_by(ReminderPreference.object_id)))


def save(client, expect=302, **fields):
    data = dict(ALL_OFF, **fields)
    response = submit(client, PAGE, data)
    assert response.status_code == expect, response.get_data(as_text=True)[:3000]
    return response


def one_click(token, client):
    return client.post(
        f"/unsubscribe/{token}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )


def test_visitors_are_sent_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_page_starts_with_everything_off_and_says_how_mail_looks(client, login):
    login()
    response = client.get(PAGE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    for text in (*REMINDER_KINDS.values(), "Quiet hours"):
        assert text in page
    assert "Your evening check-in" in page and "never mention what Caregiver is about" in page
    assert 'name="journal_on" type="checkbox" value="y">' in page  # off
    assert 'value="20:00"' in page and page.count('name="journal_days"') == 7
    assert page.count('name="journal_days" type="checkbox" value=') == 7
    assert page.count("checked") == 8  # every day, and quiet hours (on by default)
    assert 'value="22:00"' in page and 'value="07:00"' in page
    assert 'class="notice"' not in page
    account = client.get("/account").get_data(as_text=True)
    assert 'href="/account/reminders"' in account and "Reminder emails" in account


def test_turning_the_journal_nudge_on_and_off(client, login):
    user = login()
    days = ["0", "2", "4"]
    response = save(client, journal_on="y", journal_at="07:30", journal_days=days, quiet_on="y")
    assert response.headers["Location"] == PAGE
    [row] = rows(user.id, "journal")
    assert (row.local_time, row.weekdays, row.object_id) == (time(7, 30), "0,2,4", 0)
    local = row.next_due_at.astimezone(ZONE)
    assert row.next_due_at > clock.now() and local.time() == time(7, 30)
    assert local.weekday() in {0, 2, 4}
    page = client.get(PAGE).get_data(as_text=True)
    assert "Your reminder settings are saved." in page
    assert 'checked id="journal_on"' in page and 'value="07:30"' in page
    assert page.count('name="journal_days" type="checkbox" value=') == 7
    assert page.count("checked") == 5  # the switch, three days, quiet hours
    # Turning it off removes it; the page offers the time it had.
    save(client, journal_at="07:30", journal_days=days, quiet_on="y")
    assert rows(user.id, "journal") == []
    assert services.journal_nudge(user.id).on is False


def test_goal_reminders_follow_each_goals_own_time(client, login):
    user = login()
    goal_id = goals.create_goal(user, goals.GoalData("Walk 20 minutes", 7, time(9, 15))).id
    goals.create_goal(user, goals.GoalData("Call my sister", 3))  # no reminder time
    save(client, goal_on="y", quiet_on="y")
    saved = rows(user.id, "goal")
    assert [(r.object_id, r.local_time) for r in saved] == [(0, None), (goal_id, time(9, 15))]
    assert saved[1].next_due_at > clock.now()
    assert 'checked id="goal_on"' in client.get(PAGE).get_data(as_text=True)
    save(client, quiet_on="y")
    assert rows(user.id, "goal") == []


def test_the_sunday_summary_is_turned_on_and_off(client, login):
    user = login()
    save(client, weekly_on="y", quiet_on="y", quiet_from="22:00", quiet_until="07:00")
    (summary,) = rows(user.id, "weekly_summary")
    assert (summary.local_time, summary.weekdays) == (time(18, 0), "6")
    assert summary.next_due_at > clock.now()
    assert 'checked id="weekly_on"' in client.get(PAGE).get_data(as_text=True)
    save(client, quiet_on="y", quiet_from="22:00", quiet_until="07:00")
    assert rows(user.id, "weekly_summary") == []


def saved_quiet_hours(user_id):
    db.session.remove()
    quiet = db.session.get(ReminderSettings, user_id)
    return quiet.quiet_hours, quiet.quiet_from, quiet.quiet_until


def test_quiet_hours_are_saved(client, login):
    user = login()
    save(client, quiet_on="y", quiet_from="23:00", quiet_until="06:30")
    assert saved_quiet_hours(user.id) == (True, time(23, 0), time(6, 30))
    # Off, with the times left empty: the times are kept for next time.
    save(client, quiet_from="", quiet_until="")
    assert saved_quiet_hours(user.id) == (False, time(23, 0), time(6, 30))
    page = client.get(PAGE).get_data(as_text=True)
    assert 'value="23:00"' in page and 'value="06:30"' in page


def test_bad_input_is_explained_and_kept(client, login):
    user = login()
    response = save(client, 400, journal_on="y", journal_at="06:45", quiet_on="y")
    page = response.get_data(as_text=True)
    assert "Choose at least one day, or turn the nudge off." in page
    assert 'checked id="journal_on"' in page and 'value="06:45"' in page

    response = save(client, 400, journal_on="y", journal_at="25:99", journal_days=["5", "6"])
    page = response.get_data(as_text=True)
    assert "Enter a time like 20:00 (8 PM)." in page and 'value="25:99"' in page
    assert page.count("checked") == 3  # the switch and the two days chosen

    response = save(client, 400, journal_on="y", journal_at="", journal_days=["1"])
    assert "Choose a time for the nudge." in response.get_data(as_text=True)

    response = save(client, 400, quiet_on="y", quiet_from="21:00", quiet_until="21:00")
    page = response.get_data(as_text=True)
    assert "Quiet hours need an end time different from the start time." in page
    assert page.count('value="21:00"') == 2

    response = save(client, 400, journal_on="y", journal_days=["0", "9"])
    assert "Choose days from the list." in response.get_data(as_text=True)
    assert rows(user.id) == [] and db.session.get(ReminderSettings, user.id) is None


def test_a_switch_that_stays_off_needs_no_time(client, login):
    user = login()
    save(client, journal_at="", quiet_from="", quiet_until="", goal_on="y")
    assert [r.kind for r in rows(user.id)] == ["goal"]


def test_the_page_says_why_no_mail_can_arrive(client, login):
    user = login()
    db.session.execute(sa.update(User).where(User.id == user.id).values(email_verified_at=None))
    db.session.commit()
    page = client.get(PAGE).get_data(as_text=True)
    assert 'class="notice"' in page and "once you confirm your email address" in page
    db.session.execute(
        sa.update(User).where(User.id == user.id).values(email_verified_at=clock.now())
    )
    db.session.add(ReminderSettings(user_id=user.id, bounced_at=clock.now(), bounce_reason="550"))
    db.session.commit()
    assert "refused by your mail provider" in client.get(PAGE).get_data(as_text=True)


def nudge_and_goals(user):
    services.set_journal_nudge(user, True, time(20, 0), frozenset(range(7)))
    goals.create_goal(user, goals.GoalData("Walk 20 minutes", 7, time(9, 0)))
    services.set_goal_reminders(user, True)


def test_the_unsubscribe_link_shows_what_it_stops(app, make_user):
    user = make_user()
    nudge_and_goals(user)
    client = app.test_client()
    response = client.get(f"/unsubscribe/{unsubscribe_token(user.id, 'journal')}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Daily journal nudge" in page
    assert "Stop these emails" in page and 'method="post"' in page
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # nothing is stored for a visitor
    assert len(rows(user.id, "journal")) == 1  # looking at the page changes nothing


def test_one_click_unsubscribe_needs_no_cookie_or_csrf_token(app, make_user):
    user = make_user()
    nudge_and_goals(user)
    token = unsubscribe_token(user.id, "journal")
    for _ in range(2):  # the same press twice: done both times
        response = one_click(token, app.test_client())
        page = response.get_data(as_text=True)
        assert response.status_code == 200, page
        assert "Daily journal nudge" in page and 'href="/account/reminders"' in page
        assert rows(user.id, "journal") == []
    assert len(rows(user.id, "goal")) == 2  # other kinds keep coming
    # The settings page still demands a CSRF token.
    log_in(client := app.test_client(), user)
    assert client.post(PAGE, data=dict(ALL_OFF, goal_on="y")).status_code == 400


def test_a_broken_unsubscribe_link_changes_nothing(app, make_user):
    user = make_user()
    nudge_and_goals(user)
    token = unsubscribe_token(user.id, "goal")
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    other_purpose = security.make_token("verify", {"u": user.id, "k": "goal"})
    unknown_kind = security.make_token("unsubscribe", {"u": user.id, "k": "everything"})
    client = app.test_client()
    for bad in (tampered, other_purpose, unknown_kind, "nonsense"):
        shown = client.get(f"/unsubscribe/{bad}")
        pressed = one_click(bad, client)
        for response in (shown, pressed):
            page = response.get_data(as_text=True)
            assert response.status_code == 400, page
            assert "This link doesn't work" in page and "/auth/login" in page
    assert len(rows(user.id, "goal")) == 2 and len(rows(user.id, "journal")) == 1


def register(client, **extra):
    data = {
        "display_name": "Robin",
        "email": "new.person@example.org",
        "password": PASSWORD,
        "timezone": "America/Denver",
    }
    return submit(client, "/auth/register", dict(data, **extra))


def new_person() -> User:
    db.session.remove()
    return db.session.scalar(sa.select(User).where(User.email == "new.person@example.org"))


def test_sign_up_can_turn_on_the_evening_check_in(client, mailbox):
    page = client.get("/auth/register").get_data(as_text=True)
    assert "Email me a gentle daily check-in at 8:00 PM" in page
    assert 'name="daily_nudge" type="checkbox" value="y">' in page  # offered, not chosen
    assert register(client, daily_nudge="y").status_code == 302
    user = new_person()
    [row] = rows(user.id)
    assert (row.kind, row.local_time, row.weekdays) == ("journal", time(20, 0), "0,1,2,3,4,5,6")
    local = row.next_due_at.astimezone(ZoneInfo("America/Denver"))
    assert row.next_due_at > clock.now() and local.time() == time(20, 0)
    # Nothing reaches the address until it is confirmed.
    assert services.why_no_mail(user) is not None


def test_sign_up_without_the_offer_leaves_everything_off(app, client, mailbox):
    assert register(client).status_code == 302
    user = new_person()
    assert rows(user.id) == [] and db.session.get(ReminderSettings, user.id) is None
    # Signing up again with a known address, now with the box ticked, changes nothing.
    assert register(app.test_client(), daily_nudge="y").status_code == 302
    assert rows(user.id) == []
