"""Journal pages: list, write, read, edit, delete and restore, calendar, search, export."""

import calendar
import io
from datetime import date, timedelta
from functools import wraps

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_login import current_user, login_required

from caregiver import clock, encouragement
from caregiver.auth.forms import LoginForm
from caregiver.auth.sign_in import AUTH_LIMIT, log_in_again
from caregiver.errors import FieldError
from caregiver.extensions import limiter, login_manager
from caregiver.forms import EARLIEST_YEAR, ActionForm, accepts_upload, show_field_error
from caregiver.i18n import format_when, gettext
from caregiver.i18n import lazy_gettext as _l
from caregiver.journal import forms, prompts, search, services, transfer
from caregiver.journal.models import JournalEntry
from caregiver.security import fingerprint, get_own_or_404, recent_proof_required
from caregiver.transfer import NotAnExport

bp = Blueprint("journal", __name__)
IMPORT_MAX_BYTES = 25 * 1024 * 1024
FIRST_MONTH = date(EARLIEST_YEAR, 1, 1)  # the calendar's first; entries can't be older


@bp.app_context_processor
def mood_names():
    return {"moods": services.MOODS}


@bp.app_template_filter("draft_owner")
def draft_owner(user_id: int) -> str:
    """A name for a person's drafts in the browser that does not reveal who they are."""
    return fingerprint("journal-draft", user_id)[:16]


