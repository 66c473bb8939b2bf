"""Mail about a group: its facilitators' messages and changes to its meetings, queued in the
outbox from the request and sent by the scheduler (a group may have hundreds of followers).

Subjects and senders stay discreet (families share inboxes and lock screens), and the mail
says nothing about why a person follows a group.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from sqlalchemy import select

from caregiver import mail, outbox
from caregiver.auth.models import User
from caregiver.extensions import db
from caregiver.groups import recurrence, wall_clock
from caregiver.groups.models import Attendance, GroupFollow, GroupNotice, Meeting, SupportGroup
from caregiver.i18n import DEFAULT_LANGUAGE, format_when, gettext
from caregiver.outbox import Skip
from caregiver.outbox.models import PRIORITY_NOTICE

BODY_MAX = 2000
NOTICE_KINDS = ("group_message", "meeting_changed")
NOTICE_LIFETIME = timedelta(days=1)  # a schedule change told days late helps nobody
SERIES_PARTS = ("time", "place", "link")  # what can change in a whole series, as kept


def group_recipients(group_id: int) -> list[User]:
    """Verified followers of a group who want its mail."""
    return list(
        db.session.scalars(
            select(User)
            .join(GroupFollow, GroupFollow.user_id == User.id)
            .where(
                GroupFollow.group_id == group_id,
                GroupFollow.change_mail,
                User.email_verified_at.is_not(None),
            )
            .order_by(User.id)
        )
    )


def _attendees(meeting_id: int, on_days: set[date] | None, today: date) -> list[User]:
    query = (
        select(User)
        .join(Attendance, Attendance.user_id == User.id)
        .where(Attendance.meeting_id == meeting_id, User.email_verified_at.is_not(None))
    )
    if on_days is None:
        query = query.where(Attendance.on_day >= today)
    else:
        query = query.where(Attendance.on_day.in_(on_days))
    return list(db.session.scalars(query.distinct()))


def change_recipients(meeting: Meeting, on_days: set[date] | None, today: date) -> list[User]:
    """Who hears about a change: the group's followers (unless they turned it off) and the
    people who said they will come on the dates concerned (all dates to come for a series)."""
    followers = db.session.execute(
        select(GroupFollow.user_id, GroupFollow.change_mail).where(
            GroupFollow.group_id == meeting.group_id
        )
    ).all()
    opted_out = {user_id for user_id, wants in followers if not wants}
    people = {user.id: user for user in group_recipients(meeting.group_id)}
    for user in _attendees(meeting.id, on_days, today):
        if user.id not in opted_out:
            people.setdefault(user.id, user)
    return sorted(people.values(), key=lambda user: user.id)


def _queue(notice: GroupNotice, people: list[User]) -> int:
    """Keep the notice once and write one outbox row per person; the scheduler sends them."""
    if not people:
        return 0
    db.session.add(notice)
    db.session.flush()
    outbox.add(
        [
            outbox.message_row(
                notice.kind, person.id, object_id=notice.id, priority=PRIORITY_NOTICE
            )
            for person in people
        ]
    )
    db.session.commit()
    return len(people)


def message_followers(group: SupportGroup, sender: User, body: str) -> int:
    """Queue a facilitator's note to every follower who wants group mail; returns how many."""
    notice = GroupNotice(
        kind="group_message", group_id=group.id, sender_id=sender.id, body=body.strip()[:BODY_MAX]
    )
    return _queue(notice, group_recipients(group.id))


def meeting_changed(
    meeting: Meeting, parts: list[str], on_days: set[date] | None, today: date, note: str = ""
) -> int:
    """Tell people about a new time, place or link (``parts``: SERIES_PARTS) for the series;
    each reader gets the words in their own language."""
    notice = GroupNotice(
        kind="meeting_changed",
        group_id=meeting.group_id,
        meeting_id=meeting.id,
        change="series",
        what=" ".join(part for part in SERIES_PARTS if part in parts),
        body=note,
    )
    return _queue(notice, change_recipients(meeting, on_days, today))


def date_changed(
    meeting: Meeting, change: str, on_day: date, note: str = "",
    new_day: date | None = None, new_start: time | None = None,
) -> int:  # fmt: skip
    """Tell people one date was cancelled, moved (to new_day at new_start) or restored; each
    reader gets the times in their own zone."""
    zone = ZoneInfo(meeting.timezone)
    was_at = recurrence.occurrence_on(meeting.id, recurrence.Rule.of(meeting), on_day).start
    now_at = wall_clock.local_moment(new_day, new_start, zone) if new_day and new_start else None
    notice = GroupNotice(
        kind="meeting_changed", group_id=meeting.group_id, meeting_id=meeting.id,
        change=change, was_at=was_at, now_at=now_at, body=note,
    )  # fmt: skip
    with force_locale(DEFAULT_LANGUAGE):
        notice.what = change_words(notice, zone, zone)  # as the group tells it, for the record
    return _queue(notice, change_recipients(meeting, {on_day}, on_day))


