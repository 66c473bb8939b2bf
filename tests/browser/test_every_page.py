"""Every page the app serves, on the smallest phone and on a Pixel 7, in light and in dark, and
in Spanish.

The pages come from the URL map itself (tests/site_map.py): each GET rule is either visited (with
real ids, as the role that can see it, or logged out for public pages) or named there as
something other than a page, with the reason. A new route that is neither fails the walk, so
none is skipped unseen.

Each page, at 320 px and 412 px wide, light and dark: no horizontal overflow, axe finds no WCAG
2.1 A/AA violation, its HTML, CSS and JS weigh at most 60 KB as sent over the wire (cache off),
and it asks nothing of any other origin.
"""

from urllib.parse import urlsplit

import pyotp
import pytest
from helpers import PASSWORD
from playwright.sync_api import expect
from site_map import (
    EMAILS,
    NOT_PAGES,
    TWO_STEP_LATER,
    TWO_STEP_PAGES,
    WALKS,
    fill_site,
    visited_rules,
)
from spanish_pages import assert_one_stop

pytestmark = pytest.mark.one_instant

# What the walk fills in and presses, in each language it walks in.
WORDS = {
    "en": {
        "email": "Email address",
        "password": "Password",
        "log in": "Log in",
        "set up": "Set up two-step sign-in",
        "code": "6-digit code from your app",
        "turn on": "Turn on two-step sign-in",
    },
    "es": {
        "email": "Correo electrónico",
        "password": "Contraseña",
        "log in": "Entrar",
        "set up": "Activar los dos pasos",
        "code": "Código de 6 dígitos de su aplicación",
        "turn on": "Activar los dos pasos",
    },
}
WIDTHS = (412, 320)  # a Pixel 7, then the narrowest phone still in use
BUDGET = 60 * 1024  # HTML + CSS + JS as transferred
COUNTED = {"document", "stylesheet", "script"}
# The header and the tab bar on one line each: "Help now" unbroken, every tab's word inside its
# tab (overflow would not show it: the words would only run into each other).
CROWDED_CHROME = """() => {
  const found = [];
  const help = document.querySelector('.crisis-link');
  if (help && help.getBoundingClientRect().height > 48) found.push('"Help now" wraps');
  const bar = document.querySelector('.site-header .bar');
  const first = bar.firstElementChild.getBoundingClientRect();
  for (const item of bar.children) {
    if (item.getBoundingClientRect().top >= first.bottom) found.push('the header wraps');
    // A squeezed item's words spill over its neighbour.
    if (item.scrollWidth > item.clientWidth + 1) found.push(`"${item.textContent.trim()}" spills`);
  }
  for (const word of document.querySelectorAll('.app-nav a span')) {
    const tab = word.parentElement.getBoundingClientRect();
    const box = word.getBoundingClientRect();
    if (box.left < tab.left || box.right > tab.right) found.push(`the tab "${word.textContent}"`);
  }
  return found.join(', ');
}"""

# What sticks out past the screen's right edge (the innermost elements, named for reading).
WIDER_THAN = """(width) => {
  if (document.documentElement.scrollWidth <= width) return '';
  const out = [...document.querySelectorAll('body *:not(svg *)')].filter((el) => {
    return el.getBoundingClientRect().right > width + 0.5 &&
      ![...el.children].some((child) => child.getBoundingClientRect().right > width + 0.5);
  });
  const names = out.slice(0, 4).map(
    (el) => el.tagName.toLowerCase() + [...el.classList].map((name) => '.' + name).join(''));
  return `${document.documentElement.scrollWidth} px: ${names.join(', ')}`;
}"""


@pytest.fixture
def site(live_server):
    return fill_site(live_server)


def test_every_get_route_is_walked_or_named_as_not_a_page(live_server, site):
    assert set(site.pages) == set(WALKS), "a list of pages that no walk takes, or the reverse"
    walked = visited_rules(live_server, site)
    extra = set(TWO_STEP_PAGES + TWO_STEP_LATER)
    missing = [
        rule.rule
        for rule in live_server.url_map.iter_rules()
        if "GET" in rule.methods
        and rule.rule not in walked
        and rule.endpoint not in NOT_PAGES
        and rule.endpoint not in extra
    ]
    assert not missing, f"GET routes neither walked nor named in NOT_PAGES: {missing}"
    named_but_walked = set(NOT_PAGES) & set(walked.values())
    assert not named_but_walked, named_but_walked
    endpoints = set(live_server.view_functions)
    assert set(NOT_PAGES) | extra <= endpoints, "a named route no longer exists"


