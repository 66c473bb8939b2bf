"""Kind feedback on a phone: warm lines and a soft celebration, the mood scale, encouraging
empty states, and a home page that does not ask the question just answered."""

import re

import pytest
from playwright.sync_api import expect
from test_journal_browser import log_in_as_new_person

from caregiver import encouragement

pytestmark = pytest.mark.time_dependent

MIN_TAP = 44
NARROW = {"width": 320, "height": 720}
MOODS = ["Very low", "Low", "Okay", "Good", "Very good"]
ANIMATION = "el => getComputedStyle(el).animationName"


def one_of(lines, lead=""):
    """A pattern matching ``lead`` followed by any of ``lines``."""
    return re.compile(
        r"^\s*"
        + re.escape(lead)
        + "("
        + "|".join(re.escape(str(line)) for line in lines)
        + r")\s*$"
    )


def add_goal(page, base, title="Walk for 20 minutes"):
    page.goto(base + "/goals/new")
    page.get_by_role("button", name=re.compile(rf"^{re.escape(title)}(\s|$)")).click()
    expect(page.get_by_text("Goal added.")).to_be_visible()


def test_a_check_in_and_a_new_entry_are_celebrated_softly(page, live_server, check):
    base = live_server.config["BASE_URL"]
    page.set_viewport_size(NARROW)
    log_in_as_new_person(page, live_server)
    add_goal(page, base)

    page.goto(base + "/goals/")
    card = page.locator("article[data-checkin-card][id^='goal-']")
    page.evaluate("window.__stay = 1")
    card.get_by_role("button", name="Done", exact=True).click()
    cheer = card.locator("[data-cheer]")
    expect(cheer).to_have_text(one_of(encouragement.CHECK_IN, "Done. "))
    assert page.evaluate("window.__stay") == 1, "the page reloaded after the tap"
    # Read out politely through the status region the page had from the start.
    announced = page.locator(".flashes[role='status'] [data-announced]")
    expect(announced).to_have_text(cheer.inner_text().strip())
    # The heart and its dots move, once.
    heart = cheer.locator(".celebration-heart")
    expect(heart).to_be_visible()
    assert heart.evaluate(ANIMATION) == "cheer-pop"
    assert cheer.locator(".celebration-dots circle").first.evaluate(ANIMATION) == "cheer-drift"
    check(page, "check-in-celebrated")

    page.goto(base + "/journal/new")
    page.get_by_label("What's on your mind?").fill("Slept a little better. Called Mum.")
    page.get_by_role("button", name="Save entry").click()
    flash = page.locator(".flashes .flash.cheer")
    expect(flash).to_have_text(one_of(encouragement.ENTRY, "Your entry is saved. "))
    expect(flash.locator(".celebration")).to_be_visible()
    check(page, "entry-celebrated")

    # Asked for less motion: the warm lines stay, the celebration is not drawn or run at all.
    page.emulate_media(reduced_motion="reduce")
    page.reload()
    page.goto(base + "/goals/")
    card.get_by_role("button", name="Done", exact=True).click()  # clears the day
    expect(card.get_by_role("button", name="Done", exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )
    card.get_by_role("button", name="Done", exact=True).click()
    expect(cheer).to_have_text(one_of(encouragement.CHECK_IN, "Done. "))
    expect(cheer.locator(".celebration")).to_be_hidden()
    assert cheer.locator(".celebration-heart").evaluate(ANIMATION) == "none"
    page.goto(base + "/journal/new")
    page.get_by_label("What's on your mind?").fill("A quiet evening.")
    page.get_by_role("button", name="Save entry").click()
    expect(flash).to_have_text(one_of(encouragement.ENTRY, "Your entry is saved. "))
    expect(flash.locator(".celebration")).to_be_hidden()


@pytest.mark.one_instant  # looks and keys, not dates: the same at any instant
def test_the_mood_faces_are_distinct_radios_a_keyboard_can_use(page, live_server, check):
    base = live_server.config["BASE_URL"]
    page.set_viewport_size(NARROW)
    log_in_as_new_person(page, live_server)
    page.goto(base + "/journal/new")
    group = page.get_by_role("group", name="How are you feeling?")
    radios = group.get_by_role("radio")
    expect(radios).to_have_count(6)
    names = [radio.evaluate("r => r.labels[0].textContent.trim()") for radio in radios.all()]
    assert names == [*MOODS, "No mood"], names

    # Each face is its own drawing, and each tile is big enough for a thumb, in one row.
    faces = group.locator(".scale-step use")
    drawn = faces.evaluate_all("uses => uses.map(u => u.getAttribute('href').split('#')[1])")
    assert drawn == [f"mood-{n}" for n in range(1, 6)]
    sprite = page.request.get(base + "/static/icons/sprite.svg").text()
    shapes = [re.search(rf'<symbol id="mood-{n}"[^>]*>(.*?)</symbol>', sprite).group(1)
              for n in range(1, 6)]  # fmt: skip
    assert len(set(shapes)) == 5
    tiles = group.locator("label.scale-step")
    boxes = [tile.bounding_box() for tile in tiles.all()]
    assert all(b["width"] >= MIN_TAP and b["height"] >= MIN_TAP for b in boxes), boxes
    assert max(b["y"] for b in boxes) - min(b["y"] for b in boxes) < 1, boxes
    none = group.locator("label.scale-none").bounding_box()
    assert none["height"] >= MIN_TAP, none
    check(page, "mood-scale")

    # Tab reaches the group on its chosen radio ("No mood" at first); arrow keys walk the
    # scale in the order it reads and choose as they go.
    page.get_by_label("What's on your mind?").focus()
    page.keyboard.press("Tab")
    expect(group.get_by_label("No mood", exact=True)).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(group.get_by_label("Very low", exact=True)).to_be_checked()
    expect(group.get_by_label("Very low", exact=True)).to_be_focused()
    for mood in MOODS[1:]:
        page.keyboard.press("ArrowRight")
        expect(group.get_by_label(mood, exact=True)).to_be_checked()
    # The chosen face is marked by an outline and a tick, not only by colour.
    chosen = group.locator("label.scale-step").last
    assert chosen.evaluate("l => getComputedStyle(l, '::after').content") != "none"
    other = group.locator("label.scale-step").first
    assert other.evaluate("l => getComputedStyle(l, '::after').content") == "none"
    assert chosen.evaluate("l => getComputedStyle(l).boxShadow") != other.evaluate(
        "l => getComputedStyle(l).boxShadow"
    )
    check(page, "mood-scale-chosen")
    page.emulate_media(color_scheme="dark")
    check(page, "dark-mood-scale-chosen")

    page.goto(base + "/progress/check-in")
    sleep = page.get_by_role("group", name="Sleep", exact=True)
    boxes = [tile.bounding_box() for tile in sleep.locator("label.scale-step").all()]
    assert len(boxes) == 10
    assert all(b["width"] >= MIN_TAP and b["height"] >= MIN_TAP for b in boxes), boxes
    sleep.get_by_label("7", exact=True).check()
    check(page, "dark-rating-scale")
    page.emulate_media(color_scheme="light")
    check(page, "rating-scale")


def test_a_newcomers_progress_encourages_instead_of_empty_axes(page, live_server, check):
    base = live_server.config["BASE_URL"]
    page.set_viewport_size(NARROW)
    log_in_as_new_person(page, live_server)
    page.goto(base + "/progress")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your progress")
    expect(page.locator("svg.chart")).to_have_count(0)
    states = page.locator(".empty-state")
    expect(states).to_have_count(4)
    expect(states.first).to_contain_text("After a few check-ins you'll see your week here")
    for state in states.all():
        expect(state.locator("svg.illustration")).to_be_visible()
        expect(state.get_by_role("link")).to_have_count(1)
        expect(state.locator("a.button-primary")).to_have_count(1)
    check(page, "progress-newcomer")
    page.emulate_media(color_scheme="dark")
    check(page, "dark-progress-newcomer")

    states.first.get_by_role("link", name="Add a goal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a self-care goal")
    page.emulate_media(color_scheme="light")
    for url, name in (("/journal/", "journal-empty"), ("/goals/", "goals-empty"),
                      ("/boundaries/", "boundaries-empty")):  # fmt: skip
        page.goto(base + url)
        expect(page.locator(".empty-state svg.illustration").first).to_be_visible()
        check(page, name)


def test_the_home_page_does_not_offer_the_prompt_just_answered(page, live_server, check):
    log_in_as_new_person(page, live_server)
    prompt = page.locator("#prompt .prompt-text")
    offered = prompt.inner_text()
    page.locator("#prompt").get_by_role("link", name="Write about this").click()
    expect(page.locator(".prompt-text")).to_have_text(offered)
    page.get_by_label("What's on your mind?").fill("What I'd like them to know is that I'm here.")
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text("Your entry is saved.")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    expect(prompt).not_to_be_empty()
    expect(prompt).not_to_have_text(offered)
    page.locator("#prompt").get_by_role("link", name="Another prompt").click()
    expect(prompt).not_to_have_text(offered)
    check(page, "dashboard-after-answering")
