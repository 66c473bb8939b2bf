"""Occurrence rules: DST in the meeting's zone, viewers elsewhere, one-date changes."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from caregiver.groups import recurrence
from caregiver.groups.recurrence import Change, Rule

CHICAGO = ZoneInfo("America/Chicago")
BERLIN = ZoneInfo("Europe/Berlin")


def weekly(*days, start=time(19), end=time(20, 30), zone="America/Chicago", **values):
    return Rule("weekly", date(2026, 1, 5), start, end, zone, weekdays=days, **values)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def starts(rule, first, last, changes=None):
    return [o.start for o in recurrence.occurrences(1, rule, changes or {}, first, last)]


@pytest.mark.parametrize(
    ("first", "last", "utc_hours"),
    [
        # Spring: the clocks go forward on Sunday March 8, 2026.
        (utc(2026, 3, 1), utc(2026, 3, 16), [1, 0]),
        # Autumn: back on Sunday November 1, 2026.
        (utc(2026, 10, 25), utc(2026, 11, 9), [0, 1]),
    ],
)
def test_weekly_evening_meeting_keeps_local_time_across_both_dst_changes(first, last, utc_hours):
    rule = weekly(1)  # Tuesdays
    found = starts(rule, first, last)
    assert len(found) == 2
    assert [moment.astimezone(CHICAGO).time() for moment in found] == [time(19), time(19)]
    assert [moment.astimezone(UTC).hour for moment in found] == utc_hours
    assert all(moment.astimezone(CHICAGO).weekday() == 1 for moment in found)


def test_a_viewer_in_berlin_sees_the_right_instant_through_both_countries_changes():
    rule = weekly(1)
    found = starts(rule, utc(2026, 3, 1), utc(2026, 4, 8, 1))
    berlin = [moment.astimezone(BERLIN) for moment in found]
    # 19:00 in Chicago is 02:00 next day in Berlin, except in the weeks when the US has
    # changed its clocks and Europe has not yet (March 8 to 29): then it is 01:00.
    assert [(m.date(), m.hour) for m in berlin] == [
        (date(2026, 3, 4), 2),
        (date(2026, 3, 11), 1),
        (date(2026, 3, 18), 1),
        (date(2026, 3, 25), 1),
        (date(2026, 4, 1), 2),
        (date(2026, 4, 8), 2),
    ]


def test_cancelled_date_is_kept_and_marked_and_moved_date_appears_at_its_new_time():
    rule = weekly(1)
    changes = {
        date(2026, 12, 8): Change(date(2026, 12, 8), "cancelled", note="Closed for the holiday"),
        date(2026, 12, 15): Change(
            date(2026, 12, 15), "moved", date(2026, 12, 16), time(18), time(19, 30), "Wednesday"
        ),
    }
    found = recurrence.occurrences(1, rule, changes, utc(2026, 12, 7), utc(2026, 12, 24))
    assert [(o.on_day, o.status) for o in found] == [
        (date(2026, 12, 8), "cancelled"),
        (date(2026, 12, 15), "moved"),
        (date(2026, 12, 22), "scheduled"),
    ]
    moved = found[1]
    assert moved.start == datetime(2026, 12, 16, 18, tzinfo=CHICAGO)
    assert moved.end == datetime(2026, 12, 16, 19, 30, tzinfo=CHICAGO)
    assert moved.moved_from == datetime(2026, 12, 15, 19, tzinfo=CHICAGO)
    assert found[0].note == "Closed for the holiday"


def test_a_date_moved_into_the_window_from_outside_it_is_found():
    rule = weekly(1)
    changes = {
        date(2026, 12, 1): Change(
            date(2026, 12, 1), "moved", date(2026, 12, 10), time(19), time(20)
        )
    }
    found = recurrence.occurrences(1, rule, changes, utc(2026, 12, 9, 12), utc(2026, 12, 12))
    assert [(o.on_day, o.start.date()) for o in found] == [(date(2026, 12, 1), date(2026, 12, 10))]
    # ...and the date it left is empty.
    assert starts(rule, utc(2026, 12, 1), utc(2026, 12, 2, 12), changes) == []


def test_monthly_rules_first_tuesday_and_last_friday():
    first_tuesday = Rule(
        "monthly", date(2026, 1, 1), time(18), time(19), "America/New_York",
        month_week=1, month_weekday=1,
    )  # fmt: skip
    last_friday = Rule(
        "monthly", date(2026, 1, 1), time(18), time(19), "America/New_York",
        month_week=-1, month_weekday=4,
    )  # fmt: skip
    window = (date(2026, 12, 1), date(2027, 2, 28))
    assert recurrence.series_days(first_tuesday, *window) == [
        date(2026, 12, 1), date(2027, 1, 5), date(2027, 2, 2),
    ]  # fmt: skip
    assert recurrence.series_days(last_friday, *window) == [
        date(2026, 12, 25), date(2027, 1, 29), date(2027, 2, 26),
    ]  # fmt: skip
    assert recurrence.describe(last_friday) == "Last Friday of the month"


def test_a_fifth_monday_in_a_short_range_never_occurs_and_has_day_knows_the_series():
    fifth_monday = Rule(
        "monthly", date(2026, 2, 1), time(18), time(19), "UTC",
        month_week=5, month_weekday=0, last_day=date(2026, 3, 15),
    )  # fmt: skip
    assert not recurrence.ever_occurs(fifth_monday)
    assert recurrence.ever_occurs(Rule(**{**fifth_monday.__dict__, "last_day": None}))
    rule = weekly(1, 3)
    assert recurrence.has_day(rule, date(2026, 12, 1))  # a Tuesday
    assert recurrence.has_day(rule, date(2026, 12, 3))  # a Thursday
    assert not recurrence.has_day(rule, date(2026, 12, 2))
    ended = weekly(1, last_day=date(2026, 6, 30))
    assert not recurrence.has_day(ended, date(2026, 7, 7))
    assert not recurrence.has_day(weekly(1), date(2025, 12, 30))  # before the first day


def test_one_time_meeting_and_a_time_in_the_spring_gap():
    once = Rule("once", date(2026, 12, 12), time(10), time(11), "America/Chicago")
    assert recurrence.series_days(once, date(2026, 12, 1), date(2026, 12, 31)) == [
        date(2026, 12, 12)
    ]
    assert recurrence.series_days(once, date(2026, 12, 13), date(2026, 12, 31)) == []
    # 02:30 on March 8 does not exist in Chicago: the meeting happens at 03:30 daylight time.
    gap = Rule("once", date(2026, 3, 8), time(2, 30), time(3, 30), "America/Chicago")
    (occurrence,) = recurrence.occurrences(1, gap, {}, utc(2026, 3, 8), utc(2026, 3, 9))
    assert occurrence.start.time() == time(3, 30)
    assert occurrence.start.astimezone(UTC) == utc(2026, 3, 8, 8, 30)


def test_next_occurrences_reach_past_a_long_gap_and_describe_reads_well():
    rule = weekly(0, 2, 4)
    assert recurrence.describe(rule) == "Every Monday, Wednesday and Friday"
    assert recurrence.describe(weekly(*range(7))) == "Every day"
    monthly = Rule(
        "monthly", date(2026, 1, 1), time(18), time(19), "UTC", month_week=2, month_weekday=3
    )
    found = recurrence.next_occurrences(1, monthly, {}, utc(2026, 12, 1), 5)
    assert len(found) == 5
    assert all(o.start.weekday() == 3 and 8 <= o.start.day <= 14 for o in found)
    assert found == sorted(found, key=lambda o: o.start)
    assert found[-1].start - found[0].start > timedelta(days=100)


def test_a_meeting_under_way_is_found_until_its_last_minute_and_knows_how_long_it_has_run():
    rule = weekly(1)  # Tuesdays 19:00-20:30 Chicago
    start = datetime(2026, 1, 6, 19, tzinfo=CHICAGO)
    end = start + timedelta(minutes=90)
    window = timedelta(hours=4)

    def found(now, under_way=True):
        return recurrence.occurrences(1, rule, {}, now, now + window, under_way=under_way)

    moments = ((start, 0), (start + timedelta(minutes=61), 61), (end - timedelta(seconds=1), 89))
    for now, minutes in moments:
        (occurrence,) = found(now)
        assert occurrence.start == start and occurrence.minutes_in(now) == minutes
        if now > start:  # strictly upcoming lists leave it out once it has begun
            assert found(now, under_way=False) == []
    assert found(end) == [] and found(start - timedelta(minutes=1))[0].minutes_in(start) == 0
    cancelled = {date(2026, 1, 6): Change(date(2026, 1, 6), "cancelled")}
    (gone,) = recurrence.occurrences(1, rule, cancelled, start, end, under_way=True)
    assert gone.status == "cancelled" and gone.minutes_in(start) is None
    # next_occurrences puts the one under way first, once.
    upcoming = recurrence.next_occurrences(
        1, rule, {}, start + timedelta(hours=1), 3, under_way=True
    )
    assert [o.start.date() for o in upcoming] == [
        date(2026, 1, 6),
        date(2026, 1, 13),
        date(2026, 1, 20),
    ]
