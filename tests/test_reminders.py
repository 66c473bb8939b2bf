"""Reminder emails end to end: the planner and the deliverer driven by moving the pinned clock,
a real SMTP server receiving the mail, on SQLite and PostgreSQL.

Every date comes from the pinned instant (the next Monday after it, the next clock change after
it); only the pure time-math tests name calendar dates of their own."""

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from helpers import PASSWORD, link_in, log_in, next_local, raw_values, submit, today
from pinned_clock import clock_change_day

from caregiver import clock, outbox
from caregiver.extensions import db
from caregiver.goals import services as goal_services
from caregiver.outbox.models import FAILED, PENDING, SENT, SKIPPED, OutboxMessage
from caregiver.reminders import jobs, meeting_preferences, planner, schedule, services, time_words
from caregiver.reminders.models import ReminderPreference, ReminderSettings

EVERY_DAY = frozenset(range(7))
PICKUP = timedelta(seconds=30)  # the scheduler ticks every 30 s at most
DISCREET_SUBJECTS = {
    "Your morning check-in",
    "Your afternoon check-in",
    "Your evening check-in",
    "Your check-in",
}
WORDS_NEVER_IN_MAIL = ("addict", "opioid", "heroin", "drug", "overdose", "relapse", "loved one")
CHICAGO = ZoneInfo("America/Chicago")

pytestmark = pytest.mark.time_dependent


@pytest.fixture
def reminders_app(app):
    app.config["BASE_URL"] = "https://caregiver.example"
    return app


def sent_rows():
    return db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.status == SENT).order_by(OutboxMessage.id)
    ).all()


def drive(pinned_clock, start: datetime, end: datetime) -> int:
    """Run the scheduler's work at each moment something falls due, up to ``end``, with the
    clock moved to that moment; how many runs that took."""
    now, ticks = start, 0
    while True:
        due = db.session.scalar(sa.select(sa.func.min(ReminderPreference.next_due_at)))
        if due is None or due > end:
            return ticks
        now = max(now, due + PICKUP)
        pinned_clock.move_to(now)
        jobs.run_once()
        ticks += 1


@pytest.fixture
def monday(pinned_clock) -> datetime:
    """12:00 UTC on the first Monday after the pinned instant; the clock is moved there."""
    start = next_local(time(12, 0), UTC, weekday=0)
    pinned_clock.move_to(start)
    return start


def person_with_nudge(make_user, zone: str, at: time, email: str, start: datetime):
    person = make_user(email=email)
    person.timezone = zone
    db.session.commit()
    services.set_journal_nudge(person, True, at, EVERY_DAY, now=start)
    return person


# Time math ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected_local", "expected_offset_hours"),
    [
        # Spring forward: a time in the gap moves to the first minute after it.
        ("America/Los_Angeles", date(2026, 3, 8), time(2, 30), time(3, 0), -7),
        ("Europe/London", date(2026, 3, 29), time(1, 30), time(2, 0), 1),
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 15), time(2, 30), 11),
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 30), time(2, 30), 11),
        # Fall back: a time that happens twice is the first one.
        ("America/Los_Angeles", date(2026, 11, 1), time(1, 30), time(1, 30), -7),
        ("Europe/London", date(2026, 10, 25), time(1, 30), time(1, 30), 1),
        ("Australia/Lord_Howe", date(2026, 4, 5), time(1, 45), time(1, 45), 11),
        ("Asia/Kolkata", date(2026, 3, 8), time(2, 30), time(2, 30), 5.5),
    ],
)
def test_local_instant_across_daylight_saving(zone, day, at, expected_local, expected_offset_hours):
    instant = schedule.local_instant(day, at, ZoneInfo(zone))
    local = instant.astimezone(ZoneInfo(zone))
    assert (local.date(), local.time()) == (day, expected_local)
    assert local.utcoffset() == timedelta(hours=expected_offset_hours)


@pytest.mark.parametrize(
    ("hour", "minute", "words"),
    [(2, 54, ""), (4, 59, ""), (5, 0, "morning"), (11, 59, "morning"), (12, 0, "afternoon"),
     (16, 59, "afternoon"), (17, 0, "evening"), (21, 59, "evening"), (22, 0, ""), (0, 0, "")],
)  # fmt: skip
def test_the_part_of_the_day_a_subject_names(hour, minute, words):
    assert time_words.part_of_day(datetime(2026, 11, 24, hour, minute, tzinfo=CHICAGO)) == words


