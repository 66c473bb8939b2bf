"""Self-care goals and boundaries through the pages: writing, checking in, archiving, privacy."""

import itertools
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from html import unescape

import pytest
import sqlalchemy as sa
from helpers import CSRF_RE, PASSWORD, log_in, queries_for, raw_values, submit
from markupsafe import escape
from xss_payloads import PAYLOADS

from caregiver import clock, encouragement, sealed
from caregiver.extensions import db
from caregiver.goals import boundaries, rules, services
from caregiver.goals.models import Boundary, BoundaryCheckin, Goal, GoalCheckin, WellbeingCheckin
from caregiver.journal import services as journal

pytestmark = pytest.mark.time_dependent

ZONE = "America/Chicago"  # the test people's timezone


def today() -> date:
    return rules.day_for(clock.now(), ZONE)


def add_goal(user, title="Walk 20 minutes", per_week=7):
    return services.create_goal(user, services.GoalData(title, per_week))


def add_boundary(user, statement="I will not give cash.", reason="", response=""):
    return boundaries.create_boundary(user, boundaries.BoundaryData(statement, reason, response))


def tap(client, url, value, day=None, note="", expect=302, **headers):
    data = {"day": (day or today()).isoformat(), "value": value, "note": note}
    response = submit(client, url, data, page="/goals/", headers=headers)
    assert response.status_code == expect, response.get_data(as_text=True)[:3000]
    return response


def test_add_a_goal_and_check_in_from_the_today_list(client, login):
    user = login()
    page = client.get("/goals/").get_data(as_text=True)
    assert "No self-care goals yet" in page and "No boundaries yet" in page
    created = submit(client, "/goals/new", {"title": "  Walk   20 minutes ", "per_week": "7"})
    assert created.status_code == 302
    goal = db.session.scalar(sa.select(Goal).where(Goal.user_id == user.id))
    assert services.open_goal(goal).title == "Walk 20 minutes" and goal.start_day == today()
    tap(client, f"/goals/{goal.id}/check-in", "done", note="Felt good")
    page = client.get("/goals/").get_data(as_text=True)
    # The plain form post answers with a warm line after the redirect.
    line = encouragement.pick(encouragement.CHECK_IN, goal.id + today().toordinal())
    assert f"<span>{escape('Done. ' + line)}</span>" in page
    assert "Felt good" in page and 'class="flash flash-success cheer"' in page
    # The home page counts active goals done today; an archived one counts for neither side.
    services.archive_goal(add_goal(user, "Old goal"), today())
    assert "1 of 1 done today." in client.get("/dashboard").get_data(as_text=True)
    assert 'aria-pressed="true"' in page and "Streak: 1 day" in page
    # Tapping Done again clears it.
    tap(client, f"/goals/{goal.id}/check-in", "clear")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GoalCheckin)) == 0


def test_one_check_in_per_item_per_day_and_a_second_updates_the_first(client, login):
    user = login()
    goal, boundary = add_goal(user), add_boundary(user)
    yesterday = today() - timedelta(days=1)
    tap(client, f"/goals/{goal.id}/check-in", "done", day=yesterday, note="first")
    tap(client, f"/goals/{goal.id}/check-in", "skip", day=yesterday, note="at the hospital")
    tap(client, f"/boundaries/{boundary.id}/check-in", "tested", day=yesterday)
    tap(client, f"/boundaries/{boundary.id}/check-in", "held", day=yesterday, note="said no")
    db.session.remove()
    goal_rows = db.session.scalars(sa.select(GoalCheckin)).all()
    assert [(r.day, r.status) for r in goal_rows] == [(yesterday, "skip")]
    assert sealed.open_text(goal_rows[0], "note_sealed") == "at the hospital"
    boundary_rows = db.session.scalars(sa.select(BoundaryCheckin)).all()
    assert [(r.day, r.outcome) for r in boundary_rows] == [(yesterday, "held")]
    # The back-dated day's list shows what was recorded for it.
    page = client.get(f"/goals/?day={yesterday.isoformat()}").get_data(as_text=True)
    assert "at the hospital" in page and "said no" in page and "Back to today" in page


