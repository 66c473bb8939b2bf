"""The conversation planner: answers to an I-statement script, kept on mistakes, saved privately."""

import html
import re
from datetime import UTC, date, datetime, time
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from helpers import CSRF_RE, PASSWORD, raw_values, submit
from xss_payloads import PAYLOADS

from caregiver import clock
from caregiver.extensions import db
from caregiver.guidance import conversation_script, forms
from caregiver.guidance.conversation_script import Answers, build_script
from caregiver.journal import services as journal
from caregiver.journal.models import JournalEntry

pytestmark = pytest.mark.time_dependent

PLAN = "/guidance/plan-a-conversation"
SAVE = "/guidance/plan-a-conversation/save"
RESUME = "/guidance/plan-a-conversation/resume"
ANSWERS = {
    "noticed": "You missed dinner with us three times this week.",
    "feel": "scared",
    "would_like": "come to dinner with us on Sunday",
    "offer": "pick you up at five",
    "when_where": "Sunday morning, on a walk by the river",
    "if_badly": "I will stop, leave the room and call my sister",
}
SCRIPT_SENTENCES = [
    "When and where: Sunday morning, on a walk by the river.",
    "I noticed you missed dinner with us three times this week.",
    "I feel scared when that happens.",
    "I would like you to come to dinner with us on Sunday.",
    "I can pick you up at five.",
    "If it goes badly: I will stop, leave the room and call my sister.",
    "If anyone is in danger, I will call 911.",
]


def page_text(response) -> str:
    """The page's HTML with entities decoded, so sentences can be looked for as typed."""
    return html.unescape(response.get_data(as_text=True))


def textarea(response, name: str) -> str:
    pattern = rf'<textarea[^>]*name="{name}"[^>]*>(?:\r?\n)?(.*?)</textarea>'
    found = re.search(pattern, response.get_data(as_text=True), re.S)
    assert found, f"no {name} textarea in the page"
    return html.unescape(found.group(1))


def hidden_fields(response) -> dict[str, str]:
    """The answers carried along in hidden fields, plus the page's CSRF token."""
    body = response.get_data(as_text=True)
    fields = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', body)
    token = CSRF_RE.search(body).group(1)
    return {name: html.unescape(value) for name, value in fields} | {"csrf_token": token}


class Elements(HTMLParser):
    """Every element's tag and attribute names, to prove typed text never became markup."""

    def __init__(self, body: str):
        super().__init__()
        self.found = []
        self.feed(body)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, [name for name, _value in attrs]))


def entry_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(JournalEntry))


# The script itself ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["scared", "Scared.", "I feel scared", "i feel scared", "I'm scared", "I’m scared",
     "I am scared", "feeling scared", "  I feel   scared  ", "I really feel scared"],
)  # fmt: skip
def test_a_feeling_becomes_one_i_statement_however_it_was_typed(typed):
    assert conversation_script.feel_sentence(typed) == "I feel scared when that happens."


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("I feel like you don't listen to me", "I feel like you don't listen to me."),
        ("worried about your health", "I feel worried about your health."),
        ("I get scared when you leave at night", "I get scared when you leave at night."),
        ("Sad and tired!", "I feel sad and tired!"),
    ],
)
def test_a_longer_feeling_is_kept_in_the_persons_own_words(typed, expected):
    assert conversation_script.feel_sentence(typed) == expected


@pytest.mark.parametrize(
    ("sentence", "typed", "expected"),
    [
        ("noticed", "You came home after midnight", "I noticed you came home after midnight."),
        ("noticed", "I noticed that you came home late", "I noticed you came home late."),
        ("noticed", "I’ve noticed you sleep all day.", "I noticed you sleep all day."),
        ("noticed", "Dad's car had a new dent", "I noticed Dad's car had a new dent."),
        ("noticed", "I saw you leave at 2 in the morning", "I saw you leave at 2 in the morning."),
        ("would_like", "Come to dinner on Sunday", "I would like you to come to dinner on Sunday."),
        ("would_like", "I would like you to see a doctor", "I would like you to see a doctor."),
        ("would_like", "I want you to call me", "I would like you to call me."),
        ("would_like", "I'd like us to talk on Sunday", "I would like us to talk on Sunday."),
        (
            "would_like",
            "you see a doctor this week",
            "I would like it if you see a doctor this week.",
        ),
        ("would_like", "a calm talk this weekend", "I would like a calm talk this weekend."),
        ("offer", "drive you to the appointment", "I can drive you to the appointment."),
        ("offer", "I can drive you to the appointment.", "I can drive you to the appointment."),
        ("offer", "I'll pay for the bus pass", "I can pay for the bus pass."),
        ("offer", "a ride to the clinic", "I can offer a ride to the clinic."),
    ],
)
def test_each_answer_becomes_a_sentence_without_doubled_words(sentence, typed, expected):
    assert getattr(conversation_script, f"{sentence}_sentence")(typed) == expected


