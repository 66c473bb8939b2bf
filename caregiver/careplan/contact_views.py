"""Care contacts: the people on the loved one's care team, a tap away."""

from operator import attrgetter

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from caregiver.careplan import forms, pages, services
from caregiver.careplan.models import CareContact

bp = Blueprint("careplan_contacts", __name__, url_prefix="/careplan/contacts")


@bp.route("/")
@login_required
def index():
    contacts = services.items(CareContact, current_user.id)
    return render_template("careplan/contacts.html", contacts=contacts)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:contact_id>/edit", methods=["GET", "POST"])
@login_required
def edit(contact_id=None):
    return pages.edit_page(CareContact, forms.ContactForm, contact_id, noun="contact")


@bp.route("/<int:contact_id>/delete", methods=["GET", "POST"])
@login_required
def delete(contact_id):
    return pages.delete_page(CareContact, contact_id, noun="contact", describe=attrgetter("name"))
