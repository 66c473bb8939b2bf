"""Words for the time of day and for how soon, true where the person is when the mail is sent.

A reminder can go out later than planned (the scheduler was down, the mail server refused it
for a while) or at an hour the person chose themselves, 02:54 included: the words come from
the moment of sending, never from the plan. Pure functions, so any hour can be tested.
"""

from datetime import datetime

from caregiver.i18n import format_when, gettext, ngettext

# Local hours each part of the day starts at. From 22:00 to 05:00 none fits well ("night"
# reads oddly in a subject, "morning" at 02:54 is wrong), so the subject names none.
PARTS = ((5, "morning"), (12, "afternoon"), (17, "evening"), (22, ""))


def part_of_day(local: datetime) -> str:
    """ "morning", "afternoon", "evening", or "" late at night, for a local time."""
    words = ""
    for starts, word in PARTS:
        if local.hour >= starts:
            words = word
    return words


def how_soon(start: datetime, now: datetime) -> str:
    """How soon a meeting starts, as a mail sent ``now`` can say it ("in about an hour",
    "later today", "tomorrow", "on Friday"); both times in the person's zone."""
    minutes = round((start - now).total_seconds() / 60)
    if minutes < 45:
        return ngettext("in %(num)d minute", "in %(num)d minutes", max(minutes, 1))
    if minutes < 90:
        return gettext("in about an hour")
    days = (start.date() - now.date()).days
    if days == 0:
        return gettext("later today")
    if days == 1:
        return gettext("tomorrow")
    return gettext("on %(weekday)s", weekday=format_when(start, "weekday"))
