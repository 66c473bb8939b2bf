"""Rendering an outbox row into mail at the moment it is sent, from what is true then.

Every reminder is checked again first: the person still exists and is verified, their address
is not bouncing, they still want this kind, the goal is still active, and it is not stale.
Subjects are discreet on purpose (shared inboxes, lock screens); no private text is ever read.
"""

from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from sqlalchemy import select

from caregiver import mail, security
from caregiver.auth.models import User
from caregiver.extensions import db
from caregiver.goals import services as goal_services
from caregiver.goals.models import Goal
from caregiver.groups import alerts
from caregiver.groups.attendance import plans_of
from caregiver.groups.models import Meeting
from caregiver.i18n import DEFAULT_LANGUAGE, format_when
from caregiver.journal import services as journal_services
from caregiver.outbox import Skip
from caregiver.reminders import meeting_reminders, schedule, time_words
from caregiver.reminders.models import REMINDER_KINDS, ReminderPreference, ReminderSettings

UNSUBSCRIBE_PURPOSE = "unsubscribe"
UNSUBSCRIBE_MAX_AGE = 400 * 24 * 3600  # a link in an old mail still works for over a year


GROUP_MAIL = "group"  # a group's notes and change alerts, stopped one group at a time


def unsubscribe_token(user_id: int, kind: str, group_id: int = 0) -> str:
    """A signed token that turns off one kind of mail (or one group's mail) for one person,
    without logging in."""
    payload = {"u": user_id, "k": kind}
    if kind == GROUP_MAIL:
        payload["g"] = group_id
    return security.make_token(UNSUBSCRIBE_PURPOSE, payload)


def read_unsubscribe_token(token: str) -> tuple[int, str, int]:
    """The person, kind and group (0 for a reminder) a token names; TokenError when it is not
    one of ours."""
    payload = security.read_token(UNSUBSCRIBE_PURPOSE, token, UNSUBSCRIBE_MAX_AGE)
    kind, group_id = payload.get("k"), payload.get("g", 0)
    if not isinstance(payload.get("u"), int) or not (
        kind in REMINDER_KINDS or (kind == GROUP_MAIL and isinstance(group_id, int) and group_id)
    ):
        raise security.TokenError("invalid")
    return payload["u"], kind, group_id


def unsubscribe_link(token: str) -> str:
    """The page that turns off one kind of mail (GET shows it, POST does it at once)."""
    return mail.absolute_url("reminders.unsubscribe", token=token)