def _when(moment: datetime, zone: ZoneInfo, meeting_zone: ZoneInfo) -> str:
    """A date and time in the reader's zone, with the meeting's own clock when it differs."""
    local, own = moment.astimezone(zone), moment.astimezone(meeting_zone)
    words = format_when(local, "day_at")
    if own.utcoffset() != local.utcoffset():
        words += " " + gettext(
            "your time (%(time)s where it meets)", time=f"{format_when(own, 'time')} {own:%Z}"
        )
    return words


def _part_words(part: str) -> str:
    if part == "time":
        return gettext("a new day or time")
    if part == "place":
        return gettext("a new place")
    return gettext("new joining details")


def series_words(parts: list[str]) -> str:
    """What changed in a whole series, in the reader's language: "now has a new place."."""
    said = _part_words(parts[0])
    for part in parts[1:]:
        said = gettext("%(first)s and %(last)s", first=said, last=_part_words(part))
    return gettext("now has %(changes)s.", changes=said)


def change_words(notice, zone: ZoneInfo, meeting_zone: ZoneInfo) -> str:
    """What happened to the series or to one date (in the reader's zone)."""
    if notice.change == "series":
        return series_words(notice.what.split())
    if notice.was_at is None:
        return notice.what
    was = _when(notice.was_at, zone, meeting_zone)
    if notice.change == "cancelled":
        return gettext("the %(when)s meeting is cancelled.", when=was)
    if notice.change == "moved" and notice.now_at is not None:
        return gettext(
            "the %(when)s meeting moves to %(new)s.",
            when=was,
            new=_when(notice.now_at, zone, meeting_zone),
        )
    return gettext("the %(when)s meeting is back on at its usual time.", when=was)


class NoticeBatch:
    """What a claimed batch's notice rows need, read up front as plain rows: a few queries for
    each notice, and one for everyone's follows (not one per person)."""

    def __init__(self, rows):
        rows = [row for row in rows if row.kind in NOTICE_KINDS]
        self.notices: dict[int, object] = {}
        self.context: dict[int, dict] = {}
        self.follows: dict[tuple[int, int], bool] = {}
        if not rows:
            return
        table = GroupNotice.__table__
        notices = select(table).where(table.c.id.in_({row.object_id for row in rows}))
        self.notices = {notice.id: notice for notice in db.session.execute(notices)}
        groups = {notice.group_id for notice in self.notices.values()}
        follows = select(GroupFollow.user_id, GroupFollow.group_id, GroupFollow.change_mail).where(
            GroupFollow.user_id.in_({row.user_id for row in rows}),
            GroupFollow.group_id.in_(groups),
        )
        self.follows = {(user, group): wants for user, group, wants in db.session.execute(follows)}
        self.context = {notice_id: _context(notice) for notice_id, notice in self.notices.items()}

    def render(self, row, person, now: datetime, unsubscribe: str = "") -> mail.Message:
        """One person's copy of a notice, or Skip when it no longer makes sense to send it;
        ``unsubscribe`` is the link that stops the group's mail, when the person has one."""
        notice = self.notices.get(row.object_id)
        if notice is None:
            raise Skip("group or meeting deleted")
        if now - notice.created_at > NOTICE_LIFETIME:
            raise Skip("expired")
        wants = self.follows.get((person.id, notice.group_id))
        if wants is False:
            raise Skip("turned off")
        if wants is None and notice.kind == "group_message":
            raise Skip("no longer following")
        context = dict(self.context[notice.id])
        if notice.kind == "meeting_changed":
            meeting_zone = ZoneInfo(context["meeting"].timezone)
            with force_locale(person.language or DEFAULT_LANGUAGE):
                context["what"] = change_words(notice, ZoneInfo(person.timezone), meeting_zone)
        return mail.render_message(
            notice.kind,
            person.email,
            discreet=person.discreet,
            language=person.language,
            person=person,
            unsubscribe=unsubscribe,
            following=wants is True,
            **context,
        )

    def stoppable_group(self, row, person_id: int) -> int | None:
        """The group whose mail a notice's unsubscribe link stops: only for a follower (whose
        follow keeps the choice); someone told only as a planned attendee gets no link."""
        notice = self.notices.get(row.object_id)
        if notice is None or not self.follows.get((person_id, notice.group_id)):
            return None
        return notice.group_id


def _context(notice) -> dict:
    """What a notice's template needs besides the person, the same for everyone it goes to."""
    if notice.kind == "meeting_changed":
        meeting = select(Meeting.id, Meeting.name, Meeting.timezone).where(
            Meeting.id == notice.meeting_id
        )
        return {"meeting": db.session.execute(meeting).one(), "note": notice.body}
    group = select(SupportGroup.name, SupportGroup.slug).where(SupportGroup.id == notice.group_id)
    sender = select(User.display_name).where(User.id == notice.sender_id)
    return {
        "group": db.session.execute(group).one(),
        "sender_name": db.session.scalar(sender),  # the mail says "A facilitator" without one
        "body": notice.body,
    }
