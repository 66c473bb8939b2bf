"""The guidance library: content checks, readability, sources, every article page, search,
read marks and bookmarks (owner-only), and the crisis help page."""

import math
import re
import shutil
from html import unescape
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
import textstat
from helpers import PASSWORD, log_in, make_test_app, submit

from caregiver.auth import services as auth_services
from caregiver.extensions import db
from caregiver.guidance import library, services
from caregiver.guidance.models import ArticleMark

ARTICLES = library.load()
# The subjects the library must cover, by the slug of the article that covers each.
REQUIRED_SLUGS = {
    "enabling-vs-helping",
    "setting-boundaries",
    "talking-with-your-loved-one",
    "when-relapse-happens",
    "understanding-opioid-addiction",
    "detox-and-withdrawal",
    "medications-for-opioid-use-disorder",
    "residential-and-outpatient-care",
    "therapies-that-help",
    "aftercare",
    "overdose-signs-and-naloxone",
    "finding-and-paying-for-treatment",
    "support-groups-for-families",
    "caring-for-yourself",
    "talking-to-children",
    "when-to-call-for-help-now",
}
HREF_RE = re.compile(r'href="([^"]+)"')

GOOD_ARTICLE = """+++
title = "A good article"
slug = "{slug}"
topic = "helping"
summary = "One line about it."
prompts = ["What did you notice today?"]
related = []

[[sources]]
name = "SAMHSA National Helpline"
url = "https://www.samhsa.gov/find-help/national-helpline"
+++

{body}
"""


def hrefs(response) -> list[str]:
    return [unescape(h) for h in HREF_RE.findall(response.get_data(as_text=True))]


def write_article(directory, slug, body=None):
    text = GOOD_ARTICLE.format(slug=slug, body=body or "Short words here. " * 100)
    (directory / f"{slug}.md").write_text(text, encoding="utf-8")


# Content ------------------------------------------------------------------------------------------


def test_the_library_covers_every_required_subject_with_short_complete_articles():
    assert len(ARTICLES) >= 16
    assert ARTICLES.keys() >= REQUIRED_SLUGS
    for article in ARTICLES.values():
        assert library.MIN_WORDS <= article.words <= library.MAX_WORDS, article.slug
        assert article.minutes == math.ceil(article.words / library.WORDS_PER_MINUTE)
        assert article.title and article.summary and article.sources, article.slug
        assert article.prompts and all(p.strip() for p in article.prompts), article.slug
        assert article.topic in library.TOPICS
        assert all(slug in ARTICLES for slug in article.related), article.slug
    assert all(slug in ARTICLES for slug in library.START_HERE)
    assert 4 <= len(library.START_HERE) <= 5


def test_a_well_formed_article_has_no_problems(tmp_path):
    write_article(tmp_path, "a-good-article")
    article, problems = library.parse(tmp_path / "a-good-article.md")
    assert problems == []
    assert article.title == "A good article" and article.words == 300 and article.minutes == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({'summary = "One line about it."': ""}, "'summary' is missing or empty"),
        ({'topic = "helping"': 'topic = "cooking"'}, "unknown topic 'cooking'"),
        (
            {'prompts = ["What did you notice today?"]': 'prompts = ["  "]'},
            "a journal prompt is empty",
        ),
        ({"related = []": 'related = ["no-such-article"]'}, "'no-such-article' does not exist"),
        ({"related = []": 'actions = ["dance"]'}, "unknown action 'dance'"),
        ({"related = []": 'colour = "blue"'}, "unknown field 'colour'"),
        (
            {"https://www.samhsa.gov": "http://www.samhsa.gov"},
            "is not an https page of an authority",
        ),
        ({"https://www.samhsa.gov": "https://samhsa.gov.example.com"}, "not an https page"),
        ({'slug = "broken"': 'slug = "another-name"'}, "differs from the file name"),
        ({'slug = "broken"': 'slug = "search"'}, "is reserved"),
        (
            {"+++\n\n": "+++\n\nSee [this](/guidance/missing). "},
            "'/guidance/missing' goes to no article",
        ),
        (
            {"+++\n\n": "+++\n\nSee [this](http://example.com). "},
            "neither a page of ours nor https",
        ),
        ({'title = "A good article"': 'title = "unclosed'}, "front matter is not valid TOML"),
    ],
)
def test_content_checks_name_each_mistake(tmp_path, change, message):
    text = GOOD_ARTICLE.format(slug="broken", body="Short words here. " * 100)
    for old, new in change.items():
        assert old in text, old
        text = text.replace(old, new)
    (tmp_path / "broken.md").write_text(text, encoding="utf-8")
    with pytest.raises(library.ContentError) as raised:
        library.load(tmp_path)
    assert message in str(raised.value)
    assert "broken" in str(raised.value)