@pytest.mark.parametrize(
    ("now", "words"),
    [((25, 19, 0), "in 1 minute"), ((25, 18, 41), "in 20 minutes"),
     ((25, 18, 0), "in about an hour"), ((25, 7, 0), "later today"), ((24, 19, 0), "tomorrow"),
     ((24, 2, 54), "tomorrow"), ((23, 19, 0), "on Wednesday")],
)  # fmt: skip
def test_how_soon_a_meeting_is_from_the_moment_the_mail_goes(now, words):
    day, hour, minute = now
    start = datetime(2026, 11, 25, 19, 0, 30, tzinfo=CHICAGO)  # a Wednesday
    sent = datetime(2026, 11, day, hour, minute, tzinfo=CHICAGO)
    assert time_words.how_soon(start, sent) == words


def test_next_due_keeps_to_the_chosen_weekdays_and_skips_a_planned_day():
    zone = ZoneInfo("America/Chicago")
    monday_noon = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # Monday 12:00 in Chicago
    wednesday_friday = frozenset({2, 4})
    due = schedule.next_due(time(20, 0), wednesday_friday, zone, monday_noon)
    assert due.astimezone(zone) == datetime(2026, 11, 25, 20, 0, tzinfo=zone)
    later_today = schedule.next_due(time(20, 0), EVERY_DAY, zone, monday_noon)
    assert later_today.astimezone(zone).date() == date(2026, 11, 23)
    tomorrow = schedule.next_due(time(20, 0), EVERY_DAY, zone, monday_noon, date(2026, 11, 24))
    assert tomorrow.astimezone(zone).date() == date(2026, 11, 24)
    assert schedule.next_due(time(20, 0), frozenset(), zone, monday_noon) is None


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [(time(21, 59), False), (time(22, 0), True), (time(3, 0), True), (time(7, 0), False)],
)
def test_quiet_hours_run_past_midnight(moment, quiet):
    assert schedule.in_quiet_hours(moment, time(22, 0), time(7, 0)) is quiet
    assert schedule.in_quiet_hours(moment, time(9, 0), time(9, 0)) is False


def test_stale_means_six_hours_late_or_an_hour_late_on_a_new_day():
    zone = ZoneInfo("Europe/London")
    due = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
    assert not schedule.is_stale(due, due + timedelta(hours=3, minutes=59), zone)
    assert schedule.is_stale(due, due + timedelta(hours=4, minutes=1), zone)  # past midnight
    late_night = datetime(2026, 11, 23, 23, 50, tzinfo=UTC)
    assert not schedule.is_stale(late_night, late_night + timedelta(minutes=20), zone)
    morning = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    assert schedule.is_stale(morning, morning + timedelta(hours=6, seconds=1), zone)


# Acceptance: exactly one nudge per local day across DST, at the right local time -----------------

