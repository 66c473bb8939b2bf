"""Care contacts: the people on the loved one's care team, a tap away."""

from operator import attrgetter

from flask import render_template
from flask_login import current_user, login_required

from caregiver.careplan import forms, services
from caregiver.careplan.models import CareContact
from caregiver.careplan.views import row_pages
from caregiver.careplan.views.blueprint import bp


@bp.route("/careplan/contacts/")
@login_required
def contacts():
    contacts = services.items(CareContact, current_user.id)
    return render_template("careplan/contacts.html", contacts=contacts)


@bp.route("/careplan/contacts/new", methods=["GET", "POST"])
@bp.route("/careplan/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@login_required
def edit_contact(contact_id=None):
    return row_pages.edit_page(CareContact, forms.ContactForm, contact_id, noun="contact")


@bp.route("/careplan/contacts/<int:contact_id>/delete", methods=["GET", "POST"])
@login_required
def delete_contact(contact_id):
    return row_pages.delete_page(
        CareContact, contact_id, noun="contact", describe=attrgetter("name")
    )