def test_the_script_has_every_answer_in_short_paragraphs():
    script = build_script(Answers(**ANSWERS))
    paragraphs = script.split("\n\n")
    assert paragraphs[0] == SCRIPT_SENTENCES[0]
    assert paragraphs[1] == conversation_script.OPENING
    assert paragraphs[2] == f"{SCRIPT_SENTENCES[1]} {SCRIPT_SENTENCES[2]}"
    assert paragraphs[3] == f"{SCRIPT_SENTENCES[3]} {SCRIPT_SENTENCES[4]} What do you think?"
    assert paragraphs[4] == f"{SCRIPT_SENTENCES[5]} {SCRIPT_SENTENCES[6]}"
    assert "I feel I" not in script and "I noticed I" not in script and ".." not in script


def test_empty_optional_answers_are_left_out_and_spaces_trimmed():
    script = build_script(
        Answers(
            noticed="  you missed\n  work   twice ",
            feel="\tworried ",
            would_like=" see a doctor. ",
            offer="   ",
            when_where="",
            if_badly="\n",
        )
    )
    assert script == (
        f"{conversation_script.OPENING}\n\n"
        "I noticed you missed work twice. I feel worried when that happens.\n\n"
        "I would like you to see a doctor. What do you think?\n\n"
        "If anyone is in danger, I will call 911."
    )
    assert "When and where" not in script and "If it goes badly" not in script
    assert "I can" not in script and "  " not in script


def test_a_saved_plan_is_dated_on_the_persons_own_clock():
    late_evening = datetime(2026, 3, 2, 4, 30, 59, tzinfo=UTC)  # 10:30 p.m. on Mar 1 in Chicago
    data = conversation_script.journal_entry("My script", "America/Chicago", now=late_evening)
    assert (data.entry_date, data.entry_time) == (date(2026, 3, 1), time(22, 30))
    assert data.title == conversation_script.entry_title() == "Conversation plan"
    assert data.body == "My script" and data.tags == ["conversation"]


# The page ----------------------------------------------------------------------------------------


def test_the_planner_opens_for_visitors_and_for_people_signed_in(client, login):
    for signed_in in (False, True):
        if signed_in:
            login()
        response = client.get(PLAN)
        text = page_text(response)
        assert response.status_code == 200
        for label in ("1. What I noticed", "2. How I feel", "3. What I would like"):
            assert label in text
        assert 'href="/guidance/talking-with-your-loved-one"' in text
        assert 'href="/help"><strong>If anyone is in danger, get help now' in text
        assert "This app gives information, not medical advice." in text
        assert response.headers["Cache-Control"] == "no-store"


def test_answers_turn_into_an_editable_script(client):
    response = submit(client, PLAN, ANSWERS)
    assert response.status_code == 200
    script = textarea(response, "script")
    for sentence in SCRIPT_SENTENCES:
        assert sentence in script
    kept = hidden_fields(response)
    assert {name: kept[name] for name in ANSWERS} == ANSWERS
    text = page_text(response)
    assert "Back to my answers" in text and "Log in to save it" in text
    assert "Save to my journal" not in text  # a visitor has no journal to save to
    assert entry_count() == 0


def test_back_to_my_answers_fills_the_form_again(client):
    shown = submit(client, PLAN, ANSWERS)
    back = client.post(PLAN, data={**hidden_fields(shown), "step": "answers"})
    assert back.status_code == 200
    for name, value in ANSWERS.items():
        assert textarea(back, name) == value
    assert "Make my script" in page_text(back) and 'class="error"' not in back.get_data(True)


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("noticed", "Write one thing you noticed."),
        ("feel", "Write how you feel. One word is enough."),
        ("would_like", "Write what you would like to happen."),
    ],
)
def test_a_missing_answer_keeps_every_other_answer(client, missing, message):
    response = submit(client, PLAN, {**ANSWERS, missing: "   "})
    assert response.status_code == 400
    text = page_text(response)
    assert message in text and "Everything you wrote is still here." in text
    assert 'aria-invalid="true"' in text
    for name, value in ANSWERS.items():
        assert textarea(response, name) == ("   " if name == missing else value)
    assert 'name="script"' not in text


def test_an_overlong_answer_is_refused_and_kept(client):
    long_answer = "you came home late " * 30
    assert len(long_answer) > forms.ANSWER_MAX
    response = submit(client, PLAN, {**ANSWERS, "if_badly": long_answer})
    assert response.status_code == 400
    assert "Please keep this to 400 characters or fewer." in page_text(response)
    assert textarea(response, "if_badly") == long_answer
    assert textarea(response, "noticed") == ANSWERS["noticed"]