ZONES = ("America/Los_Angeles", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata")
TIMES = (time(1, 30), time(2, 30), time(20, 0))
# Chosen times that do not exist on a spring-forward day, and the minute they go out instead.
SHIFTED = {
    ("America/Los_Angeles", time(2, 30)): time(3, 0),
    ("Europe/London", time(1, 30)): time(2, 0),
}
# The next daylight-saving changes after the pinned instant (Kolkata has none).
CHANGES = {
    "los-angeles-spring": ("America/Los_Angeles", True),
    "london-spring": ("Europe/London", True),
    "lord-howe-autumn": ("Australia/Lord_Howe", False),
    "lord-howe-spring": ("Australia/Lord_Howe", True),
    "london-autumn": ("Europe/London", False),
    "los-angeles-autumn": ("America/Los_Angeles", False),
}


# The test moves its clock to two days before the next change of each kind, so the instant it
# starts at only chooses the year of that change, whose rules are the same in each zone: at one
# instant it checks what ten would, and each run drives some fifty scheduler runs.
@pytest.mark.one_instant
@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_one_nudge_per_local_day_at_the_chosen_time_across_dst(
    reminders_app, make_user, mailbox, pinned_clock, change
):
    changing_zone, forward = change
    change_day = clock_change_day(clock.now(), ZoneInfo(changing_zone), forward)
    start = datetime.combine(change_day - timedelta(days=2), time(), UTC)  # four days around it
    pinned_clock.move_to(start)
    end = start + timedelta(days=5)
    people = {}
    for zone in ZONES:
        for at in TIMES:
            email = f"{zone.split('/')[1].lower()}-{at:%H%M}@example.org"
            people[email] = (zone, at, person_with_nudge(make_user, zone, at, email, start))
    drive(pinned_clock, start, end)

    by_person_day = defaultdict(list)
    for row in sent_rows():
        by_person_day[row.user_id, row.local_date].append(row)
    received = Counter(message["Message-ID"] for _rcpts, message in mailbox.messages)
    assert len(received) == len(mailbox.messages), "a message arrived twice"
    for email, (zone, at, person) in people.items():
        tz = ZoneInfo(zone)
        first = (start.astimezone(tz) + timedelta(days=1)).date()
        last = (end.astimezone(tz) - timedelta(days=1)).date()
        day = first
        while day <= last:
            rows = by_person_day[person.id, day]
            assert len(rows) == 1, f"{email} got {len(rows)} nudges on {day}"
            sent_local = (rows[0].sent_at - PICKUP).astimezone(tz)
            gap = forward and zone == changing_zone and day == change_day
            expected = SHIFTED.get((zone, at), at) if gap else at
            assert (sent_local.date(), sent_local.time()) == (day, expected), (email, day)
            assert received[rows[0].message_id] == 1
            day += timedelta(days=1)
        assert len(mailbox.to(email)) == sum(1 for (uid, _day) in by_person_day if uid == person.id)


# The outbox: idempotent planning, retries, failures, stale reminders ------------------------------


def test_planning_twice_writes_one_row_and_sends_one_mail(
    reminders_app, make_user, mailbox, monday
):
    start = monday
    person = person_with_nudge(make_user, "Europe/London", time(20, 0), "once@example.org", start)
    preference = services.preference(person.id, "journal")
    due = preference.next_due_at
    first = planner.plan(due + PICKUP)
    preference.next_due_at = due  # as if a second scheduler read it before the first moved it
    db.session.commit()
    second = planner.plan(due + PICKUP)
    assert (first.planned, second.planned, second.already) == (1, 0, 1)
    jobs.deliver_all(due + PICKUP)
    jobs.deliver_all(due + 2 * PICKUP)
    assert len(mailbox.to("once@example.org")) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


def test_after_downtime_a_stale_reminder_is_skipped_and_the_next_one_planned(
    reminders_app, make_user, mailbox, monday
):
    start = monday
    person = person_with_nudge(make_user, "Europe/London", time(9, 0), "late@example.org", start)
    due = services.preference(person.id, "journal").next_due_at  # Tuesday 09:00
    result = jobs.run_once(due + timedelta(hours=7))
    assert (result.planning.stale, result.delivery.sent) == (1, 0)
    row = db.session.scalar(sa.select(OutboxMessage))
    assert (row.status, row.skip_reason) == (SKIPPED, "stale")
    following = services.preference(person.id, "journal").next_due_at
    london = ZoneInfo("Europe/London")
    the_day_after = due.astimezone(london).date() + timedelta(days=1)
    assert following.astimezone(london) == datetime.combine(the_day_after, time(9, 0), london)
    assert mailbox.to("late@example.org") == []


def test_smtp_down_for_the_first_attempts_then_every_mail_arrives_once(
    reminders_app, make_user, own_smtp, monday
):
    controller, inbox = own_smtp
    start = monday
    for n in range(12):
        person_with_nudge(make_user, "Asia/Kolkata", time(20, 0), f"p{n}@example.org", start)
    due = db.session.scalar(sa.select(sa.func.min(ReminderPreference.next_due_at)))
    now = due + PICKUP
    first = jobs.run_once(now)
    assert (first.planning.planned, first.delivery.sent) == (12, 0)
    assert first.delivery.retried == 1  # the row in hand; the others were never tried
    # The server stays down for an hour of retries.
    for _ in range(12):
        now += timedelta(minutes=5)
        jobs.deliver_all(now)
    rows = db.session.scalars(sa.select(OutboxMessage)).all()
    assert all(row.status == PENDING for row in rows) and inbox.messages == []
    controller.start()
    now += outbox.LONGEST_RETRY * 1.3
    jobs.deliver_all(now)
    jobs.deliver_all(now + timedelta(minutes=1))
    recipients = Counter(rcpt for rcpts, _message in inbox.messages for rcpt in rcpts)
    assert recipients == {f"p{n}@example.org": 1 for n in range(12)}
    assert {row.status for row in db.session.scalars(sa.select(OutboxMessage))} == {SENT}


def test_a_4xx_is_retried_and_a_5xx_on_rcpt_fails_and_marks_the_address(
    reminders_app, make_user, own_smtp, monday
):
    controller, inbox = own_smtp
    controller.start()
    inbox.defer.add("later@example.org")
    inbox.refuse.add("gone@example.org")
    start = monday
    later = person_with_nudge(make_user, "UTC", time(20, 0), "later@example.org", start)
    gone = person_with_nudge(make_user, "UTC", time(20, 0), "gone@example.org", start)
    now = start + timedelta(hours=8, seconds=30)  # 20:00:30 UTC
    first = jobs.run_once(now)
    assert (first.delivery.sent, first.delivery.retried, first.delivery.failed) == (0, 1, 1)
    failed = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.user_id == gone.id))
    assert failed.status == FAILED and failed.last_error.startswith("550")
    assert db.session.get(ReminderSettings, gone.id).bounced_at == now
    assert "refused" in services.why_no_mail(gone)
    jobs.deliver_all(now + timedelta(minutes=3))
    assert [rcpts for rcpts, _m in inbox.messages] == [["later@example.org"]]
    retried = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.user_id == later.id))
    assert (retried.status, retried.attempts) == (SENT, 2)
    # A bouncing address gets no more reminders until it is fixed.
    jobs.run_once(now + timedelta(days=1))
    assert Counter(r for rcpts, _m in inbox.messages for r in rcpts)["gone@example.org"] == 0
    assert (
        outbox.retry_now(failed.id) and db.session.get(OutboxMessage, failed.id).status == PENDING
    )


