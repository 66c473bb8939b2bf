"""CSRF on every POST route, security headers, rate limits."""

import re

import pytest
import redis
from helpers import PASSWORD, create_schema, log_in, make_test_app, raw_values, submit

from caregiver.extensions import db

# RFC 8058 one-click unsubscribe: mail providers POST without a token; the signed link is the proof.
CSRF_EXEMPT = {"reminders.unsubscribe"}


def post_routes(app):
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in CSRF_EXEMPT:
            continue
        values = {}
        for name, converter in rule._converters.items():
            if hasattr(converter, "items"):  # any(...)
                values[name] = next(iter(converter.items))
            elif converter.regex == r"\d+":
                values[name] = 1
            else:
                values[name] = "token"
        yield rule.build(values, append_unknown=False)[1]


def test_every_post_route_refuses_a_request_without_csrf_token(app, make_user):
    admin = make_user(role="admin")
    anonymous, signed_in = app.test_client(), app.test_client()
    log_in(signed_in, admin)
    routes = list(post_routes(app))
    assert len(routes) >= 10
    before = sorted(raw_values(db.engine).split(b"\x00"))
    for client in (anonymous, signed_in):
        for path in routes:
            # A button alone: nothing typed to keep, so the plain page says to reload.
            response = client.post(path)
            assert response.status_code == 400, path
            assert "expired or was sent from somewhere else" in response.get_data(as_text=True)
            # Something typed: the form may come back with it (its view drawing the page),
            # or a 404 for a row that isn't there; never a change.
            response = client.post(path, data={"email": "a@example.org", "note": "x" * 20})
            assert response.status_code in (400, 401, 404), path
    assert sorted(raw_values(db.engine).split(b"\x00")) == before
    assert signed_in.get("/dashboard").status_code == 200  # logout without a token did nothing
    # The one exempt route still refuses anything but a valid signed link.
    assert anonymous.post("/unsubscribe/token").status_code == 400


def paths_with_a_number(app, number: str):
    """Every route with a number in its path, that number being ``number``: (method, path)."""
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        path = re.sub(r"<int:\w+>", number, rule.rule)
        path = re.sub(r"<any\((\w+)[^>]*>", r"\1", path)
        path = re.sub(r"<\w+>", "token", path)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            yield method, path


@pytest.mark.parametrize("number", [str(2**31), str(2**63), str(10**30), "9" * 5000])
def test_ids_no_row_can_have_are_a_404_on_every_route(app, client, make_user, number):
    log_in(client, make_user(role="admin"))
    paths = list(paths_with_a_number(app, number))
    assert len(paths) >= 40
    for method, path in paths:
        response = client.open(path, method=method)
        assert response.status_code == 404, f"{method} {path[:80]}"
    # The largest id a row can have is looked up like any other.
    assert client.get(f"/journal/{2**31 - 1}").status_code == 404


def test_a_nul_character_in_a_path_query_or_form_never_reaches_the_database(client, make_user):
    # No keyboard types one, and PostgreSQL can neither store nor compare text holding one.
    person = make_user(name="Kit")
    log_in(client, person)
    for path in ("/groups/%00", "/guidance/a%00b", "/unsubscribe/%01", "/calendar/%00.ics"):
        assert client.get(path).status_code == 404, path
    assert client.get("/meetings/?q=family%00circle").status_code == 200
    fields = {"display_name": "Kit\x00 Carson", "timezone": "America/Chicago"}
    assert submit(client, "/account/profile", fields, page="/account").status_code == 302
    db.session.refresh(person)
    assert person.display_name == "Kit Carson"


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_load_nothing_from_other_hosts(client):
    html = client.get("/").get_data(as_text=True)
    # Links may lead elsewhere (Leave quickly does); nothing the page loads may come from there.
    loaded = re.findall(r'(?:src|srcset|data)="([^"]*)"|<link[^>]*href="([^"]*)"', html)
    addresses = [address for pair in loaded for address in pair if address]
    assert addresses and [a for a in addresses if "//" in a] == []
    assert "@import" not in html and "url(http" not in html


def test_repeated_log_in_attempts_are_slowed_with_a_friendly_page(client, make_user):
    user = make_user()
    responses = [
        submit(client, "/auth/login", {"email": user.email, "password": "wrong guess!"})
        for _ in range(11)
    ]
    assert [r.status_code for r in responses] == [200] * 10 + [429]
    assert "Too many tries for now" in responses[10].get_data(as_text=True)
    # Even the right password waits: guessing cannot be rushed.
    right = submit(client, "/auth/login", {"email": user.email, "password": PASSWORD})
    assert right.status_code == 429


@pytest.fixture
def redis_uri(worker_id):
    # A database of its own for each pytest-xdist worker (15, 14, ...): the test empties it.
    number = 15 - (int(worker_id.removeprefix("gw")) if worker_id != "master" else 0)
    uri = f"redis://127.0.0.1:6379/{number}"
    client = redis.Redis.from_url(uri, socket_connect_timeout=1)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    yield uri
    client.flushdb()
    client.close()


def test_rate_limits_live_in_redis_so_every_worker_shares_them(
    database_url, tmp_path, smtp_server, redis_uri
):
    """Ten attempts through one worker; the eleventh, through a worker started afterwards with
    no memory of them, is still refused: the count lives in Redis."""
    controller, _inbox = smtp_server
    data = {"email": "nobody@example.org", "password": "wrong guess!"}
    first = make_test_app(
        database_url, tmp_path / "one", controller.port, RATELIMIT_STORAGE_URI=redis_uri
    )
    with first.app_context():
        create_schema()
        statuses = [submit(first.test_client(), "/auth/login", data).status_code for _ in range(10)]
        db.engine.dispose()
    second = make_test_app(
        database_url, tmp_path / "two", controller.port, RATELIMIT_STORAGE_URI=redis_uri
    )
    with second.app_context():
        statuses.append(submit(second.test_client(), "/auth/login", data).status_code)
        db.engine.dispose()
    assert statuses == [200] * 10 + [429]