def test_a_script_tap_gets_just_the_card_back(client, login):
    user = login()
    goal, boundary = add_goal(user), add_boundary(user)
    card = tap(
        client, f"/goals/{goal.id}/check-in", "done", expect=200, **{"X-Requested-With": "fetch"}
    )
    html = card.get_data(as_text=True)
    assert html.lstrip().startswith("<article")
    assert "<html" not in html and 'aria-pressed="true"' in html and f'id="goal-{goal.id}"' in html
    card = tap(
        client,
        f"/boundaries/{boundary.id}/check-in",
        "crossed",
        day=today() + timedelta(days=2),
        note="keep this note",
        expect=400,
        **{"X-Requested-With": "fetch"},
    )
    html = card.get_data(as_text=True)
    assert "hasn&#39;t come yet" in html and "keep this note" in html and "<html" not in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BoundaryCheckin)) == 0


@pytest.mark.parametrize(
    ("value", "day_offset", "message"),
    [
        ("done", 1, "You can&#39;t check in for a day that hasn&#39;t come yet."),
        ("done", None, "Enter a date."),
        ("maybe", 0, "Choose “Done” or “Skip day”."),
    ],
)
def test_bad_goal_check_ins_say_why_and_keep_the_note(client, login, value, day_offset, message):
    user = login()
    goal = add_goal(user)
    day = "" if day_offset is None else (today() + timedelta(days=day_offset)).isoformat()
    data = {"day": day, "value": value, "note": "my words"}
    response = submit(client, f"/goals/{goal.id}/check-in", data, page="/goals/")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html and ">my words</textarea>" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GoalCheckin)) == 0


def test_archived_items_take_no_check_ins_until_restored(client, login):
    user = login()
    goal, boundary = add_goal(user), add_boundary(user)
    submit(client, f"/goals/{goal.id}/archive", page=f"/goals/{goal.id}")
    submit(client, f"/boundaries/{boundary.id}/archive", page=f"/boundaries/{boundary.id}")
    page = client.get("/goals/").get_data(as_text=True)
    assert "Walk 20 minutes" not in page and "I will not give cash." not in page
    response = tap(client, f"/goals/{goal.id}/check-in", "done", note="n1", expect=400)
    assert "This goal is archived. Restore it to check in." in response.get_data(as_text=True)
    response = tap(client, f"/boundaries/{boundary.id}/check-in", "held", expect=400)
    assert "This boundary is archived." in response.get_data(as_text=True)
    assert "Restore" in client.get("/goals/manage").get_data(as_text=True)
    submit(client, f"/goals/{goal.id}/restore", page=f"/goals/{goal.id}")
    submit(client, f"/boundaries/{boundary.id}/restore", page=f"/boundaries/{boundary.id}")
    tap(client, f"/goals/{goal.id}/check-in", "done")
    tap(client, f"/boundaries/{boundary.id}/check-in", "held")
    page = client.get("/goals/").get_data(as_text=True)
    assert "Walk 20 minutes" in page and "I will not give cash." in page


