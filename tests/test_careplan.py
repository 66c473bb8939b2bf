"""The care plan: privacy between people and at rest, the timeline, programs, paperwork, contacts,
the summary and the dashboard card."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from careplan_helpers import add_contact, add_event, add_program, fill_everything
from helpers import (
    CSRF_RE,
    PASSWORD,
    DaysFromToday,
    log_in,
    raw_values,
    resolve_days,
    submit,
    today,
)

from caregiver.careplan import journey, rules, services
from caregiver.careplan.models import ALL_MODELS, JourneyEvent, Program
from caregiver.extensions import db

pytestmark = pytest.mark.time_dependent

EVENT = {
    "kind": "detox_started",
    "medication": "",
    "dose": "",
    "note": "Drove them to intake at 7.",
}
PROGRAM = {
    "name": "Riverside Recovery",
    "kind": "outpatient",
    "status": "called",
    "phone": "+1 (555) 201-3000",
    "website": "https://riverside.example.org",
    "insurance": "yes",
}


def event_form(**fields):
    return EVENT | {"day": DaysFromToday(-3)} | fields


def program_form(**fields):
    return PROGRAM | fields


def rows(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_another_persons_care_plan_answers_404_on_every_route(app, client, make_user):
    owner, other = make_user(), make_user()
    made = fill_everything(owner, "Mine")
    document = services.items(services.PaperworkDocument, owner.id)[0]
    call = services.items(services.InsuranceCall, owner.id)[0]
    targets = {
        "event_id": made["event"].id,
        "program_id": made["program"].id,
        "contact_id": made["contact"].id,
        "call_id": call.id,
        "document_id": document.id,
    }
    owner_id = owner.id
    log_in(client, other)
    token = CSRF_RE.search(client.get("/careplan/").get_data(as_text=True)).group(1)
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("careplan") or not set(rule.arguments) & set(targets):
            continue
        (name,) = set(rule.arguments) & set(targets)
        path = rule.build({name: targets[name]})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {
                "csrf_token": token,
                **resolve_days(event_form()),
                **program_form(),
                "questions": "moud",
            }
            response = client.open(path, method=method, data=data if method == "POST" else None)
            assert response.status_code == 404, (method, path)
            checked += 1
    assert checked >= 17
    # Comparing with another person's program is refused the same way.
    mine = add_program(other, "My own")
    both = f"/careplan/programs/compare?ids={mine.id}&ids={made['program'].id}"
    assert client.get(both).status_code == 404
    # Nothing of theirs shows on any list page, the summary, the dashboard or the export.
    pages = ["/careplan/", "/careplan/journey/", "/careplan/programs/", "/careplan/insurance/"]
    pages += ["/careplan/contacts/", "/careplan/summary", "/dashboard"]
    for url in pages:
        assert "Mine" not in client.get(url).get_data(as_text=True), url
    exported = submit(client, "/careplan/export").get_data(as_text=True)
    assert "Mine" not in exported
    db.session.remove()
    assert services.open_row(db.session.get(Program, made["program"].id)).checklist == 3
    assert len(services.items(JourneyEvent, owner_id)) == 2


def test_every_typed_word_is_sealed_at_rest(app, make_user):
    user = make_user()
    marker = "Quetzal-Marmalade"
    fill_everything(user, marker)
    user_id = user.id
    db.session.remove()
    raw = raw_values(db.engine)
    assert marker.encode() not in raw and marker.lower().encode() not in raw
    for model in ALL_MODELS:  # every sealed column held the marker, so each really was checked
        opened = [services.open_row(r) for r in db.session.scalars(sa.select(model))]
        for name in set(model.SEALED) - {"phone", "email"}:
            assert any(marker in getattr(item, name) for item in opened), (model, name)
    assert services.plan_of(user_id).member_number == f"{marker}-M123"


def test_timeline_is_newest_first_ties_by_creation_and_filters_by_kind(client, login):
    user = login()
    first = add_event(user, "helpline", 30, note="called the line")
    same_day_a = add_event(user, "assessment", 5, note="assessment A")
    same_day_b = add_event(user, "detox_started", 5, note="detox B")
    newest = add_event(user, "relapse", 1, note="relapsed")
    order = [e.id for e in journey.timeline(user.id)]
    assert order == [newest.id, same_day_b.id, same_day_a.id, first.id]
    html = client.get("/careplan/journey/").get_data(as_text=True)
    shown = [int(n) for n in re.findall(r'id="item-(\d+)"', html)]
    assert shown == order
    assert html.index("relapsed") < html.index("detox B") < html.index("assessment A")
    only = client.get("/careplan/journey/?kind=assessment").get_data(as_text=True)
    assert re.findall(r'id="item-(\d+)"', only) == [str(same_day_a.id)]
    assert client.get("/careplan/journey/?kind=overdose").status_code == 200
    unknown = client.get("/careplan/journey/?kind=nonsense").get_data(as_text=True)
    assert len(re.findall(r'id="item-(\d+)"', unknown)) == 4  # an unknown kind shows everything


def test_relapse_links_to_guidance_and_overdose_to_help(client, login):
    user = login()
    add_event(user, "relapse", 2)
    add_event(user, "overdose", 1)
    html = client.get("/careplan/journey/").get_data(as_text=True)
    assert 'href="/guidance/when-relapse-happens"' in html and 'href="/help"' in html
    assert client.get("/guidance/when-relapse-happens").status_code == 200


def test_empty_states_on_every_list(client, login):
    login()
    expected = {
        "/careplan/journey/": "No events yet",
        "/careplan/programs/": "No programs yet",
        "/careplan/insurance/": "No calls logged",
        "/careplan/contacts/": "No contacts yet",
        "/careplan/summary": "None recorded.",
        "/careplan/": "Write a next step",
    }
    for url, text in expected.items():
        response = client.get(url)
        assert response.status_code == 200 and text in response.get_data(as_text=True), url


def test_add_edit_delete_an_event_through_the_pages(client, login):
    login()
    created = submit(client, "/careplan/journey/new", event_form(note="Intake went fine."))
    assert created.status_code == 302
    event = db.session.scalar(sa.select(JourneyEvent))
    edit_url = f"/careplan/journey/{event.id}/edit"
    page = client.get(edit_url).get_data(as_text=True)
    assert "Intake went fine." in page and 'selected value="detox_started"' in page
    assert submit(client, edit_url, event_form(kind="detox_finished")).status_code == 302
    db.session.remove()
    assert db.session.get(JourneyEvent, event.id).kind == "detox_finished"
    confirm = client.get(f"/careplan/journey/{event.id}/delete").get_data(as_text=True)
    assert "Delete “Detox finished, " in confirm
    deleted = submit(client, f"/careplan/journey/{event.id}/delete")
    assert deleted.status_code == 302 and rows(JourneyEvent) == 0


@pytest.mark.parametrize(
    "url, fields, message, kept",
    [
        (
            "/careplan/journey/new",
            event_form(day=DaysFromToday(2), note="Kept words"),
            "can&#39;t be later than today",
            "Kept words",
        ),
        (
            "/careplan/journey/new",
            event_form(kind="abducted-by-aliens", note="Kept words"),
            "Choose what happened from the list.",
            "Kept words",
        ),
        (
            "/careplan/journey/new",
            event_form(kind="medication", medication="", dose="Kept dose"),
            "Choose which medication.",
            "Kept dose",
        ),
        ("/careplan/journey/new", event_form(day="next week"), "Enter a date", "next week"),
        (
            "/careplan/programs/new",
            program_form(phone="call me maybe"),
            "Enter a phone number using digits",
            "call me maybe",
        ),
        (
            "/careplan/programs/new",
            program_form(website="javascript:alert(1)"),
            "starting with http:// or https://",
            "javascript:alert(1)",
        ),
        (
            "/careplan/programs/new",
            program_form(website="ftp://files.example.org", notes="Kept note"),
            "starting with http:// or https://",
            "Kept note",
        ),
        (
            "/careplan/programs/new",
            program_form(kind="spa", name="Kept name"),
            "Choose the kind of program.",
            "Kept name",
        ),
        (
            "/careplan/contacts/new",
            {"name": "Dana", "role": "sponsor", "phone": "12", "email": "", "notes": ""},
            "Enter a phone number using digits",
            "Dana",
        ),
        (
            "/careplan/contacts/new",
            {"name": "Dana", "role": "sponsor", "phone": "", "email": "dana@", "notes": ""},
            "Enter an email address",
            "dana@",
        ),
        (
            "/careplan/insurance/calls/new",
            {"day": DaysFromToday(0), "who": "", "said": "Kept said", "next_step": ""},
            "Write who you spoke with.",
            "Kept said",
        ),
    ],
)
def test_bad_input_gets_a_message_by_its_field_and_keeps_what_was_typed(
    client, login, url, fields, message, kept
):
    login()
    response = submit(client, url, fields, page=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert kept.replace("'", "&#39;") in html
    assert sum(rows(model) for model in ALL_MODELS) == 0


def test_phones_are_stored_as_typed_and_dialled_from_their_digits(client, login):
    user = login()
    typed = "+1 (555) 201-3000 ext. 12"
    response = submit(
        client, "/careplan/contacts/new", {"name": "Dana", "role": "sponsor", "phone": typed}
    )
    assert response.status_code == 302
    assert services.items(services.CareContact, user.id)[0].phone == typed
    html = client.get("/careplan/contacts/").get_data(as_text=True)
    assert 'href="tel:+15552013000"' in html and typed in html
    assert rules.tel_href("555.010.2000") == "tel:5550102000"
    assert rules.phone_problem("(555) 010-2000 x 7") is None
    assert rules.phone_problem("555-CALL-NOW") is not None


def test_a_bare_website_gets_https_and_links_only_to_web_pages(client, login):
    user = login()
    assert submit(client, "/careplan/programs/new", program_form(website="example.org/intake"))
    program = services.items(Program, user.id)[0]
    assert program.website == "https://example.org/intake"
    html = client.get(f"/careplan/programs/{program.id}").get_data(as_text=True)
    assert 'href="https://example.org/intake"' in html
    for bad in ("mailto:a@example.org", "http://", "https://no spaces.org", "data:text/html,x"):
        assert rules.url_problem(bad), bad


@pytest.mark.parametrize("website", ["[", "http://[", "https://[::1/intake"])
def test_a_web_address_with_a_stray_bracket_gets_a_message_by_its_field(client, login, website):
    login()
    response = submit(client, "/careplan/programs/new", program_form(website=website))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a web address like https://example.org, without brackets." in html
    assert PROGRAM["name"] in html and rows(Program) == 0


def test_checklist_is_kept_per_program(client, login):
    user = login()
    first, second = add_program(user, "First").id, add_program(user, "Second").id
    url = f"/careplan/programs/{first}/checklist"
    page = f"/careplan/programs/{first}"
    saved = submit(client, url, {"questions": ["moud", "aftercare"]}, page=page)
    assert saved.status_code == 302
    db.session.remove()
    assert rules.ticked(db.session.get(Program, first).checklist) == ["moud", "aftercare"]
    assert db.session.get(Program, second).checklist == 0
    html = client.get(page).get_data(as_text=True)
    assert len(re.findall(r'<input checked[^>]*name="questions"', html)) == 2
    other = client.get(f"/careplan/programs/{second}").get_data(as_text=True)
    assert "<input checked" not in other
    # Editing the program's details leaves its ticks alone; unticking everything clears them.
    submit(client, f"/careplan/programs/{first}/edit", program_form(name="First, renamed"))
    db.session.remove()
    assert rules.ticked(db.session.get(Program, first).checklist) == ["moud", "aftercare"]
    submit(client, url, {}, page=page)
    db.session.remove()
    assert db.session.get(Program, first).checklist == 0


def test_three_programs_side_by_side_and_clear_messages_for_other_counts(client, login):
    user = login()
    made = [
        add_program(user, "Alpha Detox", kind="detox", insurance="yes", waitlist="none"),
        add_program(user, "Beta OTP", kind="otp", status="visited", cost="$15 a day"),
        add_program(user, "Gamma Clinic", kind="prescriber", checklist=["family"]),
        add_program(user, "Delta House"),
    ]
    ids = [p.id for p in made]
    query = "&".join(f"ids={i}" for i in ids[:3])
    response = client.get(f"/careplan/programs/compare?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    header = html[html.index("<thead>") : html.index("</thead>")]
    assert [name for name in ("Alpha Detox", "Beta OTP", "Gamma Clinic") if name in header]
    assert header.index("Alpha") < header.index("Beta") < header.index("Gamma")
    assert "Delta House" not in html
    for text in ("Opioid treatment program", "Visited", "$15 a day", "none", "How does it involve"):
        assert text in html
    assert html.count('class="tick"') == 1
    for bad in (f"ids={ids[0]}", "&".join(f"ids={i}" for i in ids), "", "ids=x&ids=y"):
        refused = client.get(f"/careplan/programs/compare?{bad}")
        assert refused.status_code == 400, bad
        assert "Tick two or three programs" in refused.get_data(as_text=True)
    assert client.get(f"/careplan/programs/compare?ids={ids[0]}&ids=999999").status_code == 404


def test_days_since_counter_is_a_choice_and_can_be_hidden(client, login):
    user = login()
    add_event(user, "back_in_treatment", 12)
    newest = add_event(user, "back_in_treatment", 4)
    assert "days since" not in client.get("/careplan/journey/").get_data(as_text=True)
    submit(
        client, "/careplan/journey/counter", {"show": "y", "count_from": "kind:back_in_treatment"}
    )
    html = client.get("/careplan/journey/").get_data(as_text=True)
    assert "<strong>4</strong> days since “Back in treatment”" in html
    chosen = add_event(user, "milestone", 30)
    submit(client, "/careplan/journey/counter", {"show": "y", "count_from": f"event:{chosen.id}"})
    assert "<strong>30</strong> days since “Milestone”" in client.get("/careplan/").get_data(
        as_text=True
    )
    submit(client, "/careplan/journey/counter", {"count_from": f"event:{chosen.id}"})
    assert "days since" not in client.get("/careplan/journey/").get_data(as_text=True)
    refused = submit(client, "/careplan/journey/counter", {"show": "y", "count_from": "event:999"})
    assert refused.status_code == 400 and "Choose what to count from." in refused.get_data(
        as_text=True
    )
    assert newest.id  # the counter reads events; it never writes a score anywhere
    user_id = user.id
    db.session.remove()
    assert services.plan_row(user_id).show_counter is False


def test_summary_shows_current_medications_contacts_and_timeline(client, login):
    user = login()
    add_event(user, "medication", 60, medication="methadone", dose="60 mg")
    add_event(user, "medication_stopped", 30, medication="methadone")
    add_event(user, "medication", 20, medication="buprenorphine", dose="8 mg")
    add_event(user, "medication", 10, medication="buprenorphine", dose="12 mg")
    add_event(user, "relapse", 15, note="private words")
    add_contact(user, "Dr. Rivera", phone="555-0100")
    add_program(user, "Harbor House", status="chosen", phone="555-0199")
    html = client.get("/careplan/summary").get_data(as_text=True)
    meds = html[html.index('id="meds-heading"') : html.index('id="contacts-heading"')]
    assert "Buprenorphine" in meds and "12 mg" in meds
    assert "8 mg" not in meds and "Methadone" not in meds
    assert "Dr. Rivera" in html and 'href="tel:5550100"' in html and "Harbor House" in html
    assert "private words" in html and "Medication stopped" in html
    assert "data-print hidden" in html and "Share or Print menu" in html
    without = client.get("/careplan/summary?notes=off").get_data(as_text=True)
    assert "private words" not in without and "Relapse" in without


def test_next_step_shows_on_the_dashboard_and_can_be_marked_done(client, login):
    user = login()
    assert "Write a next step" in client.get("/dashboard").get_data(as_text=True)
    due = today() + timedelta(days=3)
    saved = submit(
        client,
        "/careplan/next-step",
        {"next_step": "Call the insurer back", "next_step_due": due.isoformat()},
    )
    assert saved.status_code == 302
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Call the insurer back" in html and due.strftime("%A, %B %-d") in html
    submit(client, "/careplan/next-step/done", page="/dashboard")
    assert "Call the insurer back" not in client.get("/dashboard").get_data(as_text=True)
    # A call's next step becomes the dashboard's.
    call = {"day": today().isoformat(), "who": "Insurer", "said": "", "next_step": "Fax the form"}
    assert submit(client, "/careplan/insurance/calls/new", call).status_code == 302
    assert "Fax the form" in client.get("/dashboard").get_data(as_text=True)
    assert services.plan_of(user.id).next_step == "Fax the form"
    empty = submit(client, "/careplan/next-step", {"next_step": "  "})
    assert empty.status_code == 400 and "Write the next step" in empty.get_data(as_text=True)


def test_insurance_details_and_documents(client, login):
    user = login()
    details = {"plan_name": "Blue Plan", "member_number": "M-1", "group_number": "G-2"}
    assert submit(client, "/careplan/insurance/plan", details).status_code == 302
    html = client.get("/careplan/insurance/").get_data(as_text=True)
    assert "Blue Plan" in html and "M-1" in html and "G-2" in html
    page = "/careplan/insurance/"
    submit(client, "/careplan/insurance/documents/suggested", page=page)
    submit(client, "/careplan/insurance/documents/suggested", page=page)  # adds nothing new
    documents = services.items(services.PaperworkDocument, user.id)
    assert [d.name for d in documents] == list(rules.SUGGESTED_DOCUMENTS)
    submit(client, f"/careplan/insurance/documents/{documents[0].id}/toggle", page=page)
    assert services.items(services.PaperworkDocument, user.id)[0].ready is True
    empty = submit(client, "/careplan/insurance/documents", {"name": ""}, page=page)
    assert empty.status_code == 400 and "Write the document&#39;s name." in empty.get_data(
        as_text=True
    )


@pytest.mark.parametrize("blank", [" ", "\t", " \n "])
def test_a_blank_document_name_gets_the_required_message(client, login, blank):
    login()
    page = "/careplan/insurance/"
    response = submit(client, "/careplan/insurance/documents", {"name": blank}, page=page)
    assert response.status_code == 400
    assert "Write the document&#39;s name." in response.get_data(as_text=True)
    assert rows(services.PaperworkDocument) == 0


def test_deleting_the_account_removes_the_whole_care_plan(client, make_user):
    user, other = make_user(), make_user()
    fill_everything(user, "gone")
    fill_everything(other, "stays")
    other_id = other.id
    log_in(client, user)
    response = submit(client, "/account/delete", {"password": PASSWORD})
    assert response.status_code == 302
    db.session.remove()
    for model in ALL_MODELS:
        owners = set(db.session.scalars(sa.select(model.user_id)))
        assert owners == {other_id}, model.__tablename__
