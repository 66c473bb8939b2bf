"""Their journey: the timeline of the loved one's path, its events, the days-since counter."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from caregiver.careplan import forms, journey, rules, services
from caregiver.careplan.models import JourneyEvent
from caregiver.careplan.views import row_pages
from caregiver.careplan.views.blueprint import bp
from caregiver.i18n import gettext

RELAPSE_ARTICLE = "when-relapse-happens"


@bp.route("/careplan/journey/")
@login_required
def journey_timeline():
    everything = journey.timeline(current_user.id)
    kind = request.args.get("kind")
    shown = journey.timeline(current_user.id, kind) if kind in rules.EVENT_KINDS else everything
    return render_template(
        "careplan/journey.html",
        events=shown,
        total=len(everything),
        kind=kind if kind in rules.EVENT_KINDS else None,
        kinds=journey.kinds_used(everything),
        counter=journey.counter(current_user.id, services.today(current_user), everything),
        relapse_article=RELAPSE_ARTICLE,
    )


@bp.route("/careplan/journey/new", methods=["GET", "POST"])
@bp.route("/careplan/journey/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit_journey_event(event_id=None):
    return row_pages.edit_page(JourneyEvent, forms.EventForm, event_id, noun="event")


@bp.route("/careplan/journey/<int:event_id>/delete", methods=["GET", "POST"])
@login_required
def delete_journey_event(event_id):
    return row_pages.delete_page(JourneyEvent, event_id, noun="event", describe=journey.describe)


@bp.route("/careplan/journey/counter", methods=["GET", "POST"])
@login_required
def journey_counter():
    events = journey.timeline(current_user.id)
    form = forms.CounterForm()
    form.count_from.choices = _count_choices(events)
    if request.method == "GET":
        form.show.data = services.plan_of(current_user.id).show_counter
        form.count_from.data = journey.count_from_value(current_user.id)
    elif form.validate_on_submit():
        try:
            journey.set_counter(current_user, form.show.data, form.count_from.data or "")
        except ValueError:
            form.count_from.errors.append(gettext("Choose what to count from."))
        else:
            shown = gettext("Counter shown.") if form.show.data else gettext("Counter hidden.")
            flash(shown, "success")
            return redirect(url_for("careplan.journey_timeline"))
    status = 400 if form.errors else 200
    return render_template("careplan/counter.html", form=form), status


def _count_choices(events) -> list[SelectChoice]:
    kinds = {
        f"kind:{key}": gettext("The latest “%(kind)s”", kind=label)
        for key, label in rules.EVENT_KINDS.items()
    }
    chosen = {f"event:{e.id}": journey.describe(e) for e in events}
    return [
        *forms.choices(kinds, group=gettext("The latest event of a kind")),
        *forms.choices(chosen, group=gettext("One event")),
    ]