@pytest.mark.parametrize(
    ("fields", "field_message"),
    [
        ({"title": "   "}, "Give the goal a name"),
        ({"title": "x" * 201}, "Keep the name to 200 characters or fewer."),
        ({"per_week": "8"}, "Choose between 1 and 7 times a week."),
        ({"per_week": "0"}, "Choose between 1 and 7 times a week."),
        ({"per_week": "often"}, "Choose between 1 and 7 times a week."),
        ({"reminder_time": "25:61"}, "Enter a time like 08:30, or leave it empty."),
        ({"reminder_time": "soon"}, "Enter a time like 08:30, or leave it empty."),
    ],
)
def test_bad_goal_input_saves_nothing_and_keeps_what_was_typed(
    client, login, fields, field_message
):
    login()
    data = {"title": "Call my sister", "per_week": "2", "reminder_time": "18:30", **fields}
    response = submit(client, "/goals/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and field_message in html
    kept = data["title"].strip() or None
    if kept and len(kept) <= 200:
        assert f'value="{kept}"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Goal)) == 0


@pytest.mark.parametrize(
    ("fields", "field_message"),
    [
        ({"statement": " \n "}, "Write the boundary"),
        ({"statement": "x" * 301}, "Keep the boundary to 300 characters or fewer."),
        ({"response": "y" * 1001}, "Keep this to 1,000 characters or fewer."),
    ],
)
def test_bad_boundary_input_saves_nothing_and_keeps_what_was_typed(
    client, login, fields, field_message
):
    login()
    data = {
        "statement": "I won't lend the car.",
        "reason": "Safety first",
        "response": "",
        **fields,
    }
    response = submit(client, "/boundaries/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and field_message in html and "Safety first" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Boundary)) == 0


def test_write_a_boundary_from_an_example_then_edit_it(client, login):
    user = login()
    page = client.get("/boundaries/new?example=money").get_data(as_text=True)
    example = services.examples()["boundaries"]["money"]
    assert example["statement"] in page and "Change any words" in page
    for key in ("money", "home", "car", "talk", "work"):
        assert f"/boundaries/new?example={key}" in page
    data = {
        "statement": "I won't hand over cash.",
        "reason": "It went to drugs.",
        "response": "I'll say no.",
    }
    created = submit(client, "/boundaries/new", data)
    assert created.status_code == 302
    row = db.session.scalar(sa.select(Boundary).where(Boundary.user_id == user.id))
    shown = client.get(f"/boundaries/{row.id}").get_data(as_text=True)
    assert "It went to drugs." in shown and "I&#39;ll say no." in shown
    edited = submit(client, f"/boundaries/{row.id}/edit", {**data, "response": ""})
    assert edited.status_code == 302
    db.session.remove()
    item = boundaries.open_boundary(db.session.get(Boundary, row.id))
    assert (item.statement, item.response) == ("I won't hand over cash.", "")


def test_starter_goals_are_added_in_one_tap(client, login):
    user = login()
    page = client.get("/goals/new").get_data(as_text=True)
    for title in ("In bed by 11 p.m.", "Go to my family support group", "Spend time outdoors"):
        assert title in page
    added = submit(client, "/goals/suggested/walk", page="/goals/new")
    assert added.status_code == 302
    goal = services.goals_of(user.id)[0]
    assert (goal.title, goal.per_week) == ("Walk for 20 minutes", 5)
    assert submit(client, "/goals/suggested/nope", page="/goals/new").status_code == 400


def test_edit_a_goal_and_its_reminder_time(client, login):
    user = login()
    goal = add_goal(user)
    page = client.get(f"/goals/{goal.id}/edit").get_data(as_text=True)
    assert 'value="Walk 20 minutes"' in page
    data = {"title": "Walk 30 minutes", "per_week": "3", "reminder_time": "07:45"}
    assert submit(client, f"/goals/{goal.id}/edit", data).status_code == 302
    db.session.remove()
    item = services.open_goal(db.session.get(Goal, goal.id))
    assert (item.title, item.per_week, item.reminder_time.isoformat()) == (
        "Walk 30 minutes",
        3,
        "07:45:00",
    )
    shown = client.get(f"/goals/{goal.id}").get_data(as_text=True)
    assert "3 times a week" in shown and "7:45 AM" in shown
    cleared = {"title": "Walk 30 minutes", "per_week": "3", "reminder_time": ""}
    assert submit(client, f"/goals/{goal.id}/edit", cleared).status_code == 302
    db.session.remove()
    assert db.session.get(Goal, goal.id).reminder_time is None


def test_delete_asks_first_and_takes_the_check_ins_with_it(client, login):
    user = login()
    goal, boundary = add_goal(user), add_boundary(user)
    tap(client, f"/goals/{goal.id}/check-in", "done")
    tap(client, f"/boundaries/{boundary.id}/check-in", "held")
    confirm = client.get(f"/goals/{goal.id}/delete").get_data(as_text=True)
    assert "Delete this goal?" in confirm and "Archive instead" in confirm
    submit(client, f"/goals/{goal.id}/delete")
    submit(client, f"/boundaries/{boundary.id}/delete")
    for model in (Goal, GoalCheckin, Boundary, BoundaryCheckin):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
    assert client.get(f"/goals/{goal.id}").status_code == 404


def test_check_in_history_pages_back_without_gaps(client, login):
    user = login()
    goal = add_goal(user)
    first = today() - timedelta(days=44)
    for n in range(45):
        services.check_in_goal(goal, first + timedelta(days=n), "done", f"note {n}", today())
    page = client.get(f"/goals/{goal.id}").get_data(as_text=True)
    assert "note 44" in page and "note 15" in page and "note 14" not in page
    older = (first + timedelta(days=15)).isoformat()
    assert f"?before={older}" in page
    page = client.get(f"/goals/{goal.id}?before={older}").get_data(as_text=True)
    assert "note 14" in page and "note 0" in page and "note 15" not in page
    assert "Older check-ins" not in page
    assert client.get(f"/goals/{goal.id}?before=garbage").status_code == 200
    newest = client.get(f"/goals/{goal.id}").get_data(as_text=True)
    assert "<dt>Current streak</dt><dd>45 days</dd>" in newest


def test_another_persons_goals_and_boundaries_answer_404_on_every_route(app, client, make_user):
    owner, other = make_user(), make_user()
    goal, boundary = add_goal(owner), add_boundary(owner)
    archived = add_goal(owner, "archived one")
    services.archive_goal(archived, today())
    services.check_in_goal(goal, today(), "done", "private note", today())
    log_in(client, other)
    token = CSRF_RE.search(client.get("/goals/new").get_data(as_text=True)).group(1)
    targets = {"goal_id": (goal.id, archived.id), "boundary_id": (boundary.id,)}
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("goals.", "boundaries.", "progress.")):
            continue
        for name in set(rule.arguments) & set(targets):
            choices = {
                arg: sorted(conv.items)
                for arg, conv in rule._converters.items()
                if hasattr(conv, "items")
            }
            for target, picked in itertools.product(
                targets[name], itertools.product(*choices.values())
            ):
                path = rule.build({name: target, **dict(zip(choices, picked, strict=True))})[1]
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    data = {"csrf_token": token, "day": today().isoformat(), "value": "done"}
                    response = client.open(
                        path, method=method, data=data if method == "POST" else None
                    )
                    assert response.status_code == 404, (method, path)
                    checked += 1
    assert checked >= 14
    # The lists and progress of the other person show none of it.
    for url in ("/goals/", "/goals/manage", "/boundaries/", "/progress"):
        html = client.get(url).get_data(as_text=True)
        assert (
            "Walk 20 minutes" not in html and "give cash" not in html and "private note" not in html
        )
    db.session.remove()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GoalCheckin)) == 1