def unsubscribe_headers(token: str, link: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: an https link for a POST, and a mailto fallback."""
    mailto = f"mailto:unsubscribe@{mail.sender_domain()}?subject={quote('unsubscribe ' + token)}"
    return {
        "List-Unsubscribe": f"<{link}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


class Batch:
    """Renders the reminders and group notices of a claimed batch: what every row needs is read
    in a few queries up front. Registered with the outbox by ``reminders.init_app``."""

    def __init__(self, rows, now: datetime):
        self.now = now
        user_ids = {row.user_id for row in rows}
        # Plain rows, not tracked objects, so the deliverer's commit after each message
        # does not expire (and reload) the whole batch.
        self.people = {
            person.id: person
            for person in db.session.execute(
                select(
                    User.id,
                    User.email,
                    User.display_name,
                    User.timezone,
                    User.email_verified_at,
                    User.discreet,
                    User.language,
                ).where(User.id.in_(user_ids))
            )
        }
        self.bouncing = set(
            db.session.scalars(
                select(ReminderSettings.user_id).where(
                    ReminderSettings.user_id.in_(user_ids), ReminderSettings.bounced_at.is_not(None)
                )
            )
        )
        wanted = select(
            ReminderPreference.user_id, ReminderPreference.kind, ReminderPreference.object_id
        ).where(ReminderPreference.user_id.in_(user_ids))
        self.wanted = {tuple(row) for row in db.session.execute(wanted)}
        self.notices = alerts.NoticeBatch(rows)

    def render(self, row) -> mail.Message:
        """The message for ``row``, or Skip with the reason it should not go out."""
        person = self.people.get(row.user_id)
        if person is None:
            raise Skip("person deleted")
        if person.email_verified_at is None:
            raise Skip("address not verified")
        if person.id in self.bouncing:
            raise Skip("address bouncing")
        if row.kind in alerts.NOTICE_KINDS:
            return self._notice(row, person)
        if (person.id, row.kind, row.object_id) not in self.wanted:
            raise Skip("turned off")
        if schedule.is_stale(row.due_at, self.now, ZoneInfo(person.timezone)):
            raise Skip("stale")
        renderer = RENDERERS.get(row.kind)
        if renderer is None:
            raise Skip("unknown kind")
        token = unsubscribe_token(person.id, row.kind)
        link = unsubscribe_link(token)  # built once for the headers and both parts
        # The whole message in the person's language: the times and words made before the
        # templates too.
        with force_locale(person.language or DEFAULT_LANGUAGE):
            message = renderer(person, row, link, self.now)
        message.headers.update(unsubscribe_headers(token, link))
        return message

    def _notice(self, row, person) -> mail.Message:
        group_id = self.notices.stoppable_group(row, person.id)
        if group_id is None:
            return self.notices.render(row, person, self.now)
        token = unsubscribe_token(person.id, GROUP_MAIL, group_id)
        link = unsubscribe_link(token)
        message = self.notices.render(row, person, self.now, unsubscribe=link)
        message.headers.update(unsubscribe_headers(token, link))
        return message


def _local(person, moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(person.timezone))


def _journal(person, row, unsubscribe: str, now: datetime) -> mail.Message:
    local = _local(person, row.due_at)
    return mail.render_message(
        "reminder_journal",
        person.email,
        discreet=person.discreet,
        language=person.language,
        person=person,
        part_of_day=time_words.part_of_day(_local(person, now)),
        chosen_time=format_when(local, "time"),
        unsubscribe=unsubscribe,
    )


def _goal(person, row, unsubscribe: str, now: datetime) -> mail.Message:
    goal = db.session.get(Goal, row.object_id)
    if goal is None or goal.user_id != person.id or goal.archived_at is not None:
        raise Skip("goal not active")
    local = _local(person, row.due_at)
    return mail.render_message(
        "reminder_goal",
        person.email,
        discreet=person.discreet,
        language=person.language,
        person=person,
        chosen_time=format_when(local, "time"),
        unsubscribe=unsubscribe,
    )


def _weekly(person, row, unsubscribe: str, now: datetime) -> mail.Message:
    """Counts and times only: never a word of what the person wrote."""
    zone = ZoneInfo(person.timezone)
    last = row.due_at.astimezone(zone).date()
    first = last - timedelta(days=6)
    days = journal_services.day_summaries(person.id, first, last)
    meetings = [
        format_when(occurrence.start.astimezone(zone), "short_day_at")
        for _meeting, occurrence in plans_of(person.id, row.due_at)
        if occurrence.status != "cancelled"
    ]
    return mail.render_message(
        "reminder_weekly",
        person.email,
        discreet=person.discreet,
        language=person.language,
        person=person,
        entries=sum(count for count, _mood in days.values()),
        writing_days=len(days),
        goals_done=goal_services.done_between(person.id, first, last),
        meetings=meetings,
        unsubscribe=unsubscribe,
    )


def _meeting(person, row, unsubscribe: str, now: datetime) -> mail.Message:
    """Where and when, in the person's own time; the meeting's page has the rest."""
    meeting = db.session.get(Meeting, row.object_id)
    if meeting is None:
        raise Skip("meeting deleted")
    occurrence = meeting_reminders.occurrence_of(meeting, row.local_date)
    if occurrence.status == "cancelled":
        raise Skip("meeting cancelled")
    if occurrence.start <= now:
        raise Skip("meeting started")
    if not meeting_reminders.is_relevant(person.id, meeting):
        raise Skip("no longer going")
    zone = ZoneInfo(person.timezone)
    local = occurrence.start.astimezone(zone)
    own = occurrence.start.astimezone(ZoneInfo(meeting.timezone))
    meets = time_words.how_soon(local, now.astimezone(zone))
    return mail.render_message(
        "reminder_meeting",
        person.email,
        discreet=person.discreet,
        language=person.language,
        person=person,
        weekday=format_when(local, "weekday"),
        when=format_when(local, "short_day_at"),
        local_when=f"{format_when(own, 'time')} {own:%Z}"
        if own.utcoffset() != local.utcoffset()
        else "",
        meets=meets,
        online=meeting.mode != "in_person",
        place=", ".join(part for part in (meeting.venue, meeting.city) if part),
        moved=occurrence.status == "moved",
        meeting_id=meeting.id,
        unsubscribe=unsubscribe,
    )


RENDERERS = {
    "journal": _journal,
    "goal": _goal,
    "weekly_summary": _weekly,
    "meeting_day_before": _meeting,
    "meeting_hour_before": _meeting,
}
