"""Whatever arrives, on whichever page, the app answers with a page or a message, never a 500.

Every route of the URL map is walked as a person who owns some of everything, as a facilitator
and as a visitor, with odd path values (huge numbers, unicode, blanks, long text), odd query
strings, and the forms the pages show filled with odd values (with a valid CSRF token, so they
reach their checks). Hypothesis seeds itself from the test, so CI sends the requests a laptop
does.
"""

import logging
from datetime import time, timedelta

import pytest
from careplan_helpers import fill_everything
from fuzz_helpers import explore, form_for, path_for, query_for, routes
from group_helpers import make_group, make_meeting
from helpers import csrf_token, log_in, next_local, today
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from caregiver import clock
from caregiver.extensions import db
from caregiver.goals import boundaries
from caregiver.goals import services as goal_services
from caregiver.groups import attendance, changes
from caregiver.journal import services as journal_services

pytestmark = pytest.mark.one_instant

WALK = settings(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
# Requests per route and method: with about 150 of them, the walks send over 2,000 requests.
PERSON_EXAMPLES = 6
FACILITATOR_EXAMPLES = 3
VISITOR_EXAMPLES = 4
START_PAGES = ["/", "/dashboard", "/help", "/auth/login", "/auth/register", "/groups/manage"]
# Pages where the walk would end itself: logging out makes the rest a visitor's walk.
SKIPPED = {"auth.logout"}


@pytest.fixture
def person(make_user):
    """A person with some of everything: journal, goals, boundaries, care plan, a meeting."""
    user = make_user()
    entry = journal_services.EntryData("A hard day.", today(), time(21, 30), tags=["home"])
    journal_services.add_entry(user, entry)
    db.session.commit()
    goal = goal_services.create_goal(user, goal_services.GoalData("Walk 20 minutes", 7))
    goal_services.check_in_goal(goal, today(), "done", "felt good", today())
    boundaries.create_boundary(user, boundaries.BoundaryData("I will not give cash.", "", ""))
    fill_everything(user)
    meeting = make_meeting(make_group(make_user(role="facilitator")))
    attendance.follow(user, meeting.group)
    tuesday = next_local(time(19), "America/Chicago", weekday=1).date()
    attendance.attend(user, meeting, tuesday, False, clock.now())
    return user


@pytest.fixture
def facilitator(make_user):
    """A facilitator with a group, a meeting, and one of its dates moved."""
    user = make_user(role="facilitator")
    meeting = make_meeting(make_group(user))
    tuesday = next_local(time(19), "America/Chicago", weekday=1).date()
    changes.move_occurrence(meeting, tuesday, tuesday + timedelta(days=1), None, None, "")
    return user


def walk(app, client, examples: int, caplog, signed_in: bool) -> int:
    """Send odd requests to every route; fail on a 500, an exception or a logged error."""
    site = explore(app, client, START_PAGES)
    # Any page with a form has the session's token; the log-out button is on every page.
    token = csrf_token(client, "/help" if signed_in else "/auth/login")
    sent = sum(
        odd_requests(client, rule, method, site, token, examples)
        for rule, method in routes(app)
        if rule.endpoint not in SKIPPED
    )
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not errors, errors[0].getMessage()
    return sent


def odd_requests(client, rule, method: str, site, token: str, examples: int) -> int:
    """``examples`` requests to one route, each with its own odd values; how many were sent."""
    forms = [form for form in site.forms.get(rule.endpoint, []) if form.method == method]
    queries = site.queries.get(rule.endpoint, {})
    sent = 0

    @settings(WALK, max_examples=examples)
    @given(st.data())
    def send(data):
        nonlocal sent
        path = path_for(data, rule, site)
        if method == "GET":
            response = client.get(path, query_string=query_for(data, forms, queries))
        else:
            response = client.open(path, method=method, data=form_for(data, forms, token))
        sent += 1
        assert response.status_code != 500, f"{method} {path}"

    send()
    return sent


def test_odd_input_from_a_signed_in_person_never_breaks_a_page(app, client, person, caplog):
    log_in(client, person)
    assert walk(app, client, PERSON_EXAMPLES, caplog, signed_in=True) >= 1_000


def test_odd_input_from_a_facilitator_never_breaks_a_page(app, client, facilitator, caplog):
    log_in(client, facilitator)
    assert walk(app, client, FACILITATOR_EXAMPLES, caplog, signed_in=True) >= 500


def test_odd_input_from_a_visitor_never_breaks_a_page(app, client, caplog):
    assert walk(app, client, VISITOR_EXAMPLES, caplog, signed_in=False) >= 650
