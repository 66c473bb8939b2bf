"""The private journal: writing, validation, privacy between people, pages, search, prompts."""

import itertools
import re
from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from helpers import CSRF_RE, DaysFromToday, PinnedDay, count_queries, log_in, submit, today
from markupsafe import escape
from xss_payloads import PAYLOADS

from caregiver import clock, encouragement
from caregiver.extensions import db
from caregiver.journal import prompts, services
from caregiver.journal.models import JournalEntry, JournalTag
from caregiver.text import clean_text

pytestmark = pytest.mark.time_dependent


def form(**fields):
    values = {
        "body": "It was a long day.\nI held my boundary about money.",
        "title": "",
        "mood": "",
        "tags": "",
        "entry_date": (today() - timedelta(days=1)).isoformat(),
        "entry_time": "21:30",
    }
    values.update(fields)
    return values


def add(user, n=1, body="entry {n}", day=None, **extra):
    """Write ``n`` entries through the service, one minute apart, newest last, at 08:00 a
    month before the pinned today."""
    start = datetime.combine(today() - timedelta(days=30), time(8, 0), UTC)
    made = []
    for i in range(n):
        moment = start + timedelta(minutes=i)
        data = services.EntryData(
            body=body.format(n=i),
            entry_date=day or moment.date(),
            entry_time=moment.time(),
            **extra,
        )
        made.append(services.add_entry(user, data))
    db.session.commit()
    return made


def test_write_read_edit_an_entry(client, login):
    login()
    page = client.get("/journal/new")
    assert page.status_code == 200 and "Show another prompt" in page.get_data(as_text=True)
    created = submit(
        client,
        "/journal/new",
        form(title="Tuesday", mood="4", tags="money, Sleep , money, #sleep"),
    )
    assert created.status_code == 302
    shown = client.get(created.location).get_data(as_text=True)
    assert "Tuesday" in shown and "It was a long day.\nI held my boundary" in shown
    assert "Mood: Good" in shown and shown.count('class="tag"') == 2  # repeats merged
    assert "Journal entry, " in shown and "<title>Tuesday" not in shown  # no text in the title
    edited = submit(
        client,
        created.location + "/edit",
        form(body="Changed my mind.", tags="hope"),
        page=created.location + "/edit",
    )
    assert edited.status_code == 302
    shown = client.get(created.location).get_data(as_text=True)
    assert "Changed my mind." in shown and ">hope<" in shown and ">money<" not in shown


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"body": "   "}, "Write something before saving."),
        ({"body": "x" * 50_001}, "An entry can be up to 50,000 characters."),
        ({"mood": "9"}, "Choose a mood from the list."),
        ({"tags": ",".join(f"t{n}" for n in range(21))}, "Use at most 20 tags (you have 21)."),
        ({"tags": "a" * 41}, "Keep each tag to 40 characters or fewer"),
        ({"entry_date": DaysFromToday(2)}, "can&#39;t be later than today"),
        ({"entry_date": "next tuesday"}, "Enter a date, like"),
        ({"entry_date": "0001-01-01"}, "Choose a date from 1900 to"),
        ({"title": "t" * 201}, "Keep the title to 200 characters or fewer."),
    ],
)
def test_bad_input_is_explained_and_nothing_typed_is_lost(client, login, fields, message):
    login()
    values = form(**fields)
    response = submit(client, "/journal/new", values, page="/journal/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    if values["body"].strip():
        assert values["body"][:2000] in html  # the text is still in the form
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JournalEntry)) == 0


def test_malicious_text_is_stored_as_typed_and_shown_inert(client, login, app):
    user = login()
    for payload in PAYLOADS:
        response = submit(
            client,
            "/journal/new",
            form(title=payload[:200], body=payload, tags=payload[:40].replace(",", " ")),
            page="/journal/new",
        )
        assert response.status_code == 302, payload
    db.session.remove()
    rows = db.session.scalars(sa.select(JournalEntry).where(JournalEntry.user_id == user.id))
    stored = {services.open_entry(row).body for row in rows}
    cleaned = {clean_text(p) for p in PAYLOADS}
    assert stored == cleaned  # as typed (only control characters other than line breaks go)
    pages = [client.get("/journal/").get_data(as_text=True)]
    for row in db.session.scalars(sa.select(JournalEntry.id)).all():
        pages.append(client.get(f"/journal/{row}").get_data(as_text=True))
    pages.append(submit(client, "/journal/search", {"q": "alert"}).get_data(as_text=True))
    for html in pages:
        assert "<script>alert" not in html.lower() and "<img src=x" not in html.lower()
        assert not re.search(r"<[a-z]+[^>]*\son[a-z]+\s*=", html, re.IGNORECASE)
        assert "javascript:alert" not in re.sub(r">[^<]*<", "><", html)  # only ever as text
        assert html.count("\u202e") == direction_isolated(html).count("\u202e")


