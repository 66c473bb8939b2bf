"""Browser fixtures: Debian's Chromium driven by Playwright on a phone, a live app server, axe."""

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from bench.chromium import CHROMIUM, CHROMIUM_FLAGS
from caregiver.extensions import db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Violations only: axe then skips listing every element that passed, which it would write out
# and send back for each check.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason="no Chromium found (apt-get install chromium to run these)")
    for item in items:
        if "browser" in item.nodeid.split("::")[0]:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def base_url():
    """Each test gets its live server's address instead (pytest-base-url's fixture unused)."""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, playwright):
    phone = dict(playwright.devices["Pixel 7"])
    phone.pop("default_browser_type", None)
    return {**browser_context_args, **phone, "timezone_id": "America/Los_Angeles"}


def read_whole(app):
    """The app with each response read to its end and closed before it is sent.

    Werkzeug's development server reads what is left of the request before it closes the
    response, so when the browser has already dropped the connection (a cached icon it no
    longer wants), a static file stays open and warns later, in whichever test runs then.
    """

    def wrapped(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wrapped


@pytest.fixture
def live_server(tmp_path, smtp_server):
    """The app served over real HTTP on a free local port, backed by a SQLite file."""
    from helpers import create_schema, make_test_app

    controller, _inbox = smtp_server
    app = make_test_app(f"sqlite:///{tmp_path / 'live.sqlite3'}", tmp_path, controller.port)
    with app.app_context():
        create_schema()
    server = make_server("127.0.0.1", 0, read_whole(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


class PageChecker:
    """Screenshots each step and fails on any WCAG 2.1 A/AA violation axe-core finds."""

    def __init__(self, test_name: str):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.folder = ARTIFACTS / test_name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.step = 0
        self.visited = []
        self.scale = "device"  # "css": one pixel per CSS pixel, quicker for long walks

    def __call__(self, page, name: str):
        self.step += 1
        path = str(self.folder / f"{self.step:02d}-{name}.png")
        page.screenshot(path=path, full_page=True, scale=self.scale)
        results = self.axe.run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, f"{name}: {results.generate_report()}"
        # Against the screen's own width: a phone zooms out to show a page wider than its
        # screen, and innerWidth grows with it.
        width = page.viewport_size["width"]
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{name}: the page is {wide} px wide on a {width} px screen"
        self.visited.append(page.url)


@pytest.fixture
def check(request):
    return PageChecker(request.node.name)
