"""Landing, dashboard, crisis help, health check, error pages."""

import gzip
import logging
import re
from urllib.parse import urlencode

import pytest
from helpers import PASSWORD, create_schema, csrf_token, log_in, make_test_app
from werkzeug.exceptions import InternalServerError

from caregiver import crisis
from caregiver.auth import services as auth_services
from caregiver.extensions import db
from caregiver.main import services


def test_landing_for_visitors_dashboard_for_people(client, login):
    html = client.get("/").get_data(as_text=True)
    assert "privacy promise" in html.lower()
    assert 'href="/auth/register"' in html and 'href="/help"' in html
    login()
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Hello, Person" in dashboard and 'href="tel:988"' in dashboard


def test_help_is_public_and_linked_from_every_page(client, login):
    html = client.get("/help").get_data(as_text=True)
    for expected in [
        'href="tel:911"',
        'href="tel:988"',
        "1-800-662-4357",
        "1-800-487-4889",
        "435748",
        "1-800-222-1222",
        "naloxone",
        "rescue breath",
        "Stay with them",
    ]:
        assert expected in html, expected
    for path in ["/", "/auth/login", "/auth/register", "/privacy", "/no-such-page"]:
        assert 'href="/help"' in client.get(path).get_data(as_text=True), path
    login()
    assert 'href="/help"' in client.get("/account").get_data(as_text=True)


def test_every_page_has_a_description_for_search_results(client, login):
    # Without one, a search engine shows whatever text it picks from the page.
    description = re.compile(r'<meta name="description" content="([^"<>]{50,160})">')
    for path in ["/", "/help", "/guidance/", "/meetings/", "/no-such-page"]:
        assert description.search(client.get(path).get_data(as_text=True)), path
    login()
    assert description.search(client.get("/dashboard").get_data(as_text=True))


def test_crisis_resources_can_be_replaced_by_a_deployment(app, tmp_path, client):
    replacement = tmp_path / "crisis.toml"
    bundled = (crisis.CRISIS_DIR / "ie.toml").read_text(encoding="utf-8")
    replacement.write_text(bundled.replace('code = "ie"', 'code = "us"'), encoding="utf-8")
    app.config["CRISIS_RESOURCES_FILE"] = str(replacement)
    html = client.get("/help").get_data(as_text=True)
    assert 'href="tel:112"' in html and "Ireland" in html and 'href="tel:911"' not in html


def test_crisis_file_without_required_parts_is_refused(app, tmp_path):
    broken = tmp_path / "crisis.toml"
    broken.write_text('code = "xx"\n')
    app.config["CRISIS_RESOURCES_FILE"] = str(broken)
    with pytest.raises(crisis.CrisisDataError, match=r"crisis\.toml: emergency: is missing"):
        services.crisis_resources("xx")


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "scheduler": "never"}


def test_healthz_reports_a_broken_database(tmp_path, smtp_server):
    controller, _inbox = smtp_server
    broken = make_test_app(
        f"sqlite:///{tmp_path / 'missing-folder' / 'db.sqlite3'}", tmp_path, controller.port
    )
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error", "scheduler": "unknown"}


def test_friendly_404_405_413_pages(client):
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "couldn&#39;t find that page" in missing.get_data(
        as_text=True
    )
    assert client.get("/auth/logout").status_code == 405
    huge = client.post("/auth/login", data={"email": "x" * (2 * 1024 * 1024)})
    assert huge.status_code == 413
    assert "too much to send at once" in huge.get_data(as_text=True)
    api = client.get("/no-such-feed.json")
    assert api.status_code == 404 and api.get_json()["status"] == 404


