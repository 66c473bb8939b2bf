"""View helpers the care plan's pages share: the add, edit and delete pages of each kind of row.

Each views module declares its own routes and calls these, so a grep for a URL finds its view.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from caregiver.careplan import services
from caregiver.errors import FieldError
from caregiver.forms import ActionForm, show_field_error
from caregiver.i18n import gettext
from caregiver.i18n import lazy_gettext as _l
from caregiver.security import get_own_or_404

# How the add page of each kind of row is titled.
ADD_TITLES = {
    "event": _l("Add to their journey"),
    "program": _l("Add a program"),
    "contact": _l("Add a contact"),
    "call": _l("Log a call"),
}
EDIT_TITLES = {
    "event": _l("Edit event"),
    "program": _l("Edit program"),
    "contact": _l("Edit contact"),
    "call": _l("Edit call"),
}
SAVED = {
    "event": _l("Event saved."),
    "program": _l("Program saved."),
    "contact": _l("Contact saved."),
    "call": _l("Call saved."),
}
DELETED = {
    "event": _l("Event deleted."),
    "program": _l("Program deleted."),
    "contact": _l("Contact deleted."),
    "call": _l("Call deleted."),
    "document": _l("Document deleted."),
}
# Each kind of row as the "Delete …" page names it.
NOUNS = {
    "event": _l("event"),
    "program": _l("program"),
    "contact": _l("contact"),
    "call": _l("call"),
    "document": _l("document"),
}
# The page that lists each kind of row: where a saved or deleted row goes back to.
LIST_PAGES = {
    "event": "careplan.journey_timeline",
    "program": "careplan.programs",
    "contact": "careplan.contacts",
    "call": "careplan.insurance",
    "document": "careplan.insurance",
}


def edit_page(model, form_class, item_id=None, *, noun: str, then=None):
    """Add (no ``item_id``) or edit one of the person's rows of ``model``.

    GET shows the form, filled from the row when editing; a valid POST saves, calls ``then``
    with the values and goes back to the list; a problem shows the form again, with what was
    typed and a message by its field (400).
    """
    row = get_own_or_404(model, item_id) if item_id is not None else None
    today = services.today(current_user)
    filled = vars(services.open_row(row)) if row is not None and request.method == "GET" else None
    form = form_class(data=filled, today=today)
    if form.validate_on_submit():
        try:
            if row is None:
                row = services.create(model, current_user, form.values(), today)
            else:
                services.update(row, form.values(), today)
        except FieldError as error:
            show_field_error(form, error)
        else:
            if then is not None:
                then(form.values())
            flash(str(SAVED[noun]), "success")
            return redirect(url_for(LIST_PAGES[noun], _anchor=f"item-{row.id}"))
    status = 400 if form.errors or form.form_errors else 200
    title = EDIT_TITLES[noun] if row is not None else ADD_TITLES[noun]
    back = url_for(LIST_PAGES[noun])
    return render_template(
        "careplan/form.html", form=form, item=row, title=title, back=back
    ), status


def delete_page(model, item_id: int, *, noun: str, describe):
    """Ask before deleting one of the person's rows (GET), then delete it (POST)."""
    row = get_own_or_404(model, item_id)
    form = ActionForm()
    back = url_for(LIST_PAGES[noun])
    if form.validate_on_submit():
        services.delete(row)
        flash(str(DELETED[noun]), "success")
        return redirect(back)
    text = describe(services.open_row(row))
    name = f"“{text[:80]}{'…' if len(text) > 80 else ''}”"
    return render_template(
        "confirm_delete.html",
        form=form,
        noun=NOUNS[noun],
        name=name,
        consequence=gettext("It is removed from your care plan."),
        back=back,
    )