def test_goal_and_boundary_text_is_sealed_at_rest(app, make_user, database_url):
    user = make_user()
    marker = "Zanzibar-Quokka"
    goal = add_goal(user, f"{marker} walk")
    boundary = add_boundary(user, f"{marker} cash", f"{marker} why", f"{marker} then")
    services.check_in_goal(goal, today(), "done", f"{marker} goal note", today())
    boundaries.check_in_boundary(boundary, today(), "held", f"{marker} boundary note", today())
    user_id = user.id
    db.session.remove()
    assert marker.encode() not in raw_values(db.engine)
    assert services.goals_of(user_id)[0].title == f"{marker} walk"


def test_weekly_check_in_saves_one_row_a_week_and_starts_from_last_time(client, login):
    login()
    page = client.get("/progress/check-in").get_data(as_text=True)
    assert "Time for myself" in page and "Emotional life" in page
    ratings = {"sleep": "4", "money": "2", "own_time": "7"}
    week = rules.week_start(today()).isoformat()
    assert submit(client, "/progress/check-in", {"week": week, **ratings}).status_code == 302
    assert (
        submit(client, "/progress/check-in", {"week": week, **ratings, "sleep": "6"}).status_code
        == 302
    )
    rows = db.session.scalars(sa.select(WellbeingCheckin)).all()
    assert [(r.week.isoformat(), r.sleep, r.money, r.family) for r in rows] == [(week, 6, 2, None)]
    progress_page = client.get("/progress").get_data(as_text=True)
    assert "Change this week's ratings" in progress_page and "Your latest ratings" in progress_page
    # Last week's form starts from the latest ratings, for speed.
    last_week = (rules.week_start(today()) - timedelta(days=7)).isoformat()
    form = client.get(f"/progress/check-in?week={last_week}").get_data(as_text=True)
    assert f'value="{last_week}"' in form
    assert re.search(r'<input checked[^>]*name="sleep"[^>]*value="6"', form)
    assert re.search(r'<input checked[^>]*name="family"[^>]*value=""', form)  # left out


