"""Care contacts: the people on the loved one's care team, a tap away."""

from operator import attrgetter

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from caregiver.careplan import forms, services
from caregiver.careplan.models import CareContact
from caregiver.careplan.pages import item_routes

bp = Blueprint("careplan_contacts", __name__, url_prefix="/careplan/contacts")
item_routes(bp, CareContact, forms.ContactForm, noun="contact", describe=attrgetter("name"))


@bp.route("/")
@login_required
def index():
    contacts = services.items(CareContact, current_user.id)
    return render_template("careplan/contacts.html", contacts=contacts)
