"""Support groups: the public list and pages, following, and the facilitators' group tools."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caregiver import clock
from caregiver.errors import FieldError
from caregiver.extensions import limiter
from caregiver.forms import ActionForm, show_field_error
from caregiver.groups import alerts, attendance, meeting_summaries, services
from caregiver.groups.access import group_or_404, managed_group
from caregiver.groups.forms import CofacilitatorForm, GroupForm, MessageForm
from caregiver.groups.models import GROUP_KINDS, LANGUAGES
from caregiver.groups.views.blueprint import bp
from caregiver.i18n import gettext, ngettext
from caregiver.security import facilitator_required

# A group's followers hear from its facilitators at most this often: mail is not a chat.
MESSAGE_LIMIT = "3 per day"


@bp.route("/groups/")
def group_list():
    kind = request.args.get("kind", "")
    return render_template(
        "groups/index.html",
        groups=services.listed_groups(kind or None),
        kinds=GROUP_KINDS,
        kind=kind if kind in GROUP_KINDS else "",
    )


@bp.route("/groups/<slug>")
def group(slug):
    group = group_or_404(slug)
    now = clock.now()
    return render_template(
        "groups/group.html",
        group=group,
        meetings=meeting_summaries.next_of_each(group, now),
        now=now,
        following=attendance.following(current_user, group.id),
        runs_it=services.facilitates(current_user, group.id),
        action_form=ActionForm(),
        kinds=GROUP_KINDS,
        languages=LANGUAGES,
    )


@bp.post("/groups/<slug>/follow")
@login_required
def follow(slug):
    group = group_or_404(slug)
    if ActionForm().validate():
        attendance.follow(current_user, group, change_mail=request.form.get("change_mail") != "off")
        flash(
            gettext(
                "You follow %(name)s. Its meetings are in your calendar feed.", name=group.name
            ),
            "success",
        )
    return redirect(url_for("groups.group", slug=group.slug))


@bp.post("/groups/<slug>/unfollow")
@login_required
def unfollow(slug):
    group = group_or_404(slug)
    if ActionForm().validate():
        attendance.unfollow(current_user, group)
        flash(gettext("You no longer follow %(name)s.", name=group.name), "success")
    return redirect(url_for("groups.group", slug=group.slug))


# Facilitators ------------------------------------------------------------------------------------


@bp.route("/groups/manage")
@facilitator_required
def manage():
    now = clock.now()
    return render_template(
        "groups/manage.html",
        groups=meeting_summaries.facilitator_dashboard(current_user.id, now),
        now=now,
    )


@bp.route("/groups/new", methods=["GET", "POST"])
@facilitator_required
def new_group():
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = services.create_group(current_user, form.group_data())
        except FieldError as error:
            show_field_error(form, error)
        else:
            flash(gettext("Group created. Now add its first meeting."), "success")
            return redirect(url_for("groups.new_meeting", slug=group.slug))
    return render_template("groups/group_form.html", form=form, group=None), _status(form)


def _status(form) -> int:
    return 400 if form.errors or form.form_errors else 200


@bp.route("/groups/<slug>/manage")
@login_required
def manage_group(slug):
    group = managed_group(slug)
    now = clock.now()
    return render_template(
        "groups/manage_group.html",
        group=group,
        meetings=meeting_summaries.next_of_each(group, now, with_counts=True),
        now=now,
        facilitators=services.facilitators_of(group.id),
        followers=attendance.follower_count(group.id),
        cofacilitator_form=CofacilitatorForm(),
        action_form=ActionForm(),
    )


@bp.route("/groups/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_group(slug):
    group = managed_group(slug)
    form = GroupForm(obj=None if request.method == "POST" else group)
    if request.method == "GET":
        form.languages.data = group.language_codes
    if form.validate_on_submit():
        try:
            services.update_group(group, form.group_data())
        except FieldError as error:
            show_field_error(form, error)
        else:
            flash(gettext("Group details saved."), "success")
            return redirect(url_for("groups.manage_group", slug=group.slug))
    return render_template("groups/group_form.html", form=form, group=group), _status(form)


@bp.route("/groups/<slug>/delete", methods=["GET", "POST"])
@login_required
def delete_group(slug):
    group = managed_group(slug)
    form = ActionForm()
    if form.validate_on_submit():
        services.delete_group(group)
        flash(gettext("%(name)s and its meetings were deleted.", name=group.name), "success")
        return redirect(url_for("groups.manage"))
    return render_template(
        "confirm_delete.html",
        noun=gettext("group"),
        name=group.name,
        consequence=gettext(
            "Its meetings, followers and RSVPs are deleted with it, and it leaves "
            "everyone's calendar."
        ),
        back=url_for("groups.manage_group", slug=group.slug),
        form=form,
    )


@bp.post("/groups/<slug>/facilitators")
@login_required
def add_facilitator(slug):
    group = managed_group(slug)
    form = CofacilitatorForm()
    if form.validate():
        try:
            person = services.add_cofacilitator(group, form.email.data)
        except FieldError as error:
            flash(error.message, "error")
        else:
            flash(
                gettext(
                    "%(person)s can now run %(group)s with you.",
                    person=person.display_name,
                    group=group.name,
                ),
                "success",
            )
    else:
        flash(" ".join(str(error) for error in form.email.errors) or gettext("Try again."), "error")
    return redirect(url_for("groups.manage_group", slug=group.slug) + "#facilitators")


@bp.post("/groups/<slug>/facilitators/<int:user_id>/remove")
@login_required
def remove_facilitator(slug, user_id):
    group = managed_group(slug)
    if ActionForm().validate():
        try:
            services.remove_facilitator(group, user_id)
        except FieldError as error:
            flash(error.message, "error")
        else:
            flash(gettext("Removed from the group's facilitators."), "success")
    if user_id == current_user.id and not services.facilitates(current_user, group.id):
        return redirect(url_for("groups.manage"))
    return redirect(url_for("groups.manage_group", slug=group.slug) + "#facilitators")


def _message_key() -> str:
    return f"group-message:{request.view_args.get('slug', '')}"


@bp.route("/groups/<slug>/message", methods=["GET", "POST"])
@login_required
@limiter.limit(MESSAGE_LIMIT, key_func=_message_key, methods=["POST"])
def message(slug):
    group = managed_group(slug)
    form = MessageForm()
    if form.validate_on_submit():
        sent = alerts.message_followers(group, current_user, form.body.data)
        flash(
            ngettext(
                "Your note is on its way to %(num)d follower.",
                "Your note is on its way to %(num)d followers.",
                sent,
            ),
            "success",
        )
        return redirect(url_for("groups.manage_group", slug=group.slug))
    recipients = len(alerts.group_recipients(group.id))
    return render_template(
        "groups/message.html", group=group, form=form, recipients=recipients
    ), _status(form)