@pytest.mark.parametrize(
    ("fields", "message", "status"),
    [
        ({}, "Rate at least one area", 400),
        ({"sleep": "11"}, "Choose a number from 1 to 10.", 400),
        (
            {"sleep": "3", "week": "2000-01-04"},
            "Choose this week or an earlier one.",
            400,
        ),  # a Tuesday
        ({"sleep": "3", "week": "not a date"}, "Enter a date, like", 400),
        ({"sleep": "3", "week": "0001-01-01"}, "Choose a date from 1900 to", 400),
    ],
)
def test_bad_weekly_check_ins_say_why(client, login, fields, message, status):
    login()
    data = {"week": rules.week_start(today()).isoformat(), **fields}
    response = submit(client, "/progress/check-in", data)
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WellbeingCheckin)) == 0


@pytest.mark.parametrize("blank", [" ", "\t", "\r\n"])
def test_a_rating_of_blank_space_is_a_form_error_that_keeps_the_other_ratings(client, login, blank):
    login()
    data = {"week": rules.week_start(today()).isoformat(), "sleep": blank, "money": "4"}
    response = submit(client, "/progress/check-in", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Choose a number from 1 to 10." in html
    assert re.search(r'<input checked[^>]*name="money"[^>]*value="4"', html)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WellbeingCheckin)) == 0


def seed_goals(user, goal_count, days_back):
    """Goals with a check-in on most days for ``days_back`` days, written in bulk."""
    first = today() - timedelta(days=days_back)
    made = [add_goal(user, f"goal {n}", per_week=7 if n % 3 else 3) for n in range(goal_count)]
    for goal in made:
        goal.start_day = first
    rows = [
        {"user_id": user.id, "goal_id": goal.id, "day": first + timedelta(days=d), "status": "done"}
        for goal in made
        for d in range(days_back)
        if d % 5
    ]
    db.session.execute(sa.insert(GoalCheckin), rows)
    db.session.commit()
    return made


def test_progress_runs_the_same_number_of_queries_for_1_and_50_goals(app, make_user):
    small, large = make_user(), make_user()
    seed_goals(small, 1, 730)
    seed_goals(large, 50, 730)
    for person in (small, large):
        boundary = add_boundary(person)
        boundaries.check_in_boundary(boundary, today(), "tested", "", today())
    for url in ("/progress", "/goals/"):
        counts = [queries_for(app, person, url) for person in (small, large)]
        assert counts[0] == counts[1] <= 12, (url, counts)


SVG_RE = re.compile(r"<svg xmlns=.*?</svg>", re.DOTALL)
NS = "{http://www.w3.org/2000/svg}"


def charts_on(html: str) -> dict[str, ET.Element]:
    """Every chart on a page, parsed as XML, by its id."""
    found = {}
    for text in SVG_RE.findall(html):
        root = ET.fromstring(text)  # noqa: S314 - our own page, under test
        found[root.find(f"{NS}title").attrib["id"].removesuffix("-title")] = root
    return found


def table_rows(html: str, chart_id: str) -> list[list[str]]:
    """The data table that follows a chart, as text cells."""
    table = html.split(f'id="{chart_id}-table"', 1)[1].split("</table>", 1)[0]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.DOTALL)
    ]