def keeps_text_when_signed_out(view):
    """Like login_required, but a signed-out POST keeps the entry and asks to log in again."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.is_authenticated:
            return view(*args, **kwargs)
        if request.method != "POST":
            return login_manager.unauthorized()
        return _resume_page(LoginForm(formdata=None)), 401

    return wrapped


def _resume_page(login_form):
    target = request.form.get("target_entry") or (request.view_args or {}).get("entry_id", "")
    return render_template("journal/resume.html", form=login_form, target=target)


def _own_entry(entry_id: int, deleted: bool = False) -> JournalEntry:
    state = JournalEntry.deleted_at.is_not(None) if deleted else JournalEntry.deleted_at.is_(None)
    return get_own_or_404(JournalEntry, entry_id, state)


def _today() -> date:
    return clock.today_in(current_user.timezone)


def _editor(form, entry=None, status=200):
    prompt = prompts.get(form.prompt_key.data)
    return render_template("journal/edit.html", form=form, entry=entry, prompt=prompt), status


def _save(form, entry=None):
    """Save a checked form; on a rule the service enforces, show the form again."""
    draft = "new" if entry is None else f"edit-{entry.id}"
    try:
        if entry is None:
            entry = services.create_entry(current_user, form.entry_data())
        else:
            services.update_entry(current_user, entry, form.entry_data())
    except FieldError as error:
        show_field_error(form, error)
        return _editor(form, entry, 400)
    if draft == "new":
        line = encouragement.pick(encouragement.ENTRY, entry.id)
        flash(f"{gettext('Your entry is saved.')} {line}", encouragement.CELEBRATE)
    else:
        flash(gettext("Your entry is saved."), "success")
    session["journal_draft_saved"] = draft  # the next page tells the browser to drop it
    return redirect(url_for("journal.show", entry_id=entry.id))


@bp.route("/journal/")
@login_required
def index():
    tags = services.used_tags(current_user.id)
    filter_form = forms.FilterForm(request.args, tags)
    filter_form.validate()
    filters = filter_form.filters()
    try:
        cursor = request.args.get("after")
        page = services.list_entries(current_user.id, filters, cursor, known_tags=dict(tags))
    except services.BadCursor:
        flash(gettext("That page link was out of date, so here are your newest entries."), "info")
        return redirect(url_for("journal.index"))
    args = {key: value for key, value in request.args.items() if key != "after"}
    paged = bool(request.args.get("after"))
    return render_template(
        "journal/index.html",
        page=page,
        next_url=url_for("journal.index", **args, after=page.next_cursor)
        if page.next_cursor
        else None,
        first_url=url_for("journal.index", **args) if paged else None,
        months=services.by_month(page.entries),
        filters=filters,
        filter_form=filter_form,
        paged=paged,
        # A page of entries answers it without asking the database.
        has_entries=bool(page.entries) or services.has_entries(current_user.id),
    )


@bp.route("/journal/new", methods=["GET", "POST"])
@keeps_text_when_signed_out
def new():
    form = forms.EntryForm(today=_today())
    if form.validate_on_submit():
        return _save(form)
    if request.method == "GET":
        now = clock.local_now(current_user.timezone)
        form.entry_date.data, form.entry_time.data = now.date(), now.time().replace(second=0)
        chosen = prompts.get(request.args.get("prompt"))
        skip = request.args.get("skip", "0")
        prompt = chosen or prompts.for_day(
            current_user.id,
            _today(),
            _small_int(skip),
            prompts.recently_answered(current_user.id, _today()),
        )
        form.prompt_key.data = prompt.key
    return _editor(form, status=400 if form.errors else 200)


def _small_int(value: str) -> int:
    return int(value) % 1000 if value.isdigit() and len(value) < 6 else 0


@bp.route("/journal/<int:entry_id>")
@login_required
def show(entry_id):
    entry = services.open_entry(_own_entry(entry_id))
    draft_saved = session.pop("journal_draft_saved", None)
    return render_template("journal/show.html", entry=entry, draft_saved=draft_saved)


@bp.route("/journal/<int:entry_id>/edit", methods=["GET", "POST"])
@keeps_text_when_signed_out
def edit(entry_id):
    row = _own_entry(entry_id)
    entry = services.open_entry(row)
    if entry.unreadable:
        flash(
            gettext("This entry cannot be read with the current keys, so it can't be edited."),
            "error",
        )
        return redirect(url_for("journal.show", entry_id=entry_id))
    form = forms.EntryForm(today=_today())
    if form.validate_on_submit():
        return _save(form, row)
    if request.method == "GET":
        form.fill_from(entry)
    return _editor(form, entry, 400 if form.errors else 200)


@bp.route("/journal/resume", methods=["POST"])
@limiter.limit(AUTH_LIMIT)
def resume():
    """Log in again after a session expired mid-entry, then save what was typed."""
    login_form = LoginForm()
    if log_in_again(login_form) is None:
        return _resume_page(login_form), 400
    target = request.form.get("target_entry", "")
    entry = _own_entry(int(target)) if target.isdigit() else None
    form = forms.EntryForm(meta={"csrf": False}, today=_today())
    if not form.validate():
        return _editor(form, entry and services.open_entry(entry), 400)
    return _save(form, entry)


@bp.route("/journal/<int:entry_id>/delete", methods=["GET", "POST"])
@login_required
def delete(entry_id):
    row = _own_entry(entry_id)
    form = ActionForm()
    if form.validate_on_submit():
        services.delete_entry(row)
        flash(
            gettext(
                "Entry moved to Recently deleted. You can restore it for %(days)s days.",
                days=services.UNDO_DAYS,
            ),
            "success",
        )
        return redirect(url_for("journal.index"))
    entry = services.open_entry(row)
    back = url_for("journal.show", entry_id=entry.id)
    return render_template(
        "journal/delete.html", entry=entry, form=form, noun=gettext("entry"), back=back
    )


@bp.route("/journal/deleted")
@login_required
def deleted():
    entries = services.deleted_entries(current_user.id)
    return render_template(
        "journal/deleted.html", entries=entries, form=ActionForm(), undo_days=services.UNDO_DAYS
    )


# What a button in "Recently deleted" does: (service, message, where to go next).
DELETED_ACTIONS = {
    "restore": (services.restore_entry, _l("Entry restored."), "journal.show"),
    "erase": (services.erase_entry, _l("Entry deleted for good."), "journal.deleted"),
}


@bp.route("/journal/<int:entry_id>/<any(restore, erase):action>", methods=["POST"])
@login_required
def deleted_action(entry_id, action):
    row = _own_entry(entry_id, deleted=True)
    service, message, endpoint = DELETED_ACTIONS[action]
    if ActionForm().validate_on_submit():
        service(row)
        flash(str(message), "success")
    return redirect(url_for(endpoint, entry_id=entry_id))


@bp.route("/journal/calendar")
@login_required
def month():
    today = _today()
    shown = _month_asked(today.replace(day=1))
    days = services.month_days(current_user.id, shown.year, shown.month)
    return render_template(
        "journal/calendar.html",
        shown=shown,
        weeks=calendar.Calendar(firstweekday=0).monthdayscalendar(shown.year, shown.month),
        days=days,
        today=today,
        previous=(shown - timedelta(days=1)).replace(day=1) if shown > FIRST_MONTH else None,
        following=(shown.replace(day=28) + timedelta(days=4)).replace(day=1),
    )


def _month_asked(this_month: date) -> date:
    """The first day of ``?month=YYYY-MM``, or of this month when none is asked for; a month
    the calendar does not show gets this month and a word why."""
    asked = request.args.get("month")
    if asked is None:
        return this_month
    try:
        shown = date.fromisoformat(asked[:7] + "-01")
    except ValueError:
        shown = None
    if shown is None or not FIRST_MONTH <= shown <= this_month:
        flash(
            gettext(
                "The calendar shows the months from %(first)s to this one, so here is this month.",
                first=format_when(FIRST_MONTH, "month"),
            ),
            "info",
        )
        return this_month
    return shown


@bp.route("/journal/search", methods=["GET", "POST"])
@login_required
def search_entries():
    # A POST, so the words looked for stay out of addresses, history and server logs.
    form = forms.SearchForm()
    results = None
    if form.validate_on_submit():
        results = search.search(current_user.id, form.q.data)
    return render_template("journal/search.html", form=form, results=results)


@bp.route("/journal/export", methods=["GET", "POST"])
@recent_proof_required
def export():
    form = ActionForm()
    if form.validate_on_submit():
        stamp = _today().isoformat()
        return send_file(
            io.BytesIO(transfer.export_zip(current_user)),
            mimetype="application/zip",
            as_attachment=True,
            download_name=f"caregiver-journal-{stamp}.zip",
        )
    return render_template(
        "journal/export.html", form=form, count=services.count_entries(current_user.id)
    )


@bp.route("/journal/import", methods=["GET", "POST"])
@accepts_upload(IMPORT_MAX_BYTES)
@login_required
def import_entries():
    form = forms.ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            data = transfer.read_upload(upload.filename or "", upload.read())
        except NotAnExport as error:
            form.file.errors.append(str(error))
        else:
            report = transfer.import_data(current_user, data)
            return render_template("journal/imported.html", report=report)
    return render_template("journal/import.html", form=form), 400 if form.errors else 200


def prompt_card(user) -> dict:
    """The dashboard card with today's prompt (``?skip=N`` shows the next ones); a prompt just
    answered is not offered again."""
    skip = _small_int(request.args.get("skip", "0"))
    today = clock.today_in(user.timezone)
    prompt = prompts.for_day(user.id, today, skip, prompts.recently_answered(user.id, today))
    return {"template": "journal/_prompt_card.html", "prompt": prompt, "skip": skip}