@pytest.mark.parametrize(("words", "ok"), [(249, False), (250, True), (600, True), (601, False)])
def test_articles_stay_between_250_and_600_words(tmp_path, words, ok):
    write_article(tmp_path, "sized", body="word " * words)
    _article, problems = library.parse(tmp_path / "sized.md")
    assert (problems == []) is ok, problems


def test_the_app_will_not_start_with_an_article_that_links_to_no_page(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(library.CONTENT_DIR, content)
    page = content / "aftercare.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [this](/nowhere).\n", "utf-8")
    with pytest.raises(library.ContentError, match="aftercare: link '/nowhere' goes to no page"):
        make_test_app("sqlite://", tmp_path, 25, GUIDANCE_CONTENT_DIR=str(content))


def test_every_article_reads_at_grade_8_or_below():
    grades = {slug: textstat.flesch_kincaid_grade(a.text) for slug, a in ARTICLES.items()}
    too_hard = {slug: grade for slug, grade in grades.items() if grade > 8}
    assert not too_hard, f"Flesch-Kincaid grade above 8: {too_hard}"


def test_every_spanish_article_reads_as_plain_spanish():
    # Fernández-Huerta: 70-80 reads "fairly easy", above 80 "easy" (docs/spanish.md).
    spanish = library.libraries()["es"]
    assert set(spanish) == set(ARTICLES)
    textstat.set_lang("es")  # Spanish syllables; textstat keeps one language for everyone
    try:
        scores = {slug: textstat.fernandez_huerta(a.text) for slug, a in spanish.items()}
    finally:
        textstat.set_lang("en_US")
    too_hard = {slug: score for slug, score in scores.items() if score < 70}
    assert not too_hard, f"Fernández-Huerta below 70: {too_hard}"


def test_every_source_is_an_https_page_of_a_known_authority():
    for article in [*ARTICLES.values(), *library.libraries()["es"].values()]:
        for source in article.sources:
            assert source.url.startswith("https://"), (article.slug, source.url)
            assert library.is_allowed_source(source.url), (article.slug, source.url)
            assert source.name.strip()


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://www.samhsa.gov/find-help/national-helpline", True),
        ("https://nida.nih.gov/research-topics/opioids", True),
        ("https://www.cdc.gov/stop-overdose/", True),
        ("http://www.samhsa.gov/", False),
        ("https://samhsa.gov.example.com/", False),
        ("https://example.com/www.samhsa.gov", False),
        ("https://notsamhsa.gov/", False),
        ("ftp://www.fda.gov/", False),
    ],
)
def test_the_source_allow_list(url, allowed):
    assert library.is_allowed_source(url) is allowed


# Pages --------------------------------------------------------------------------------------------


def test_every_article_page_has_its_parts_and_leads_somewhere(client):
    for article in ARTICLES.values():
        response = client.get(f"/guidance/{article.slug}")
        assert response.status_code == 200, article.slug
        html = response.get_data(as_text=True)
        assert f'<h1 id="article-title">{article.title}</h1>' in unescape(html)
        assert article.summary in unescape(html)
        links = hrefs(response)
        assert all(source.url in links for source in article.sources), article.slug
        prompt_links = [unquote(h) for h in links if h.startswith("/journal/new?prompt=")]
        assert prompt_links == [
            f"/journal/new?prompt=article:{article.slug}:{n}"
            for n in range(1, len(article.prompts) + 1)
        ]
        assert "/help" in links, article.slug
        assert "information, not medical advice" in html
        assert all(f"/guidance/{slug}" in links for slug in article.related)