class Walker:
    """One browser context for one role in one colour scheme, logged in once."""

    def __init__(self, browser, context_args, base, scheme, check, language="en"):
        self.base = base
        self.check = check
        self.words = WORDS[language]
        # No service worker: it would answer from its own cache, and every part is to be weighed.
        self.context = browser.new_context(
            **context_args, color_scheme=scheme, service_workers="block", locale=language
        )
        self.page = self.context.new_page()
        self.page.emulate_media(color_scheme=scheme)
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # weigh every part
        self.foreign: list[str] = []
        self.problems: list[str] = []
        self.parts: list = []
        self.page.on("request", self._note_origin)
        self.page.on("requestfinished", self._note_part)

    def _note_part(self, request):
        self.parts.append(request)

    def _note_origin(self, request):
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob", "about") and request.url.split("/")[2:3] != [
            self.base.split("/")[2]
        ]:
            self.foreign.append(request.url)

    def log_in(self, email):
        self.page.goto(self.base + "/auth/login")
        self.page.get_by_label(self.words["email"]).fill(email)
        self.page.get_by_label(self.words["password"], exact=True).fill(PASSWORD)
        self.page.get_by_role("button", name=self.words["log in"], exact=True).click()
        expect(self.page).to_have_url(self.base + "/dashboard")

    def visit(self, name, path):
        self.parts.clear()
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        # Only the path: a page's script may add to the query (the finder notes the timezone).
        landed = urlsplit(self.page.url).path
        if response is None or response.status != 200 or landed != urlsplit(path).path:
            status = response.status if response else None
            self.problems.append(f"{path} answered {status} at {self.page.url}, not the page")
            return
        self.check_here(name)

    def check_here(self, name):
        """Every check on the page shown, each failure noted so one walk reports them all."""
        weight = sum(
            request.sizes()["responseBodySize"]
            for request in self.parts
            if request.resource_type in COUNTED
        )
        if weight > BUDGET:
            self.problems.append(f"{name}: {weight} bytes of HTML, CSS and JS over the wire")
        if self.foreign:
            self.problems.append(f"{name} asked other origins: {self.foreign}")
            self.foreign.clear()
        try:
            assert_one_stop(self.page.inner_text("body"))
        except AssertionError as failure:
            self.problems.append(
                f"{name}: a time's period doubled at the end of a sentence: {failure}"
            )
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 915})
            try:
                self.check(self.page, f"{name}-{width}")
            except AssertionError as failure:
                self.problems.append(f"{name} at {width} px: {failure}")
            # A phone zooms out to show a page wider than its screen, and innerWidth grows with
            # it; so the page is measured against the screen's own width.
            wide = self.page.evaluate(WIDER_THAN, width)
            if wide:
                self.problems.append(f"{name} at {width} px is wider than the screen: {wide}")
            crowded = self.page.evaluate(CROWDED_CHROME)
            if crowded:
                self.problems.append(f"{name} at {width} px: {crowded}")
        self.page.set_viewport_size({"width": WIDTHS[0], "height": 915})


# English in light and dark; Spanish, whose words are longer, in light.
@pytest.fixture(params=[("en", "light"), ("en", "dark"), ("es", "light")], ids="-".join)
def language_and_scheme(request):
    return request.param


def walker(browser, browser_context_args, live_server, language_and_scheme, check) -> Walker:
    base = live_server.config["BASE_URL"]
    check.scale = "css"  # some 400 screenshots: a pixel per CSS pixel takes a third of the time
    language, scheme = language_and_scheme
    return Walker(browser, browser_context_args, base, scheme, check, language)


@pytest.mark.parametrize("pages", WALKS)
def test_every_page_fits_a_phone(
    pages, language_and_scheme, browser, browser_context_args, live_server, site, check
):
    walk = walker(browser, browser_context_args, live_server, language_and_scheme, check)
    if pages in EMAILS:
        walk.log_in(EMAILS[pages])
    for name, path in site.pages[pages]:
        walk.visit(name, path)
    if pages == "caregiver":
        walk_two_step(walk)
    walk.context.close()
    assert not walk.problems, "\n".join(walk.problems)


def walk_two_step(walk: Walker):
    """The two-step pages keep their state in the session, so they are reached by their buttons;
    the last two need two-step on."""
    page = walk.page
    walk.parts.clear()
    page.get_by_role("button", name=walk.words["set up"]).click()
    expect(page).to_have_url(walk.base + "/account/two-step/setup")
    walk.check_here("two-step-setup")
    secret = page.locator("[data-secret]").inner_text().replace(" ", "")
    page.get_by_label(walk.words["code"]).fill(pyotp.TOTP(secret).now())
    walk.parts.clear()
    page.get_by_role("button", name=walk.words["turn on"]).click()
    expect(page).to_have_url(walk.base + "/account/two-step/recovery-codes")
    walk.check_here("recovery-codes")
    walk.visit("new-recovery-codes", "/account/two-step/new-codes")
    walk.visit("two-step-off", "/account/two-step/off")
