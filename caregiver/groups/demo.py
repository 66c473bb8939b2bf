"""Demo groups and meetings for development, made through the real services.

Every date is worked out from today in the meeting's own timezone, so the demo always shows
meetings in the next two weeks, a cancelled date and a moved one ahead, and a one-time event
a few weeks out. Links and phone numbers are fictional (example.org, 555-01xx); a link shown
to everyone must be on a service meeting apps accept, so those use Zoom meeting numbers of
seven digits, shorter than any Zoom gives out.
"""

from dataclasses import replace
from datetime import date, time, timedelta

from caregiver import clock
from caregiver.auth.models import User
from caregiver.groups import recurrence
from caregiver.groups.attendance import attend, follow
from caregiver.groups.changes import cancel_occurrence, move_occurrence
from caregiver.groups.meeting_services import MeetingData, create_meeting
from caregiver.groups.models import Meeting
from caregiver.groups.services import GroupData, create_group, groups_run_by

NEW_YORK = "America/New_York"
CHICAGO = "America/Chicago"
LOS_ANGELES = "America/Los_Angeles"
# Series began a while ago, as real ones have; the exact start does not matter to the demo.
SERIES_WEEKS_BACK = 10
ONE_OFF_DAYS_AHEAD = 24
# The changed dates fall a week or so ahead, inside the default two-week list; the moved one
# goes a day later, so it starts a day sooner to stay inside too.
CANCEL_DAYS_AHEAD = 7
MOVE_DAYS_AHEAD = 6

SPRINGFIELD = GroupData(
    name="Springfield Family Circle",
    description=(
        "A circle for parents, partners, grandparents and friends of someone who uses opioids. "
        "Come as you are: you can listen the whole time, and nobody will ask you to explain "
        "your family. We share what helps, what doesn't, and how we look after ourselves too."
    ),
    kind="family",
    languages=("en", "es"),
    contact_email="springfield-circle@example.org",
)
PARENTS = GroupData(
    name="Parents Together Online",
    description=(
        "Online meetings for mothers and fathers of sons and daughters using opioids, from "
        "anywhere. Camera on or off, your first name or none: whatever makes it easier to come."
    ),
    kind="parents",
    contact_email="parents-together@example.org",
)
PARTNERS = GroupData(
    name="Bay Area Partners and Spouses",
    description=(
        "For husbands, wives and partners living with someone's opioid use. We talk about "
        "money, trust, children and boundaries, and we practise the conversations that are "
        "hardest to have at home."
    ),
    kind="partners",
)
REMEMBRANCE = GroupData(
    name="Riverside Remembrance Circle",
    description=(
        "A small, private circle for families who lost someone to an overdose. The facilitator "
        "shares the link with people who have talked with her first."
    ),
    kind="grief",
    listed=False,
)


def _weekly(name, weekdays, start, end, timezone, **details) -> MeetingData:
    return MeetingData(
        name=name,
        repeat="weekly",
        weekdays=weekdays,
        first_day=date.min,  # set from today when the meeting is made
        start_time=time(*start),
        end_time=time(*end),
        timezone=timezone,
        **details,
    )


SPRINGFIELD_HALL = {
    "venue": "Grace Community Hall",
    "address": "412 Elm Street",
    "city": "Springfield",
    "region": "IL",
    "postal_code": "62704",
    "country": "US",
    "location_notes": "Use the side door on Oak Avenue; the room is on the ground floor.",
}
OAKLAND_CENTER = {
    "venue": "Lakeside Neighborhood Center",
    "address": "88 Harbor Road",
    "city": "Oakland",
    "region": "CA",
    "postal_code": "94610",
    "country": "US",
}
NEW_YORK_ORIGIN = {"city": "New York", "region": "NY", "country": "US"}