def test_phone_numbers_in_articles_are_one_tap_calls(client):
    response = client.get("/guidance/when-relapse-happens")
    assert "tel:+18006624357" in hrefs(response)
    assert ">1-800-662-4357</a>" in response.get_data(as_text=True)


def test_a_prompt_link_opens_a_new_entry_with_that_prompt(client, login):
    login()
    article = ARTICLES["when-relapse-happens"]
    response = client.get(f"/journal/new?prompt=article:{article.slug}:2")
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    assert article.prompts[1] in html
    assert f'value="article:{article.slug}:2"' in html


def test_article_actions_lead_to_a_boundary_a_meeting_and_the_planner(client):
    assert "/boundaries/new" in hrefs(client.get("/guidance/enabling-vs-helping"))
    assert "/meetings/" in hrefs(client.get("/guidance/support-groups-for-families"))
    assert "/guidance/plan-a-conversation" in hrefs(
        client.get("/guidance/talking-with-your-loved-one")
    )


def test_the_library_page_shows_topics_a_path_for_newcomers_and_the_notice(client):
    response = client.get("/guidance/")
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    for key, (name, _about) in library.TOPICS.items():
        assert name in html
        assert f"/guidance/topics/{key}" in hrefs(response)
    path = html.split("New here? Start with these", 1)[1].split("</ol>", 1)[0]
    positions = [path.index(ARTICLES[slug].title) for slug in library.START_HERE]
    assert positions == sorted(positions)
    assert "information, not medical advice" in html
    assert "/guidance/plan-a-conversation" in hrefs(response)
    assert "Your reading" not in html


def test_a_topic_page_lists_its_articles(client):
    response = client.get("/guidance/topics/treatment")
    html = unescape(response.get_data(as_text=True))
    treatment = [a for a in ARTICLES.values() if a.topic == "treatment"]
    assert treatment and all(a.title in html for a in treatment)
    assert ARTICLES["setting-boundaries"].title not in html


def test_unknown_articles_and_topics_answer_404_with_a_search(client):
    for url in ("/guidance/no-such-article", "/guidance/topics/no-such-topic"):
        response = client.get(url)
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert 'role="search"' in html and 'action="/guidance/search"' in html
        assert f"/guidance/{library.START_HERE[0]}" in hrefs(response)


# Search -------------------------------------------------------------------------------------------


def search_hits(client, query):
    response = client.get("/guidance/search", query_string={"q": query})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    found = html.split('role="status"', 1)[1] if 'role="status"' in html else ""
    return re.findall(r'href="/guidance/([a-z-]+)"><strong>', found.split("Good places", 1)[0])


def test_search_finds_articles_by_title_summary_and_body_best_first(client):
    assert search_hits(client, "naloxone")[0] == "overdose-signs-and-naloxone"
    assert search_hits(client, "NALOXONE") == search_hits(client, "naloxone")
    assert search_hits(client, "buprenorphine")[0] == "medications-for-opioid-use-disorder"
    both = search_hits(client, "relapse boundaries")
    assert both and all(
        re.search("relapse", ARTICLES[s].text, re.I)
        and re.search("boundar", ARTICLES[s].text, re.I)
        for s in both
    )


def test_search_marks_the_words_it_found(client):
    html = client.get("/guidance/search?q=naloxone").get_data(as_text=True)
    assert "<mark>naloxone</mark>" in html.lower()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Type a word or two"),
        ("   ", "Type a word or two"),
        ("help " * 60, "That search is too long"),
        ("zzzzqqq", "Nothing found"),
    ],
)
def test_search_explains_empty_long_and_fruitless_queries(client, query, message):
    response = client.get("/guidance/search", query_string={"q": query})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert f"/guidance/{library.START_HERE[0]}" in hrefs(response)


def test_search_shows_what_was_typed_safely(client):
    html = client.get("/guidance/search", query_string={"q": "<script>x</script>"}).get_data(
        as_text=True
    )
    assert "<script>x</script>" not in html
    assert 'value="&lt;script&gt;x&lt;/script&gt;"' in html


# Read marks and bookmarks -------------------------------------------------------------------------


