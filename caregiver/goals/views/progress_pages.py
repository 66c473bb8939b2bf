"""/progress: streaks, strength and pictures; and the weekly "how am I doing" check-in."""

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caregiver.errors import FieldError
from caregiver.goals import boundaries, forms, progress, rules, services, tallies
from caregiver.goals.models import WELLBEING_AREAS
from caregiver.goals.views.blueprint import bp
from caregiver.i18n import gettext


@bp.route("/progress")
@login_required
def progress_overview():
    current = services.today(current_user)
    everything = progress.goal_progress(
        current_user.id, current, archived=None, reach=tallies.SHOWN
    )
    active = [item for item in everything if item.goal.archived_day is None]
    weeks = progress.wellbeing_weeks(current_user.id, current)
    boundary_chart = progress.boundary_chart(current_user.id, current)
    # Only an empty chart needs to know whether there is a boundary to check in on yet.
    has_boundaries = not boundary_chart.empty or bool(boundaries.boundaries_of(current_user.id))
    return render_template(
        "goals/progress.html",
        today=current,
        daily=[item for item in active if item.goal.per_week >= rules.DAILY],
        weekly=[item for item in active if item.goal.per_week < rules.DAILY],
        heatmap=progress.heatmap(everything, current),
        boundary_chart=boundary_chart,
        mood_charts=progress.mood_charts(current_user.id, current),
        wellbeing_chart=progress.wellbeing_chart(weeks, current),
        areas=progress.area_trends(weeks),
        rated_this_week=rules.week_start(current) in weeks,
        has_boundaries=has_boundaries,
    )


@bp.route("/progress/check-in", methods=["GET", "POST"])
@login_required
def wellbeing():
    current = services.today(current_user)
    form = forms.WellbeingForm()
    if request.method == "GET":
        week = _week_arg(current)
        saved = progress.wellbeing_weeks(current_user.id, current).get(week)
        form.week.data = week
        form.fill_from(progress.ratings_of(saved or progress.latest_wellbeing(current_user.id)))
    elif form.validate_on_submit():
        try:
            progress.save_wellbeing(current_user.id, form.week.data, form.ratings(), current)
        except FieldError as error:
            problems = form.form_errors if error.field == "ratings" else form[error.field].errors
            problems.append(error.message)
        else:
            flash(gettext("Thank you. Your check-in for this week is saved."), "success")
            return redirect(url_for("goals.progress_overview", _anchor="wellbeing"))
    status = 400 if form.errors else 200
    return render_template(
        "goals/wellbeing.html", form=form, areas=WELLBEING_AREAS, today=current
    ), status


def _week_arg(current: date) -> date:
    """The Monday of ``?week=``, or of this week when it is missing, bad or in the future."""
    try:
        week = rules.week_start(date.fromisoformat(request.args.get("week", "")))
    except ValueError:
        return rules.week_start(current)
    return min(week, rules.week_start(current))