def test_after_eight_failed_attempts_a_row_fails_for_good(
    reminders_app, make_user, own_smtp, monday
):
    start = monday
    person_with_nudge(make_user, "UTC", time(20, 0), "never@example.org", start)
    now = start + timedelta(hours=8, seconds=30)  # 20:00:30 UTC
    planner.plan(now)
    for _ in range(outbox.MAX_ATTEMPTS):
        jobs.deliver_all(now)
        # The next try as soon as it is due: the backoff spends under 6 hours, so the row
        # fails for good before it would go stale.
        now = db.session.scalar(sa.select(OutboxMessage.next_attempt_at)) + timedelta(seconds=1)
    row = db.session.scalar(sa.select(OutboxMessage))
    assert (row.status, row.attempts) == (FAILED, outbox.MAX_ATTEMPTS)
    assert row.next_attempt_at - row.due_at < schedule.STALE_AFTER


def test_an_expired_lease_puts_a_crashed_senders_rows_back(
    reminders_app, make_user, mailbox, monday
):
    start = monday
    person_with_nudge(make_user, "UTC", time(20, 0), "lease@example.org", start)
    now = start + timedelta(hours=8, seconds=30)  # 20:00:30 UTC
    planner.plan(now)
    assert len(outbox.claim(now, "crashed-sender")) == 1  # claimed, then the sender died
    assert outbox.claim(now, "another") == []
    assert jobs.deliver_all(now + outbox.LEASE / 2).sent == 0
    assert jobs.deliver_all(now + outbox.LEASE + timedelta(seconds=1)).sent == 1
    assert len(mailbox.to("lease@example.org")) == 1


# What the mail says, and unsubscribing ------------------------------------------------------------


