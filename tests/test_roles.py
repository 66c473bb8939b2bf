"""Role guards and the facilitator approval flow."""

from helpers import log_in, raw_values, submit

from caregiver.auth.models import FacilitatorRequest
from caregiver.extensions import db


def test_caregiver_gets_a_friendly_403_on_facilitator_and_admin_pages(client, login):
    login("caregiver")
    for path in ["/groups/manage", "/admin/"]:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "isn&#39;t available to you" in response.get_data(as_text=True)


def test_anonymous_is_sent_to_log_in_with_next_kept(client):
    response = client.get("/groups/manage?tab=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=%2Fgroups%2Fmanage%3Ftab%3D1"


def test_facilitator_and_admin_reach_their_pages(app, make_user):
    facilitator, admin = make_user(role="facilitator"), make_user(role="admin")
    client = app.test_client()
    log_in(client, facilitator)
    assert client.get("/groups/manage").status_code == 200
    assert client.get("/admin/").status_code == 403
    client = app.test_client()
    log_in(client, admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/groups/manage").status_code == 200


def test_request_approve_and_mail(app, make_user, mailbox):
    person, admin = make_user(), make_user(role="admin")
    client = app.test_client()
    log_in(client, person)
    short = submit(client, "/account/facilitator", {"note": "hi"})
    assert short.status_code == 200
    assert "Write between 10 and 1,000 characters." in short.get_data(as_text=True)
    note = "I run the Tuesday family group at St Mark's hall."
    assert submit(client, "/account/facilitator", {"note": note}).status_code == 302
    assert "waiting for an admin" in client.get("/account").get_data(as_text=True)
    again = submit(client, "/account/facilitator", {"note": note}, page="/account")
    assert again.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(FacilitatorRequest)) == 1

    admin_client = app.test_client()
    log_in(admin_client, admin)
    listing = admin_client.get("/admin/").get_data(as_text=True)
    assert "St Mark&#39;s hall" in listing
    request_id = db.session.scalar(db.select(FacilitatorRequest.id))
    response = submit(admin_client, f"/admin/requests/{request_id}/approve", page="/admin/")
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.role == "facilitator"
    assert (
        "approved" in mailbox.last_to(person.email)["Subject"]
        or "post meetings" in (mailbox.last_to(person.email)["Subject"])
    )
    assert client.get("/groups/manage").status_code == 200
    # Deciding twice is refused with a message, not an error.
    twice = submit(admin_client, f"/admin/requests/{request_id}/decline", page="/admin/")
    assert twice.status_code == 302
    db.session.refresh(person)
    assert person.role == "facilitator"


def test_request_decline(app, make_user, mailbox):
    person, admin = make_user(), make_user(role="admin")
    client = app.test_client()
    log_in(client, person)
    submit(client, "/account/facilitator", {"note": "I would like to start a parents' group."})
    admin_client = app.test_client()
    log_in(admin_client, admin)
    request_id = db.session.scalar(db.select(FacilitatorRequest.id))
    submit(admin_client, f"/admin/requests/{request_id}/decline", page="/admin/")
    db.session.refresh(person)
    assert person.role == "caregiver"
    assert "facilitator request" in mailbox.last_to(person.email)["Subject"]
    assert "No requests waiting" in admin_client.get("/admin/").get_data(as_text=True)


def test_caregiver_cannot_decide_requests(app, make_user):
    person = make_user()
    client = app.test_client()
    log_in(client, person)
    submit(client, "/account/facilitator", {"note": "Please let me run meetings myself."})
    request_id = db.session.scalar(db.select(FacilitatorRequest.id))
    response = submit(client, f"/admin/requests/{request_id}/approve", page="/account")
    assert response.status_code == 403
    db.session.refresh(person)
    assert person.role == "caregiver"


def test_a_request_note_is_sealed_at_rest_and_read_by_the_admins(app, make_user):
    person, admin = make_user(), make_user(role="admin").email
    client = app.test_client()
    log_in(client, person)
    marker = "Quillwort-heron"
    note = f"{marker}: I run the Tuesday family group at the library."
    assert submit(client, "/account/facilitator", {"note": note}).status_code == 302
    db.session.remove()
    assert marker.encode() not in raw_values(db.engine)
    assert marker.lower().encode() not in raw_values(db.engine).lower()
    admin_client = app.test_client()
    log_in(admin_client, admin)
    assert f"<blockquote>{note}</blockquote>" in admin_client.get("/admin/").get_data(as_text=True)