def test_progress_pictures_match_their_tables_and_the_data(client, login):
    user = login()
    goal, boundary = add_goal(user), add_boundary(user)
    current = today()
    for back, status in ((0, "done"), (1, "done"), (2, "skip"), (3, "done"), (30, "done")):
        services.check_in_goal(goal, current - timedelta(days=back), status, "", current)
    for back, outcome in ((0, "held"), (1, "tested"), (8, "crossed"), (9, "held")):
        boundaries.check_in_boundary(boundary, current - timedelta(days=back), outcome, "", current)
    for back, mood in ((0, 4), (0, 2), (5, 5), (1, None)):
        entry = journal.EntryData(
            body="x",
            entry_date=current - timedelta(days=back),
            entry_time=clock.now().time(),
            mood=mood,
        )
        journal.create_entry(user, entry)
    html = client.get("/progress").get_data(as_text=True)
    found = charts_on(html)
    # No weekly ratings yet: the invitation to rate stands where their chart will be.
    assert set(found) == {"goal-calendar", "boundary-weeks", "mood-30", "mood-90"}
    assert "Do this week's check-in" in unescape(html)
    for chart_id, root in found.items():
        assert root.find(f"{NS}title").text and root.attrib["role"] == "img", chart_id
    # Heatmap: four done days drawn, and the weekly table adds up to the same.
    cells = [el for el in found["goal-calendar"].iter(f"{NS}rect") if "data-day" in el.attrib]
    assert sum(int(el.attrib["data-done"]) for el in cells) == 4
    assert sum(int(row[1]) for row in table_rows(html, "goal-calendar")) == 4
    # Bars: each segment's value is the table's cell for that week and outcome.
    rows = {row[0]: row[1:] for row in table_rows(html, "boundary-weeks")}
    segments = [
        el for el in found["boundary-weeks"].iter(f"{NS}rect") if "data-series" in el.attrib
    ]
    assert sum(int(el.attrib["data-value"]) for el in segments) == 4
    column = {"held": 0, "tested": 1, "crossed": 2}
    for el in segments:
        monday = date.fromisoformat(el.attrib["data-week"])
        label = f"{monday:%b} {monday.day}"
        assert rows[label][column[el.attrib["data-series"]]] == el.attrib["data-value"]
    # Mood: the day with two entries shows their average.
    points = {
        el.attrib["data-day"]: el.attrib["data-value"]
        for el in found["mood-30"].iter(f"{NS}circle")
    }
    assert points == {current.isoformat(): "3", (current - timedelta(days=5)).isoformat(): "5"}
    assert [row[1] for row in table_rows(html, "mood-30")] == ["5", "3"]
    # The summary counts the entries with a mood (three), not the days (two).
    assert "Across 3 entries the average was 3.7 on a scale from 1 to 5." in html


def test_a_newcomers_progress_shows_what_will_appear_instead_of_empty_charts(client, login):
    user = login()
    html = client.get("/progress").get_data(as_text=True)
    assert charts_on(html) == {} and 'class="chart' not in html
    assert html.count('class="empty-state has-art"') == 4
    assert "After a few check-ins you'll see your week here" in unescape(html)
    for url in ("/goals/new", "/boundaries/new", "/journal/new", "/progress/check-in"):
        assert f'class="button button-primary" href="{url}"' in html, url
    # A goal and a boundary without check-ins yet: the buttons lead to checking in instead.
    add_goal(user), add_boundary(user)
    html = client.get("/progress").get_data(as_text=True)
    assert charts_on(html) == {}
    assert 'href="/goals/">Check in today</a>' in html
    assert 'href="/goals/#boundaries-heading">Check in on a boundary</a>' in html


def test_goal_and_boundary_text_is_rendered_inert(client, login):
    user = login()
    picked = [p for p in PAYLOADS if "<" in p][:15]
    for payload in picked:
        goal = add_goal(user, payload[:200])
        boundary = add_boundary(user, payload[:300], payload, payload)
        services.check_in_goal(goal, today(), "done", payload, today())
        boundaries.check_in_boundary(boundary, today(), "held", payload, today())
    pages = ["/goals/", "/goals/manage", "/boundaries/", "/progress"]
    pages += [f"/goals/{g.id}" for g in services.goals_of(user.id)[:3]]
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html.lower() and "<img src=x" not in html.lower(), url
        assert not re.search(r"<[a-z]+[^>]*\son[a-z]+\s*=", html, re.IGNORECASE), url


def test_deleting_the_account_erases_goals_boundaries_and_ratings(client, login):
    user = login()
    goal, boundary = add_goal(user), add_boundary(user)
    services.check_in_goal(goal, today(), "done", "n", today())
    boundaries.check_in_boundary(boundary, today(), "held", "n", today())
    week = rules.week_start(today()).isoformat()
    submit(client, "/progress/check-in", {"week": week, "sleep": "5"})
    response = submit(client, "/account/delete", {"password": PASSWORD})
    assert response.status_code == 302
    db.session.remove()
    for model in (Goal, GoalCheckin, Boundary, BoundaryCheckin, WellbeingCheckin):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0, model