@pytest.mark.parametrize(
    ("url", "megabytes"), [("/journal/new", 2), ("/journal/import", 26), ("/careplan/import", 6)]
)
def test_too_large_a_post_gets_the_whole_413_page_and_logs_nothing(
    client, login, caplog, url, megabytes
):
    login()
    fields = {"csrf_token": csrf_token(client, url), "body": "x" * (megabytes * 1024 * 1024)}
    huge = {"data": urlencode(fields), "content_type": "application/x-www-form-urlencoded"}
    response = client.post(url, **huge)
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and "That was too much to send at once" in html
    assert "Log out" in html and "Go to the home page" in html  # the layout, not the fallback
    as_json = client.post(url, **huge, headers={"Accept": "application/json"})
    assert as_json.status_code == 413 and as_json.get_json()["status"] == 413
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_unexpected_errors_get_a_friendly_500(database_url, tmp_path, smtp_server):
    controller, _inbox = smtp_server
    app = make_test_app(database_url, tmp_path, controller.port, PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    def boom():
        raise InternalServerError()

    @app.route("/crash")
    def crash():
        raise RuntimeError("unexpected")

    for path in ["/boom", "/crash"]:
        response = app.test_client().get(path)
        assert response.status_code == 500
        assert "Something went wrong on our side" in response.get_data(as_text=True)


def test_error_page_still_renders_when_the_database_is_broken(
    database_url, tmp_path, smtp_server, make_user_in
):
    controller, _inbox = smtp_server
    app = make_test_app(database_url, tmp_path, controller.port, PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        create_schema()
        user = make_user_in()
        client = app.test_client()
        log_in(client, user)
        db.session.remove()  # PostgreSQL would wait on this session's open transaction
        db.drop_all()  # every query from now on fails, including loading the signed-in person
        response = client.get("/dashboard")
        db.engine.dispose()
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong on our side" in html and 'href="tel:911"' in html


@pytest.fixture
def make_user_in():
    """Create a verified person in whatever app context is current."""
    return lambda: auth_services.create_user(
        "broken@example.org", "Kit", PASSWORD, "UTC", verified=True
    )


def static_url(client, filename):
    """The address the pages give a static file (with its content digest)."""
    found = re.search(rf"/static/{re.escape(filename)}\?v=\w+", client.get("/help").get_data(True))
    assert found, f"no link to {filename} on the help page"
    return found.group(0)


def test_the_bottom_bar_has_five_tabs_and_more_leads_to_the_rest(client, login):
    login()
    html = client.get("/dashboard").get_data(as_text=True)
    bar = html.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    labels = re.findall(r"<span>([^<]+)</span>", bar)
    assert labels == ["Home", "Journal", "Goals", "Meetings", "More"]
    assert bar.count('aria-current="page"') == 1 and 'href="/dashboard" aria-current' in bar
    # A section without a tab of its own marks "More" as current.
    guidance = client.get("/guidance/").get_data(as_text=True)
    assert 'href="/more" aria-current="page"' in guidance
    more = client.get("/more").get_data(as_text=True)
    for path in ["/guidance/", "/careplan/", "/account", "/account/reminders", "/help"]:
        assert f'href="{path}"' in more, path
    assert 'href="/admin/"' not in more and 'href="/groups/manage"' not in more
    assert 'action="/auth/logout"' in more


def test_more_shows_the_sections_of_a_role_to_that_role_only(client, login):
    login("admin")
    more = client.get("/more").get_data(as_text=True)
    assert 'href="/admin/"' in more and 'href="/groups/manage"' in more


def test_more_asks_a_visitor_to_log_in(client):
    response = client.get("/more")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_text_is_compressed_and_small_answers_are_not(client, login):
    css = client.get(static_url(client, "css/app.css"), headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in css.headers["Vary"]
    plain = client.get(static_url(client, "css/app.css")).get_data()
    assert gzip.decompress(css.get_data()) == plain and len(css.get_data()) < len(plain) / 3
    page = client.get("/help", headers={"Accept-Encoding": "br, gzip"})
    assert page.headers["Content-Encoding"] in ("br", "gzip")
    health = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in health.headers  # under a kilobyte: not worth it
    login()
    signed_in = client.get("/dashboard", headers={"Accept-Encoding": "gzip"})
    assert signed_in.headers["Content-Encoding"] == "gzip"
    assert signed_in.headers["Cache-Control"] == "no-store"


def test_static_files_are_kept_for_a_year_under_their_digest(client, login):
    login()  # files are the same for everyone, signed in or not
    url = static_url(client, "js/app.js")
    kept = client.get(url)
    assert kept.status_code == 200
    assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    path = url.split("?")[0]
    for other in (path, f"{path}?v=0123456789ab"):  # no digest, or an old one: ask again
        response = client.get(other)
        assert response.status_code == 200 and "max-age" not in response.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": kept.headers["ETag"]})
    assert again.status_code == 304
