"""The guidance library: topics, articles, search, and each person's read marks and bookmarks."""

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caregiver.forms import ActionForm
from caregiver.guidance import library, services
from caregiver.guidance.views.blueprint import bp
from caregiver.i18n import current_language, gettext
from caregiver.i18n import lazy_gettext as _l
from caregiver.main import services as main_services

MARK_MESSAGES = {
    ("read", True): _l("Marked as read."),
    ("read", False): _l("Marked as not read yet."),
    ("bookmark", True): _l("Saved to your bookmarks."),
    ("bookmark", False): _l("Removed from your bookmarks."),
}


def _articles() -> dict[str, library.Article]:
    """The articles in the language of the page (slugs, and so addresses, are the same)."""
    directory = Path(current_app.config["GUIDANCE_CONTENT_DIR"])
    return library.library(directory, current_language())


def _marks() -> services.Marks:
    return services.marks_of(current_user.id if current_user.is_authenticated else None)


@bp.route("/guidance/")
def index():
    articles, marks = _articles(), _marks()
    return render_template(
        "guidance/index.html",
        start_here=library.start_here(articles),
        topics=library.by_topic(articles),
        topic_names={key: library.topic_text(key) for key in library.TOPICS},
        bookmarks=[a for a in articles.values() if a.slug in marks.bookmarked],
        marks=marks,
        total=len(articles),
        read_count=len(marks.read & articles.keys()),
    )


@bp.route("/guidance/topics/<topic>")
def topic(topic):
    found = library.by_topic(_articles()).get(topic)
    if found is None:
        return _not_found(gettext("There is no topic by that name."))
    name, about = library.topic_text(topic)
    return render_template(
        "guidance/topic.html", name=name, about=about, articles=found, marks=_marks()
    )


@bp.route("/guidance/search")
def search():
    articles, query = _articles(), request.args.get("q", "")
    message = library.query_problem(query)
    return render_template(
        "guidance/search.html",
        query=query[: library.QUERY_MAX * 2],
        hits=[] if message else library.search(articles, query),
        message=message,
        marks=_marks(),
        start_here=library.start_here(articles),
    )


@bp.route("/guidance/<slug>")
def article(slug):
    articles = _articles()
    found = articles.get(slug)
    if found is None:
        return _not_found(gettext("We couldn't find that article. It may have moved."))
    return render_template(
        "guidance/article.html",
        article=found,
        related=[articles[s] for s in found.related],
        marks=_marks(),
        path_step=library.path_step(articles, slug),
        start_steps=len(library.START_HERE),
        form=ActionForm(),
        crisis_in_spanish=_crisis_line_in_spanish(),
    )


def _crisis_line_in_spanish() -> str | None:
    """On a Spanish page, how to reach the crisis line in Spanish (988: press 2, or text
    AYUDA), as the country's crisis help says it; None elsewhere."""
    if current_language() != "es":
        return None
    country = main_services.country_for(current_user)
    lines = main_services.crisis_resources(country, "es")["lines"]
    talk = next((line for line in lines if line["kind"] == "crisis"), None)
    return (talk.get("in_spanish") or {}).get("how") if talk else None


@bp.route("/guidance/<slug>/<any(read, bookmark):mark>", methods=["POST"])
@login_required
def set_mark(slug, mark):
    if slug not in _articles():  # the CSRF token is checked for every POST before this
        abort(404)
    turn_on = request.form.get("on") == "1"
    services.set_mark(current_user.id, slug, mark, turn_on)
    flash(str(MARK_MESSAGES[mark, turn_on]), "success")
    return redirect(url_for("guidance.article", slug=slug, _anchor="your-marks"))


def _not_found(message: str):
    return render_template(
        "guidance/not_found.html",
        message=message,
        start_here=library.start_here(_articles()),
        marks=services.Marks(),
    ), 404


def reading_card(user) -> dict | None:
    """The dashboard card with the next article on the "start here" path, in the language of
    the page."""
    articles = _articles()
    upcoming = services.next_to_read(services.marks_of(user.id), articles)
    if upcoming is None:
        return None
    number, _following = library.path_step(articles, upcoming.slug)
    return {
        "template": "guidance/_reading_card.html",
        "article": upcoming,
        "number": number,
        "steps": len(library.START_HERE),
    }