def test_typed_markup_stays_plain_text(client):
    for payload in [p for p in PAYLOADS if "<" in p][:10]:
        response = submit(client, PLAN, {**ANSWERS, "noticed": payload, "offer": payload})
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "<script>alert" not in body.lower() and "<img src=x" not in body.lower()
        elements = Elements(body).found
        # Only the layout's two: app.js, and the words it writes (data, never run).
        scripts = [attrs for tag, attrs in elements if tag == "script"]
        assert scripts == [["src", "defer"], ["type", "id"]]
        assert not [tag for tag, attrs in elements if any(a.startswith("on") for a in attrs)]
        assert hidden_fields(response)["noticed"] == payload


# Saving ------------------------------------------------------------------------------------------


def test_saving_makes_a_journal_entry_only_its_author_can_read(app, client, login, make_user):
    login()
    shown = submit(client, PLAN, ANSWERS)
    assert "Save to my journal" in page_text(shown)
    edited = textarea(shown, "script").replace("at five", "at five, zebra-kite-1207")
    saved = submit(client, SAVE, {**hidden_fields(shown), "script": edited}, page=PLAN)
    assert saved.status_code == 302
    assert re.fullmatch(r"/journal/\d+", saved.location)

    entry_page = client.get(saved.location)
    text = page_text(entry_page)
    assert entry_page.status_code == 200
    assert "Your plan is saved in your journal. Only you can read it." in text
    assert "Conversation plan" in text and "I can pick you up at five, zebra-kite-1207." in text
    assert ">conversation</a>" in text  # its tag
    row = db.session.scalars(sa.select(JournalEntry)).one()
    assert journal.open_entry(row).body == edited.replace("\r\n", "\n")

    raw = raw_values(db.engine)
    for secret in (b"zebra-kite-1207", b"I noticed you missed dinner", b"Conversation plan"):
        assert secret not in raw

    other = app.test_client()
    submit(other, "/auth/login", {"email": make_user().email, "password": PASSWORD})
    assert other.get(saved.location).status_code == 404
    assert app.test_client().get(saved.location).status_code == 302  # a visitor is sent to log in


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("", "The script is empty. Write what you want to say, then save."),
        (" \n\t ", "The script is empty. Write what you want to say, then save."),
        (
            "word " * 1001,
            "Please keep this to 5,000 characters or fewer. Your words are still here.",
        ),
    ],
)
def test_an_empty_or_overlong_script_is_not_saved(client, login, script, message):
    login()
    response = submit(client, SAVE, {**ANSWERS, "script": script}, page=PLAN)
    assert response.status_code == 400
    text = page_text(response)
    assert message in text and "Save to my journal" in text
    assert textarea(response, "script") == script
    assert hidden_fields(response)["feel"] == ANSWERS["feel"]
    assert entry_count() == 0


def test_a_visitor_who_saves_keeps_the_script_and_can_log_in_to_save_it(client, make_user):
    user = make_user()
    script = "I noticed you missed dinner.\n\nI feel scared <b>when</b> that happens."
    response = submit(client, SAVE, {**ANSWERS, "script": script}, page=PLAN)
    assert response.status_code == 401
    assert textarea(response, "script") == script
    assert "Your script is still here." in page_text(response)
    assert "I feel scared &lt;b&gt;when&lt;/b&gt;" in response.get_data(True)
    assert entry_count() == 0

    fields = {**hidden_fields(response), "script": script}
    assert fields["noticed"] == ANSWERS["noticed"]
    wrong = client.post(RESUME, data={**fields, "email": user.email, "password": "not it"})
    assert wrong.status_code == 400
    assert "That email and password don't match an account." in page_text(wrong)
    assert textarea(wrong, "script") == script and entry_count() == 0

    fields["csrf_token"] = CSRF_RE.search(wrong.get_data(True)).group(1)
    saved = client.post(RESUME, data={**fields, "email": user.email, "password": PASSWORD})
    assert saved.status_code == 302 and saved.location.startswith("/journal/")
    assert "I feel scared &lt;b&gt;when&lt;/b&gt;" in client.get(saved.location).get_data(True)
    assert entry_count() == 1


def test_an_expired_session_keeps_the_script(client, login):
    user = login()
    shown = submit(client, PLAN, ANSWERS)
    token = CSRF_RE.search(shown.get_data(True)).group(1)
    for row in user.sessions:
        row.revoked_at = clock.now()
    db.session.commit()
    script = textarea(shown, "script")
    response = client.post(
        SAVE, data={**hidden_fields(shown), "script": script, "csrf_token": token}
    )
    assert response.status_code == 401
    assert textarea(response, "script") == script and "Log in and save" in page_text(response)
    assert entry_count() == 0


def test_an_unconfirmed_address_is_told_to_confirm_first(client, make_user, mailbox):
    user = make_user(verified=False)
    shown = submit(client, SAVE, {**ANSWERS, "script": "My words"}, page=PLAN)
    token = CSRF_RE.search(shown.get_data(True)).group(1)
    response = client.post(
        RESUME,
        data={**ANSWERS, "script": "My words", "csrf_token": token, "email": user.email,
              "password": PASSWORD},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Please confirm your email address first." in page_text(response)
    assert textarea(response, "script") == "My words" and entry_count() == 0
