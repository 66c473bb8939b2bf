"""The journal, goals, boundaries and progress pages in Spanish, for a person who chose Spanish."""

from datetime import timedelta

import pytest
from helpers import submit
from spanish_pages import assert_reads, spanish_page

from caregiver import clock
from caregiver.goals import services as goals
from caregiver.journal import prompts

pytestmark = pytest.mark.time_dependent


def followed(client, response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return spanish_page(client, response.headers["Location"])


def entry_form(person, **fields):
    day = clock.today_in(person.timezone) - timedelta(days=1)
    values = {"body": "Hoy fue un día largo.", "title": "", "mood": "4", "tags": ""}
    return values | {"entry_date": day.isoformat(), "entry_time": "21:30"} | fields


def test_an_empty_journal_in_spanish(client, spanish_speaker):
    page = spanish_page(client, "/journal/")
    assert_reads(
        page,
        ("Su diario está vacío", "Escribir su primera anotación", "Nueva anotación", "Calendario"),
        ("Your journal is empty", "Write your first entry", "New entry", "Only you can read"),
    )


def test_the_new_entry_form_names_the_moods_and_asks_a_spanish_prompt(client, spanish_speaker):
    page = spanish_page(client, "/journal/new")
    assert_reads(
        page,
        ("¿Cómo se siente?", "Muy mal", "Regular", "Muy bien", "Guardar", "Ver otra pregunta"),
        ("How are you feeling?", "Very low", "Okay", "Save entry", "Show another prompt"),
    )
    offered = prompts.for_day(spanish_speaker.id, clock.today_in(spanish_speaker.timezone))
    spanish = prompts.get(offered.key, "es")
    english = prompts.get(offered.key, "en")
    assert spanish.text != english.text
    assert spanish.text in page and english.text not in page


def test_a_saved_entry_and_a_refused_one_speak_spanish(client, spanish_speaker):
    refused = submit(
        client, "/journal/new", entry_form(spanish_speaker, body=" "), page="/journal/new"
    )
    assert refused.status_code == 400
    assert_reads(
        refused.get_data(as_text=True),
        ("Escriba algo antes de guardar.",),
        ("Write something before saving.",),
    )
    saved = submit(client, "/journal/new", entry_form(spanish_speaker), page="/journal/new")
    page = followed(client, saved)
    assert_reads(page, ("Su anotación está guardada.", "Ánimo: Bien"), ("Your entry is saved",))
    listing = spanish_page(client, "/journal/")
    assert_reads(listing, ("Filtrar anotaciones", "Cualquier ánimo"), ("Filter entries",))


def test_searching_the_journal_in_spanish(client, spanish_speaker):
    page = spanish_page(client, "/journal/search")
    assert_reads(page, ("Buscar en su diario", "palabras entre comillas"), ("Looks in titles",))
    submit(client, "/journal/new", entry_form(spanish_speaker), page="/journal/new")
    found = submit(client, "/journal/search", {"q": "largo"}).get_data(as_text=True)
    assert_reads(found, ("1 anotación coincide",), ("1 entry matches",))
    none = submit(client, "/journal/search", {"q": "cebra"}).get_data(as_text=True)
    assert_reads(none, ("No se encontró nada",), ("Nothing found",))
    empty = submit(client, "/journal/search", {"q": ""}).get_data(as_text=True)
    assert_reads(empty, ("Escriba una palabra para buscar.",), ("Type a word to look for.",))


def test_goals_and_the_new_goal_form_in_spanish(client, spanish_speaker):
    page = spanish_page(client, "/goals/")
    assert_reads(
        page,
        ("Cuidarse", "Todavía no hay metas para cuidarse", "Sus límites", "Agregar una meta"),
        ("Looking after yourself", "No self-care goals yet", "No boundaries yet"),
    )
    form = spanish_page(client, "/goals/new")
    suggestion = next(iter(goals.examples("es")["goals"].values()))
    assert suggestion["title"] != goals.examples("en")["goals"][suggestion["key"]]["title"]
    assert_reads(
        form,
        ("¿Qué va a hacer por usted?", "Todos los días", "Una vez por semana", suggestion["title"]),
        ("What will you do for yourself?", "Every day", "Once a week", "Add one in a tap"),
    )
    refused = submit(client, "/goals/new", {"title": "", "per_week": "7"})
    assert_reads(
        refused.get_data(as_text=True), ("Póngale un nombre a la meta",), ("Give the goal a name",)
    )


def test_a_check_in_and_the_progress_page_in_spanish(client, spanish_speaker):
    added = submit(client, "/goals/new", {"title": "Caminar 20 minutos", "per_week": "7"})
    page = followed(client, added)
    assert_reads(page, ("Meta agregada.", "Hecho", "Día libre"), ("Goal added", "Skip day"))
    goal_id = int(added.headers["Location"].rsplit("-", 1)[1])
    day = clock.today_in(spanish_speaker.timezone).isoformat()
    tapped = submit(
        client, f"/goals/{goal_id}/check-in", {"day": day, "value": "skip"}, page="/goals/"
    )
    assert_reads(followed(client, tapped), ("Marcado como día libre.",), ("Marked as a skip",))
    progress = spanish_page(client, "/progress")
    assert_reads(
        progress,
        ("Su avance", "Metas de todos los días", "Racha", "Constancia", "Calendario de registros"),
        ("Your progress", "Daily goals", "Strength", "Check-in calendar", "How am I doing?"),
    )
    wellbeing = submit(client, "/progress/check-in", {"week": ""}, page="/progress/check-in")
    assert_reads(wellbeing.get_data(as_text=True), ("Sueño", "Omitir"), ("Sleep", "Skip"))


def test_a_spanish_page_shows_the_spanish_boundary_example(client, spanish_speaker):
    page = spanish_page(client, "/boundaries/new?example=money")
    example = goals.examples("es")["boundaries"]["money"]
    english = goals.examples("en")["boundaries"]["money"]
    assert example["statement"] != english["statement"]
    assert_reads(
        page,
        (example["statement"], "Empiece con un ejemplo", "Guardar límite"),
        (english["statement"], "Start from an example", "Save boundary"),
    )


def test_a_spanish_guidance_article_suggests_its_prompts_in_spanish():
    article = prompts.from_guidance()[0]
    spanish = prompts.get(article.key, "es")
    assert spanish.key == article.key and spanish.text != article.text
    assert {p.key for p in prompts.curated("es")} == {p.key for p in prompts.curated()}
    for kind in ("boundaries", "goals"):
        assert goals.examples("es")[kind].keys() == goals.examples("en")[kind].keys()


@pytest.fixture
def catalogs_aside(tmp_path, monkeypatch):
    """Prompts and examples read from ``tmp_path``, their caches emptied before and after."""
    caches = (prompts.curated, prompts.from_guidance, prompts._by_key, goals._examples)

    def clear():
        for cache in caches:
            cache.cache_clear()

    monkeypatch.setattr(prompts, "PROMPTS_FILE", tmp_path / "prompts.toml")
    monkeypatch.setattr(prompts, "GUIDANCE_DIR", tmp_path / "guidance")
    monkeypatch.setattr(goals, "EXAMPLES_DIR", tmp_path)
    clear()
    yield tmp_path
    clear()


def test_a_prompt_or_an_example_missing_in_spanish_is_shown_in_english(catalogs_aside):
    theme = '[[themes]]\nkey = "feelings"\nname = "{name}"\nprompts = [\n{items}]\n'
    item = '  {{ key = "{key}", text = "{text}" }},\n'
    english = item.format(key="one", text="First?") + item.format(key="two", text="Second?")
    spanish = item.format(key="one", text="¿Primera?")
    (catalogs_aside / "prompts.toml").write_text(theme.format(name="Feelings", items=english))
    (catalogs_aside / "prompts.es.toml").write_text(
        theme.format(name="Sentimientos", items=spanish)
    )
    assert prompts.get("one", "es").text == "¿Primera?"
    assert prompts.get("two", "es").text == "Second?"
    assert prompts.get("two", "en").text == "Second?"
    example = '[[{kind}]]\nkey = "{key}"\ntitle = "{title}"\n'
    (catalogs_aside / "examples.toml").write_text(
        example.format(kind="goals", key="walk", title="Walk")
        + example.format(kind="goals", key="call", title="Call a friend")
    )
    (catalogs_aside / "examples.es.toml").write_text(
        example.format(kind="goals", key="walk", title="Caminar")
    )
    found = goals.examples("es")["goals"]
    assert found["walk"]["title"] == "Caminar" and found["call"]["title"] == "Call a friend"
    assert goals.examples("en")["goals"]["walk"]["title"] == "Walk"