def mark(client, slug, kind, on=True):
    return submit(
        client, f"/guidance/{slug}/{kind}", {"on": "1" if on else "0"}, page=f"/guidance/{slug}"
    )


def test_read_marks_and_bookmarks_show_in_the_library(client, login):
    person = login()
    response = mark(client, "aftercare", "read")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/guidance/aftercare#your-marks")
    mark(client, "setting-boundaries", "bookmark")
    html = unescape(client.get("/guidance/").get_data(as_text=True))
    assert f"You have read 1 of {len(ARTICLES)} articles." in html
    bookmarks = html.split("Bookmarked</h3>", 1)[1].split("</ul>", 1)[0]
    assert ARTICLES["setting-boundaries"].title in bookmarks
    assert ARTICLES["aftercare"].title not in bookmarks
    page = client.get("/guidance/aftercare").get_data(as_text=True)
    assert "Read ✓" in page and 'aria-pressed="true"' in page
    assert services.marks_of(person.id) == services.Marks(
        frozenset({"aftercare"}), frozenset({"setting-boundaries"})
    )


def test_turning_both_marks_off_leaves_no_row(client, login):
    person = login()
    mark(client, "aftercare", "read")
    mark(client, "aftercare", "bookmark")
    mark(client, "aftercare", "read", on=False)
    assert services.marks_of(person.id).bookmarked == {"aftercare"}
    mark(client, "aftercare", "bookmark", on=False)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ArticleMark)) == 0


def test_marks_belong_to_their_owner_alone(app, client, login, make_user):
    login()
    mark(client, "aftercare", "read")
    mark(client, "aftercare", "bookmark")
    other = app.test_client()
    log_in(other, make_user())
    html = unescape(other.get("/guidance/").get_data(as_text=True))
    assert f"You have read 0 of {len(ARTICLES)} articles." in html
    assert "Bookmarked</h3>" not in html
    assert "Read ✓" not in other.get("/guidance/aftercare").get_data(as_text=True)


def test_marks_need_an_account_an_article_and_the_form_token(app, client, login):
    response = submit(client, "/guidance/aftercare/read", {"on": "1"}, page="/auth/login")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert "Log in</a> to mark articles" in client.get("/guidance/aftercare").get_data(as_text=True)
    login()
    assert mark(client, "aftercare", "nonsense").status_code == 404
    assert submit(client, "/guidance/nope/read", {"on": "1"}, page="/guidance/").status_code == 404
    assert client.post("/guidance/aftercare/read", data={"on": "1"}).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ArticleMark)) == 0


def test_deleting_the_account_removes_its_marks(client, login):
    person = login()
    mark(client, "aftercare", "read")
    auth_services.delete_account(db.session.get(type(person), person.id), PASSWORD)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ArticleMark)) == 0


def test_the_dashboard_suggests_the_next_article_on_the_path(client, login):
    login()
    first, second = (ARTICLES[slug] for slug in library.START_HERE[:2])
    html = unescape(client.get("/dashboard").get_data(as_text=True))
    assert "Keep reading" in html and first.title in html
    mark(client, first.slug, "read")
    html = unescape(client.get("/dashboard").get_data(as_text=True))
    assert second.title in html and f"2 of {len(library.START_HERE)}" in html
    for slug in library.START_HERE:
        mark(client, slug, "read")
    assert "Keep reading" not in client.get("/dashboard").get_data(as_text=True)


# Crisis help --------------------------------------------------------------------------------------


def test_help_has_overdose_steps_and_lines_for_when_it_is_not_an_emergency(client):
    response = client.get("/help")
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    overdose = html.split("If they have overdosed", 1)[1].split("</section>", 1)[0]
    assert "<ol" in overdose and "naloxone" in overdose.lower() and "Call 911" in overdose
    talk = html.split("Not an emergency, but I need to talk", 1)[1].split("</section>", 1)[0]
    assert 'href="tel:988"' in talk and 'href="tel:+18006624357"' in talk
    assert "Poison Control" not in talk
    assert "Poison Control" in html.split("Other help lines", 1)[1]
    assert "/guidance/overdose-signs-and-naloxone" in hrefs(response)