class _IsolatedText(HTMLParser):
    """Collects text that sits inside an element whose direction is isolated from the page."""

    # Each <option> is laid out on a line of its own, so an override cannot leak out of it.
    ISOLATING_TAGS = {"option", "bdi", "textarea"}
    VOID = {"input", "img", "br", "meta", "link", "hr", "source"}

    def __init__(self):
        super().__init__()
        self.stack, self.text = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag in self.ISOLATING_TAGS or ("dir", "auto") in attrs)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if any(self.stack):
            self.text.append(data)


def direction_isolated(html: str) -> str:
    parser = _IsolatedText()
    parser.feed(html)
    return "".join(parser.text)


def test_another_persons_entries_answer_404_on_every_journal_route(app, client, make_user):
    owner, other = make_user(), make_user()
    entry = add(owner)[0]
    deleted = add(owner, body="deleted one")[0]
    services.delete_entry(deleted)
    log_in(client, other)
    token = CSRF_RE.search(client.get("/journal/new").get_data(as_text=True)).group(1)
    routes = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("journal.")]
    with_id = [r for r in routes if "entry_id" in r.arguments]
    assert len(with_id) >= 4
    for rule, target in itertools.product(with_id, (entry.id, deleted.id)):
        choices = {
            name: sorted(converter.items)
            for name, converter in rule._converters.items()
            if hasattr(converter, "items")  # any(...): every choice
        }
        for picked in itertools.product(*choices.values()):
            path = rule.build({"entry_id": target, **dict(zip(choices, picked, strict=True))})[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                data = {"csrf_token": token, **form()} if method == "POST" else None
                response = client.open(path, method=method, data=data)
                assert response.status_code == 404, (method, path)
    assert client.get(f"/journal/?tag=1&mood=1&date_from={today()}").status_code == 200
    listing = client.get("/journal/").get_data(as_text=True)
    assert "entry 0" not in listing and "Your journal is empty" in listing
    assert (
        submit(client, "/journal/search", {"q": "entry"}).get_data(as_text=True).count("entry-card")
        == 0
    )


def test_delete_asks_first_then_restores_within_30_days_then_purges(client, login):
    user = login()
    entry = add(user, body="keep me safe")[0]
    confirm = client.get(f"/journal/{entry.id}/delete")
    assert "Delete this entry?" in confirm.get_data(as_text=True)
    assert submit(client, f"/journal/{entry.id}/delete", page=f"/journal/{entry.id}/delete")
    assert client.get(f"/journal/{entry.id}").status_code == 404
    trash = client.get("/journal/deleted").get_data(as_text=True)
    assert "keep me safe" in trash and "Restore" in trash
    submit(client, f"/journal/{entry.id}/restore", page="/journal/deleted")
    assert client.get(f"/journal/{entry.id}").status_code == 200
    submit(client, f"/journal/{entry.id}/delete", page=f"/journal/{entry.id}/delete")
    db.session.remove()
    assert services.purge_deleted(clock.now() + timedelta(days=29)) == 0
    assert services.purge_deleted(clock.now() + timedelta(days=31)) == 1
    assert client.get("/journal/deleted").get_data(as_text=True).count("entry-card") == 0


def test_purge_command_erases_old_deleted_entries(app, make_user, runner):
    entry = add(make_user())[0]
    entry.deleted_at = clock.now() - timedelta(days=31)
    db.session.commit()
    entry_id = entry.id
    result = runner.invoke(args=["journal", "purge-deleted"])
    assert "Erased 1 entry" in result.output
    db.session.remove()
    assert db.session.get(JournalEntry, entry_id) is None


def page_through(client, start="/journal/", between_pages=None):
    """Follow "Older entries" links; return every entry id seen, in order."""
    seen, url = [], start
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += [int(n) for n in re.findall(r'href="/journal/(\d+)"', html)]
        found = re.search(r'href="([^"]+)" rel="next"', html)
        url = found.group(1).replace("&amp;", "&") if found else None
        if between_pages:
            between_pages()
    return seen


def test_a_thousand_entries_page_through_without_gaps_or_repeats(client, login):
    user = login()
    made = add(user, 1000)
    expected = [e.id for e in reversed(made)]
    assert page_through(client) == expected
    # Entries written while someone pages do not shift the pages they have not seen yet.
    late = []

    def write_one():
        late.extend(add(user, 1, body="written meanwhile", day=today()))

    seen = page_through(client, between_pages=write_one)
    assert [n for n in seen if n in set(expected)] == expected
    assert len(seen) == len(set(seen)) and late


def test_list_page_runs_the_same_number_of_queries_for_10_and_1000_entries(app, make_user):
    small, large = make_user(), make_user()
    add(small, 10, tags=["a", "b"], mood=3)
    add(large, 1000, tags=["a", "b"], mood=3)
    counts = []
    for person in (small, large):
        client = app.test_client()
        log_in(client, person)
        client.get("/journal/")  # warm up: the session's last-seen time may be written once
        counts.append(count_queries(client, "/journal/"))
        shown = client.get("/journal/").get_data(as_text=True).count("entry-card")
        assert shown == min(services.PAGE_SIZE, 10 if person is small else 1000)
        tag_id = db.session.scalar(
            sa.select(sa.func.min(JournalTag.id)).where(JournalTag.user_id == person.id)
        )
        counts.append(count_queries(client, f"/journal/?tag={tag_id}&mood=3"))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts


def test_filters_by_tag_mood_and_dates(client, login):
    user = login()
    last_month = (today().replace(day=1) - timedelta(days=1)).replace(day=1)
    month_before = (last_month - timedelta(days=1)).replace(day=1)
    add(user, 3, body="calm {n}", mood=4, tags=["walk"], day=month_before.replace(day=5))
    add(user, 2, body="rough {n}", mood=1, tags=["money"], day=last_month.replace(day=9))
    html = client.get("/journal/").get_data(as_text=True)
    assert f"{last_month:%B %Y}" in html and f"{month_before:%B %Y}" in html  # by month
    tag_id = re.search(r'<option value="(\d+)">money</option>', html).group(1)
    only_money = client.get(f"/journal/?tag={tag_id}").get_data(as_text=True)
    assert only_money.count("entry-card") == 2 and "calm" not in only_money
    assert client.get("/journal/?mood=4").get_data(as_text=True).count("entry-card") == 3
    end = last_month - timedelta(days=1)
    earlier = client.get(f"/journal/?date_from={month_before}&date_to={end}").get_data(True)
    assert earlier.count("entry-card") == 3 and "rough" not in earlier
    odd = client.get("/journal/?date_from=soon&mood=<b>&tag=x")
    assert odd.status_code == 200 and odd.get_data(as_text=True).count("entry-card") == 5
    assert "Not a valid date value." in odd.get_data(as_text=True)  # said, then ignored
    stale = client.get("/journal/?after=%%%")
    assert stale.status_code == 302 and stale.location.endswith("/journal/")
    assert "page link was out of date" in client.get(stale.location).get_data(as_text=True)
    assert "No entries match" in client.get("/journal/?mood=2").get_data(as_text=True)


def test_month_calendar_marks_days_with_entries_and_their_mood(client, login):
    user = login()
    day = (today().replace(day=1) - timedelta(days=1)).replace(day=14)  # last month's 14th
    add(user, 2, mood=5, day=day)
    html = client.get(f"/journal/calendar?month={day:%Y-%m}").get_data(as_text=True)
    assert f"{day:%B %Y}" in html and "2 entries, mood Very good" in html
    assert f"date_from={day}" in html
    assert client.get("/journal/calendar?month=garbage").status_code == 200


@pytest.mark.parametrize(
    "asked", ["9999-12", "0001-01", "10000-01", "1899-12", "garbage", DaysFromToday(366)]
)
def test_a_month_the_calendar_does_not_show_gets_this_month_and_a_word_why(client, login, asked):
    login()
    month = asked.iso()[:7] if isinstance(asked, PinnedDay) else asked
    response = client.get("/journal/calendar", query_string={"month": month})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f"{today():%B %Y}</h2>" in html
    assert "The calendar shows the months from January 1900 to this one" in html
    first = client.get("/journal/calendar?month=1900-01").get_data(as_text=True)
    assert "January 1900</h2>" in first and "Previous month" not in first


def test_search_finds_words_in_titles_bodies_and_tags_and_highlights_them(client, login):
    user = login()
    add(user, 1, body="We argued about the car keys again.", title="Sunday")
    add(user, 1, body="Slept well.", tags=["Car trouble"])
    add(user, 1, body="Nothing to do with it.")
    response = submit(client, "/journal/search", {"q": "car"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "2 entries match" in html
    assert "<mark>car</mark> keys" in html and "<mark>Car</mark> trouble" in html
    assert "car" not in response.request.url  # the words never go into the address
    both = submit(client, "/journal/search", {"q": '"car keys" argued'}).get_data(as_text=True)
    assert "1 entry matches" in both
    none = submit(client, "/journal/search", {"q": "zebra"}).get_data(as_text=True)
    assert "Nothing found" in none
    empty = submit(client, "/journal/search", {"q": ""})
    assert empty.status_code == 200 and "Type a word to look for." in empty.get_data(True)


def test_prompts_change_every_day_and_can_be_skipped():
    curated = prompts.curated()
    assert len(curated) >= 40 and len({p.theme for p in curated}) >= 7
    assert len({p.key for p in curated}) == len(curated)
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(len(curated))]
    shown = [prompts.for_day(7, day) for day in days]
    assert len(set(shown)) == len(curated)  # every prompt once before any repeats
    assert all(a != b for a, b in zip(shown, shown[1:], strict=False))
    assert prompts.for_day(7, days[0], skip=1) == shown[1]
    assert [prompts.for_day(8, day) for day in days] != shown  # each person has their own order


def test_todays_prompt_on_the_dashboard_and_from_a_guidance_article(client, login):
    user = login()
    today = clock.today_in(user.timezone)
    expected = prompts.for_day(user.id, today)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Today's journal prompt" in dashboard and str(escape(expected.text)) in dashboard
    following = prompts.for_day(user.id, today, skip=1)
    assert str(escape(following.text)) in client.get("/dashboard?skip=1").get_data(as_text=True)
    article_prompt = prompts.from_guidance()[0]
    page = client.get(f"/journal/new?prompt={article_prompt.key}").get_data(as_text=True)
    assert article_prompt.text in page
    created = submit(
        client,
        "/journal/new",
        form(prompt_key=article_prompt.key),
        page=f"/journal/new?prompt={article_prompt.key}",
    )
    assert article_prompt.text in client.get(created.location).get_data(as_text=True)


def test_a_prompt_just_answered_is_not_offered_again(client, login):
    user = login()
    day = clock.today_in(user.timezone)
    offered = prompts.for_day(user.id, day)
    assert str(escape(offered.text)) in client.get("/dashboard").get_data(as_text=True)
    # Answered yesterday by the entry's date, but the latest answer: still not offered.
    saved = submit(client, "/journal/new", form(prompt_key=offered.key), page="/journal/new")
    assert saved.status_code == 302
    assert prompts.recently_answered(user.id, day) == {offered.key}
    following = prompts.for_day(user.id, day, avoid=frozenset({offered.key}))
    assert following != offered
    for url in ("/dashboard", "/journal/new"):
        page = client.get(url).get_data(as_text=True)
        assert str(escape(offered.text)) not in page, url
        assert str(escape(following.text)) in page, url
    # "Another prompt" still walks on past it, and a deleted entry frees its prompt again.
    skipped = client.get("/dashboard?skip=1").get_data(as_text=True)
    assert str(escape(prompts.for_day(user.id, day, 1, frozenset({offered.key})).text)) in skipped
    entry = db.session.scalar(sa.select(JournalEntry).where(JournalEntry.user_id == user.id))
    services.delete_entry(entry)
    assert str(escape(offered.text)) in client.get("/dashboard").get_data(as_text=True)


def test_a_new_entry_is_answered_with_a_warm_line(client, login):
    login()
    saved = submit(client, "/journal/new", form(), page="/journal/new")
    entry_id = int(saved.location.rsplit("/", 1)[1])
    page = client.get(saved.location).get_data(as_text=True)
    line = encouragement.pick(encouragement.ENTRY, entry_id)
    assert 'class="flash flash-success cheer"' in page
    assert str(escape(f"Your entry is saved. {line}")) in page
    edited = submit(client, f"/journal/{entry_id}/edit", form(), page=f"/journal/{entry_id}/edit")
    page = client.get(edited.location).get_data(as_text=True)
    assert "Your entry is saved.</p>" in page and "flash-success cheer" not in page


def test_an_expired_session_keeps_the_text_and_saves_it_after_logging_in(client, login):
    user = login()
    token = CSRF_RE.search(client.get("/journal/new").get_data(as_text=True)).group(1)
    services_sessions = user.sessions
    for row in services_sessions:
        row.revoked_at = clock.now()
    db.session.commit()
    body = "Written while my session ran out <b>bold?</b>"
    response = client.post("/journal/new", data={"csrf_token": token, **form(body=body)})
    html = response.get_data(as_text=True)
    assert response.status_code == 401 and "Log in to save your entry" in html
    assert "Written while my session ran out &lt;b&gt;bold?&lt;/b&gt;" in html
    token = CSRF_RE.search(html).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    fields = {k: v.replace("&lt;", "<").replace("&gt;", ">") for k, v in fields.items()}
    wrong = client.post(
        "/journal/resume",
        data={**fields, "csrf_token": token, "email": user.email, "password": "x"},
    )
    assert wrong.status_code == 400 and "don&#39;t match" in wrong.get_data(True)
    assert body.replace("<", "&lt;").replace(">", "&gt;") in wrong.get_data(True)
    saved = client.post(
        "/journal/resume",
        data={
            **fields,
            "csrf_token": token,
            "email": user.email,
            "password": "correct horse battery staple",
        },
    )
    assert saved.status_code == 302
    assert "Written while my session ran out" in client.get(saved.location).get_data(True)