def test_received_mail_is_discreet_and_unsubscribes_in_one_click(
    reminders_app, make_user, mailbox, pinned_clock, monday
):
    start = monday
    person = person_with_nudge(make_user, "Europe/London", time(20, 0), "ann@example.org", start)
    goal_services.create_goal(
        person, goal_services.GoalData("Walk by the harbor SECRETGOAL", 7, time(8, 0))
    )
    services.set_goal_reminders(person, True, now=start)
    drive(pinned_clock, start, start + timedelta(days=1))
    messages = mailbox.to("ann@example.org")
    assert len(messages) == 2  # the 20:00 nudge today, the 08:00 goal reminder tomorrow
    for message in messages:
        subject = str(message["Subject"])
        assert subject in DISCREET_SUBJECTS or subject == "A reminder you set for 8:00 AM"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        seen = f"{subject}\n{text}\n{html}".lower()
        assert [word for word in (*WORDS_NEVER_IN_MAIL, "secretgoal") if word in seen] == []
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        links = [part.strip(" <>") for part in message["List-Unsubscribe"].split(",")]
        assert links[0].startswith("https://caregiver.example/unsubscribe/")
        assert links[1].startswith("mailto:unsubscribe@caregiver.example?subject=unsubscribe")
        own_page = "/journal/new" if "check-in" in subject else "/goals/"
        assert f"https://caregiver.example{own_page}" in text
    assert b"SECRETGOAL" not in raw_values(db.engine)

    nudge = next(m for m in messages if "check-in" in str(m["Subject"]))
    one_click = urlsplit(nudge["List-Unsubscribe"].split(",")[0].strip(" <>")).path
    client = reminders_app.test_client()
    response = client.post(one_click, data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert response.status_code == 200
    assert services.preference(person.id, "journal") is None
    assert services.goal_reminders_on(person.id)  # only that kind is turned off
    before = len(mailbox.to("ann@example.org"))
    drive(pinned_clock, start + timedelta(days=1), start + timedelta(days=3))
    later = mailbox.to("ann@example.org")[before:]
    assert later and all("check-in" not in str(m["Subject"]) for m in later)


def test_a_check_in_set_for_0254_names_no_part_of_the_day(
    reminders_app, make_user, mailbox, pinned_clock, monday
):
    owl = person_with_nudge(make_user, "America/Chicago", time(2, 54), "owl@example.org", monday)
    dusk = person_with_nudge(make_user, "America/Chicago", time(17, 30), "dusk@example.org", monday)
    drive(pinned_clock, monday, monday + timedelta(days=1))
    (night,) = mailbox.to(owl.email)
    (evening,) = mailbox.to(dusk.email)
    sent = {row.user_id: (row.sent_at - PICKUP).astimezone(CHICAGO) for row in sent_rows()}
    assert (sent[owl.id].hour, sent[owl.id].minute, sent[dusk.id].hour) == (2, 54, 17)
    assert str(night["Subject"]) == "Your check-in"  # not "morning" at 2:54 AM
    assert "This is the 2:54 AM check-in you set." in night.get_body(("plain",)).get_content()
    assert str(evening["Subject"]) == "Your evening check-in"


def test_rows_for_mail_no_longer_wanted_are_skipped_with_a_reason(
    reminders_app, make_user, mailbox, monday
):
    start = monday
    person = make_user(email="goals@example.org")
    goal = goal_services.create_goal(person, goal_services.GoalData("Stretch", 7, time(20, 0)))
    services.set_goal_reminders(person, True, now=start)
    unverified = make_user(email="new@example.org", verified=False)
    services.set_journal_nudge(unverified, True, time(20, 0), EVERY_DAY, now=start)
    now = datetime.combine(start.date(), time(20, 0, 30), CHICAGO)
    planner.plan(now)
    goal_services.archive_goal(goal, start.date())
    assert services.preference(person.id, "goal", goal.id) is None  # archiving stops it
    result = jobs.deliver_all(now)
    assert result.sent == 0
    assert result.skip_reasons == {"turned off": 1, "address not verified": 1}
    assert mailbox.messages == []


def test_moving_timezone_moves_the_next_nudge(reminders_app, make_user, monday):
    from caregiver.auth import services as auth_services

    start = monday
    person = person_with_nudge(make_user, "America/Chicago", time(20, 0), "m@example.org", start)
    auth_services.update_profile(person, person.display_name, "Asia/Tokyo")
    due = services.preference(person.id, "journal").next_due_at
    assert due.astimezone(ZoneInfo("Asia/Tokyo")).time() == time(20, 0)


# The scheduler process's pieces -------------------------------------------------------------------


def test_run_once_command_prints_counts_and_health_shows_the_scheduler(
    reminders_app, make_user, mailbox, runner, client
):
    person = make_user(email="cli@example.org")
    services.set_journal_nudge(person, True, time(20, 0), EVERY_DAY)
    services.preference(person.id, "journal").next_due_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    result = runner.invoke(args=["reminders", "run-once"])
    assert result.exit_code == 0, result.output
    assert "Planned 1" in result.output and "Sent 1" in result.output
    assert len(mailbox.to("cli@example.org")) == 1
    assert client.get("/healthz").get_json()["scheduler"] == "never"
    jobs.beat()
    assert client.get("/healthz").get_json()["scheduler"] == "ok"
    jobs.beat(clock.now() - timedelta(minutes=4))
    assert client.get("/healthz").get_json()["scheduler"] == "stale"


def test_the_scheduler_is_configured_as_the_process_needs(reminders_app):
    scheduler = jobs.build_scheduler(reminders_app)
    assert str(scheduler.timezone) == "UTC"
    jobs_by_id = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs_by_id) == {"plan", "deliver", "cleanup"}
    defaults = scheduler._job_defaults
    assert defaults == {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


def test_cleanup_erases_old_sent_rows_and_keeps_failed_ones(reminders_app, make_user):
    person = make_user()
    old = clock.now() - timedelta(days=40)
    outbox.enqueue("journal", person.id, local_date=old.date(), now=old)
    outbox.enqueue("journal", person.id, local_date=old.date() + timedelta(days=1), now=old)
    rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    rows[0].status, rows[1].status = SENT, FAILED
    db.session.commit()
    assert jobs.cleanup()["outbox_rows"] == 1
    assert [row.status for row in db.session.scalars(sa.select(OutboxMessage))] == [FAILED]


def test_admins_see_failed_mail_and_put_it_back_in_the_queue(reminders_app, make_user):
    person = make_user(email="bounce@example.org")
    outbox.enqueue("journal", person.id, local_date=today())
    row = db.session.scalar(sa.select(OutboxMessage))
    row.status, row.attempts, row.last_error = FAILED, 1, "550 5.1.1 No such mailbox"
    db.session.commit()
    client = reminders_app.test_client()
    log_in(client, make_user(role="caregiver"))
    assert client.get("/admin/outbox").status_code == 403
    admin = reminders_app.test_client()
    log_in(admin, make_user(role="admin"))
    page = admin.get("/admin/outbox").get_data(as_text=True)
    assert "bounce@example.org" in page and "550 5.1.1 No such mailbox" in page
    assert "Scheduler has not run yet" in admin.get("/admin/").get_data(as_text=True)
    response = submit(admin, f"/admin/outbox/{row.id}/retry", page="/admin/outbox")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(OutboxMessage, row.id).status == PENDING
    assert "No failed messages" in admin.get("/admin/outbox").get_data(as_text=True)


def test_confirming_a_new_address_ends_a_bounce_pause(reminders_app, make_user, mailbox):
    person = make_user(email="old@example.org")
    db.session.add(ReminderSettings(user_id=person.id, bounced_at=clock.now()))
    db.session.commit()
    client = reminders_app.test_client()
    log_in(client, person)
    assert "refused by your mail provider" in client.get("/account/reminders").get_data(
        as_text=True
    )
    submit(client, "/account/email", {"email": "new@example.org", "password": PASSWORD},
           page="/account")  # fmt: skip
    verify = link_in(mailbox.last_to("new@example.org"), "/auth/verify/")
    submit(client, verify, page=verify)
    db.session.expire_all()
    assert db.session.get(ReminderSettings, person.id).bounced_at is None
    assert "refused" not in client.get("/account/reminders").get_data(as_text=True)


def test_the_sunday_summary_counts_the_week_and_quotes_nothing(
    reminders_app, make_user, mailbox, pinned_clock
):
    from group_helpers import make_group, make_meeting

    from caregiver.groups import attendance
    from caregiver.journal import services as journal_services

    start = next_local(time(12, 0), UTC, weekday=3)  # a Thursday: the week so far is written
    pinned_clock.move_to(start)
    monday = start.date() - timedelta(days=3)
    tuesday, wednesday, sunday = (monday + timedelta(days=n) for n in (1, 2, 6))
    next_tuesday = monday + timedelta(days=8)
    person = make_user(email="week@example.org")
    for day in (tuesday, tuesday, start.date()):
        journal_services.create_entry(
            person,
            journal_services.EntryData(
                body="SECRETJOURNAL words", entry_date=day, entry_time=time(9, 0)
            ),
        )
    goal = goal_services.create_goal(person, goal_services.GoalData("SECRETGOAL", 7))
    for day in (tuesday, wednesday):
        goal_services.check_in_goal(goal, day, "done", "", start.date())
    meeting = make_meeting(make_group(make_user(role="facilitator")), name="SECRETMEETING")
    attendance.attend(person, meeting, next_tuesday, False, start)
    services.set_weekly_summary(person, True, now=start)
    due = services.preference(person.id, "weekly_summary").next_due_at
    assert due.astimezone(CHICAGO) == datetime.combine(sunday, time(18, 0), CHICAGO)
    drive(pinned_clock, start, start + timedelta(days=7))
    (message,) = mailbox.to("week@example.org")
    text = message.get_body(("plain",)).get_content()
    assert str(message["Subject"]) == "Your week in review"
    assert "Journal: 3 entries on 2 days." in text
    assert "Self-care goals marked done: 2." in text
    assert f"Tuesday, {next_tuesday:%b %-d} at 7:00 PM" in text
    for secret in ("SECRETJOURNAL", "SECRETGOAL", "SECRETMEETING"):
        assert secret not in message.as_string()


def test_quiet_hours_move_the_summary_but_not_a_time_the_person_chose(reminders_app, make_user):
    person = make_user(email="quiet@example.org")
    services.set_quiet_hours(person.id, True, time(17, 0), time(19, 30))
    services.set_weekly_summary(person, True)
    services.set_journal_nudge(person, True, time(18, 0), EVERY_DAY)
    assert services.preference(person.id, "weekly_summary").local_time == time(19, 30)
    assert services.preference(person.id, "journal").local_time == time(18, 0)
    services.set_quiet_hours(person.id, False, time(17, 0), time(19, 30))
    assert services.preference(person.id, "weekly_summary").local_time == time(18, 0)


# Meeting reminders ------------------------------------------------------------------------------


def meeting_setup(make_user):
    from group_helpers import make_group, make_meeting

    group = make_group(make_user(role="facilitator"))
    return group, make_meeting(group)  # Tuesdays 19:00 America/Chicago


def test_meeting_reminders_for_a_follower_and_for_one_rsvp(
    reminders_app, make_user, mailbox, pinned_clock, monday
):
    from caregiver.groups import attendance
    from caregiver.groups import changes as date_changes

    group, meeting = meeting_setup(make_user)
    start = monday
    tuesdays = [start.date() + timedelta(days=1 + 7 * n) for n in range(4)]
    follower = make_user(email="follows@example.org")
    follower.timezone = "America/New_York"
    db.session.commit()
    attendance.follow(follower, group)
    rsvp = make_user(email="rsvp@example.org")  # Chicago
    attendance.attend(rsvp, meeting, tuesdays[1], False, start)
    date_changes.cancel_occurrence(meeting, tuesdays[2], "Holiday")
    moved_to = tuesdays[3] + timedelta(days=1)
    date_changes.move_occurrence(meeting, tuesdays[3], moved_to, time(18, 0), time(19, 30), "")
    meeting_preferences.set_meeting_reminders(
        follower, {"meeting_day_before", "meeting_hour_before"}, now=start
    )
    meeting_preferences.set_meeting_reminders(rsvp, {"meeting_hour_before"}, now=start)
    drive(pinned_clock, start, datetime.combine(moved_to + timedelta(days=4), time(), UTC))

    eastern = ZoneInfo("America/New_York")
    sent = {(row.user_id, row.kind, row.local_date): row.sent_at - PICKUP for row in sent_rows()}
    before, soon, f = "meeting_day_before", "meeting_hour_before", follower.id

    def meets(day, hour):  # a meeting's start in Chicago, where it meets
        return datetime.combine(day, time(hour, 0), CHICAGO)

    day, hour = timedelta(days=1), timedelta(hours=1)
    assert sent == {
        (f, before, tuesdays[0]): meets(tuesdays[0], 19) - day,
        (f, soon, tuesdays[0]): meets(tuesdays[0], 19) - hour,
        (f, before, tuesdays[1]): meets(tuesdays[1], 19) - day,
        (f, soon, tuesdays[1]): meets(tuesdays[1], 19) - hour,
        # The third Tuesday is cancelled; the fourth moved to Wednesday at 18:00 Chicago time.
        (f, before, tuesdays[3]): meets(moved_to, 18) - day,
        (f, soon, tuesdays[3]): meets(moved_to, 18) - hour,
        (rsvp.id, soon, tuesdays[1]): meets(tuesdays[1], 19) - hour,
    }
    follower_mail = mailbox.to("follows@example.org")
    subjects = Counter(str(message["Subject"]) for message in follower_mail)
    assert subjects == {"Reminder: Tuesday family group": 4, "Reminder: Wednesday family group": 2}
    text = follower_mail[0].get_body(("plain",)).get_content()
    first = meets(tuesdays[0], 19)
    there = f"{first:%-I:%M %p %Z} where it meets"
    assert f"{first.astimezone(eastern):%A, %b %-d at %-I:%M %p} your time ({there})" in text
    assert "St. Mark's Hall, Springfield" in text and f"/meetings/{meeting.id}" in text
    assert text.count("Your group meets tomorrow: ") == 1
    soon_text = follower_mail[1].get_body(("plain",)).get_content()
    assert soon_text.count("Your group meets in about an hour: ") == 1
    assert meeting.name not in text and group.name not in text
    moved = [m for m in follower_mail if "Wednesday" in str(m["Subject"])][0]
    assert "This date was moved" in moved.get_body(("plain",)).get_content()


def test_rsvps_cancellations_and_moves_keep_the_next_reminder_true(reminders_app, make_user):
    from caregiver.groups import attendance
    from caregiver.groups import changes as date_changes

    _group, meeting = meeting_setup(make_user)
    person = make_user()  # Chicago
    meeting_preferences.set_meeting_reminders(person, {"meeting_hour_before"})
    soon = today() + timedelta(days=60)
    later = soon + timedelta(days=(1 - soon.weekday()) % 7)  # a Tuesday two months ahead
    attendance.attend(person, meeting, later, False, clock.now())
    row = services.preference(person.id, "meeting_hour_before", meeting.id)
    central = ZoneInfo("America/Chicago")
    assert row.next_due_at == datetime.combine(later, time(18, 0), tzinfo=central)
    date_changes.move_occurrence(meeting, later, later, time(20, 0), time(21, 0), "")
    db.session.expire_all()
    row = services.preference(person.id, "meeting_hour_before", meeting.id)
    assert row.next_due_at == datetime.combine(later, time(19, 0), tzinfo=central)
    date_changes.cancel_occurrence(meeting, later, "")
    db.session.expire_all()
    assert services.preference(person.id, "meeting_hour_before", meeting.id).next_due_at is None
    date_changes.restore_occurrence(meeting, later)
    attendance.unattend(person, meeting, later)
    assert services.preference(person.id, "meeting_hour_before", meeting.id) is None


def test_quiet_hours_move_a_meeting_reminder_or_drop_it(reminders_app, make_user):
    from caregiver.reminders import meeting_reminders

    quiet = ReminderSettings(quiet_hours=True, quiet_from=time(22, 0), quiet_until=time(7, 0))
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 11, 25, 2, 0, tzinfo=berlin)  # 19:00 in Chicago
    day_before = meeting_reminders.reminder_instant(start, "meeting_day_before", berlin, quiet)
    assert day_before == datetime(2026, 11, 24, 7, 0, tzinfo=berlin)
    assert meeting_reminders.reminder_instant(start, "meeting_hour_before", berlin, quiet) is None
    evening = datetime(2026, 11, 25, 19, 0, tzinfo=berlin)
    hour_before = meeting_reminders.reminder_instant(evening, "meeting_hour_before", berlin, quiet)
    assert hour_before == datetime(2026, 11, 25, 18, 0, tzinfo=berlin)
