"""View helpers the care plan's pages share: the add, edit and delete pages of each kind of row."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caregiver.careplan import services
from caregiver.errors import FieldError
from caregiver.forms import ActionForm, show_field_error
from caregiver.security import get_own_or_404

# How the add page of each kind of row is titled.
ADD_TITLES = {
    "event": "Add to their journey",
    "program": "Add a program",
    "contact": "Add a contact",
    "call": "Log a call",
}


def item_routes(bp, model, form_class, *, noun: str, describe, prefix="", then=None):
    """Register the add, edit and delete pages of one kind of row on ``bp``.

    ``describe`` names an opened row on its delete page. The endpoints are ``edit``
    (``<prefix>/new`` and ``<prefix>/<id>/edit``) and ``delete``, with ``_<noun>`` after them
    when there is a ``prefix``; the id is named ``<noun>_id``.
    """
    suffix, id_name = (f"_{noun}" if prefix else ""), f"{noun}_id"

    @login_required
    def edit(**ids):
        return edit_page(model, form_class, ids.get(id_name), noun=noun, then=then)

    @login_required
    def delete(**ids):
        return delete_page(model, ids[id_name], noun=noun, describe=describe)

    both = ["GET", "POST"]
    if form_class is not None:  # without a form, rows are added elsewhere and only deleted here
        bp.add_url_rule(f"{prefix}/new", f"edit{suffix}", edit, methods=both)
        bp.add_url_rule(f"{prefix}/<int:{id_name}>/edit", f"edit{suffix}", edit, methods=both)
    bp.add_url_rule(f"{prefix}/<int:{id_name}>/delete", f"delete{suffix}", delete, methods=both)


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
            flash(f"{noun.capitalize()} saved.", "success")
            return redirect(url_for(f"{request.blueprint}.index", _anchor=f"item-{row.id}"))
    status = 400 if form.errors or form.form_errors else 200
    title = f"Edit {noun}" if row is not None else ADD_TITLES[noun]
    back = url_for(f"{request.blueprint}.index")
    return render_template(
        "careplan/form.html", form=form, item=row, title=title, back=back
    ), status


def delete_page(model, item_id: int, *, noun: str, describe):
    """Ask before deleting one of the person's rows (GET), then delete it (POST)."""
    row = get_own_or_404(model, item_id)
    form = ActionForm()
    back = url_for(f"{request.blueprint}.index")
    if form.validate_on_submit():
        services.delete(row)
        flash(f"{noun.capitalize()} deleted.", "success")
        return redirect(back)
    text = describe(services.open_row(row))
    name = f"“{text[:80]}{'…' if len(text) > 80 else ''}”"
    return render_template(
        "confirm_delete.html",
        form=form,
        noun=noun,
        name=name,
        consequence="It is removed from your care plan.",
        back=back,
    )