# (group, meeting); the first Springfield meeting gets a cancelled date, the first partners'
# meeting a moved one, and the caregiver plans to go to the Saturday morning meeting.
MEETINGS = [
    (
        SPRINGFIELD,
        _weekly(
            "Tuesday evening family circle",
            (1,),
            (19, 0),
            (20, 30),
            CHICAGO,
            wheelchair=True,
            beginners=True,
            notes="Coffee and tea from 6:45. First time? Someone will meet you at the door.",
            **SPRINGFIELD_HALL,
        ),
    ),
    (
        SPRINGFIELD,
        _weekly(
            "Saturday morning coffee and support",
            (5,),
            (10, 0),
            (11, 30),
            CHICAGO,
            mode="hybrid",
            conference_url="https://zoom.us/j/5550134",
            conference_phone="+1 217-555-0134",
            conference_notes="Meeting ID 555 0134, no passcode.",
            link_public=True,
            wheelchair=True,
            childcare=True,
            **SPRINGFIELD_HALL,
        ),
    ),
    (
        SPRINGFIELD,
        _weekly(
            "Círculo familiar en español",
            (3,),
            (18, 30),
            (20, 0),
            CHICAGO,
            language="es",
            beginners=True,
            notes="Un espacio para madres, padres y familias. Puede venir solo a escuchar.",
            **SPRINGFIELD_HALL,
        ),
    ),
    (
        SPRINGFIELD,
        MeetingData(
            name="Naloxone and overdose response evening",
            repeat="once",
            first_day=date.min,  # set to a few weeks from today
            start_time=time(18, 0),
            end_time=time(19, 30),
            timezone=CHICAGO,
            childcare=True,
            wheelchair=True,
            notes="Learn to recognise an overdose and use naloxone. Everyone leaves with a kit.",
            **SPRINGFIELD_HALL,
        ),
    ),
    (
        PARENTS,
        _weekly(
            "Monday and Thursday parents' check-in",
            (0, 3),
            (20, 0),
            (21, 0),
            NEW_YORK,
            mode="online",
            conference_url="https://meet.example.org/parents-evening",
            conference_phone="+1 212-555-0147",
            conference_notes="The link is shown to signed-in members only.",
            beginners=True,
            **NEW_YORK_ORIGIN,
        ),
    ),
    (
        PARENTS,
        _weekly(
            "Sunday afternoon parents' circle",
            (6,),
            (15, 0),
            (16, 30),
            NEW_YORK,
            mode="online",
            conference_url="https://zoom.us/j/5550152",
            link_public=True,
            **NEW_YORK_ORIGIN,
        ),
    ),
    (
        PARENTS,
        _weekly(
            "Wednesday lunchtime call-in",
            (2,),
            (12, 0),
            (12, 45),
            NEW_YORK,
            mode="online",
            conference_phone="+1 646-555-0188",
            conference_notes="Dial in from any phone; press # when asked for a participant ID.",
            link_public=True,
            notes="Phone only, so you can join from the car or on a break.",
            **NEW_YORK_ORIGIN,
        ),
    ),
    (
        PARTNERS,
        _weekly(
            "Wednesday partners' meeting",
            (2,),
            (19, 0),
            (20, 30),
            LOS_ANGELES,
            mode="hybrid",
            conference_url="https://meet.example.org/bay-partners",
            open_to_all=False,
            wheelchair=True,
            notes="For members: ask the facilitator about joining after your first visit.",
            **OAKLAND_CENTER,
        ),
    ),
    (
        PARTNERS,
        MeetingData(
            name="First Tuesday skills workshop",
            repeat="monthly",
            month_week=1,
            month_weekday=1,
            first_day=date.min,
            start_time=time(18, 30),
            end_time=time(20, 0),
            timezone=LOS_ANGELES,
            beginners=True,
            notes="Practising calm, clear conversations about treatment and boundaries.",
            **OAKLAND_CENTER,
        ),
    ),
    (
        PARTNERS,
        _weekly(
            "Saturday walk and talk",
            (5,),
            (9, 0),
            (10, 30),
            LOS_ANGELES,
            venue="Lake Merritt boathouse steps",
            city="Oakland",
            region="CA",
            country="US",
            location_notes="An easy 3 km loop; we talk as we walk. Rain cancels.",
        ),
    ),
    (
        REMEMBRANCE,
        _weekly(
            "Friday remembrance circle",
            (4,),
            (18, 0),
            (19, 30),
            NEW_YORK,
            mode="online",
            conference_url="https://meet.example.org/remembrance",
            conference_phone="+1 718-555-0119",
            open_to_all=False,
            **NEW_YORK_ORIGIN,
        ),
    ),
    (
        REMEMBRANCE,
        _weekly(
            "Sunday tea and memories",
            (6,),
            (14, 0),
            (15, 30),
            NEW_YORK,
            venue="Riverside Library, Community Room",
            address="27 River Street",
            city="Brooklyn",
            region="NY",
            postal_code="11201",
            country="US",
            open_to_all=False,
            wheelchair=True,
        ),
    ),
]


def _today(timezone: str) -> date:
    return clock.today_in(timezone)


def _dated(data: MeetingData) -> MeetingData:
    """The meeting with its first day set relative to today in its own timezone."""
    today = _today(data.timezone)
    if data.repeat == "once":
        return replace(data, first_day=today + timedelta(days=ONE_OFF_DAYS_AHEAD))
    back = today - timedelta(weeks=SERIES_WEEKS_BACK)
    # Start on a real date of the series, as a facilitator would.
    return replace(data, first_day=recurrence.next_day(replace(data, first_day=back).rule, back))


def _day_ahead(meeting: Meeting, days: int) -> date:
    """The meeting's first date at least ``days`` after today in its own timezone."""
    start = _today(meeting.timezone) + timedelta(days=days)
    return recurrence.next_day(recurrence.Rule.of(meeting), start)


def load_demo_groups(facilitator: User, caregiver: User | None) -> int:
    """Create the demo groups and meetings once; returns how many meetings were created."""
    if groups_run_by(facilitator.id):
        return 0
    groups = {}
    made: dict[str, Meeting] = {}
    for group_data, meeting_data in MEETINGS:
        if group_data.name not in groups:
            groups[group_data.name] = create_group(facilitator, group_data)
        made[meeting_data.name] = create_meeting(groups[group_data.name], _dated(meeting_data))

    tuesday = made["Tuesday evening family circle"]
    cancel_occurrence(
        tuesday,
        _day_ahead(tuesday, CANCEL_DAYS_AHEAD),
        "The hall is closed this week. We meet again the Tuesday after; the Saturday "
        "meeting is on as usual.",
    )
    partners = made["Wednesday partners' meeting"]
    moved_from = _day_ahead(partners, MOVE_DAYS_AHEAD)
    move_occurrence(
        partners,
        moved_from,
        moved_from + timedelta(days=1),
        time(18, 30),
        time(20, 0),
        "This week we meet on Thursday at 6:30: the center needs the room on Wednesday.",
    )

    if caregiver is not None:
        follow(caregiver, groups[SPRINGFIELD.name])
        saturday = made["Saturday morning coffee and support"]
        attend(caregiver, saturday, _day_ahead(saturday, 1), False, clock.now())
    return len(made)
