"""The guidance library and the conversation planner in Spanish: the Spanish articles at the same
addresses, search that forgives missing accents, a script written in Spanish, and the English
article wherever a Spanish one is missing."""

import re
import shutil
from html import unescape

import pytest
import sqlalchemy as sa
from helpers import create_schema, make_test_app, submit
from spanish_pages import assert_reads

from caregiver.extensions import db
from caregiver.guidance import library
from caregiver.guidance.conversation_script import Answers, build_script
from caregiver.guidance.conversation_script_es import feel_sentence, would_like_sentence
from caregiver.journal import services as journal
from caregiver.journal.models import JournalEntry

pytestmark = pytest.mark.time_dependent

ENGLISH = library.load()
SPANISH = library.load_translation(library.CONTENT_DIR, ENGLISH, "es")
ES = {"Accept-Language": "es"}
PLAN = "/guidance/plan-a-conversation"
SAVE = "/guidance/plan-a-conversation/save"
ANSWERS_ES = {
    "noticed": "Faltaste a la cena con nosotros tres veces esta semana.",
    "feel": "miedo",
    "would_like": "que vengas a cenar con nosotros el domingo",
    "offer": "pasar por ti a las cinco",
    "when_where": "el domingo en la mañana, en una caminata",
    "if_badly": "me detengo, salgo del cuarto y llamo a mi hermana",
}
SCRIPT_ES = (
    "Cuándo y dónde: el domingo en la mañana, en una caminata.\n\n"
    "Me importas mucho, y hay algo de lo que quiero hablar contigo.\n\n"
    "Me di cuenta de que faltaste a la cena con nosotros tres veces esta semana. "
    "Siento miedo cuando eso pasa.\n\n"
    "Me gustaría que vengas a cenar con nosotros el domingo. "
    "Puedo pasar por ti a las cinco. ¿Tú qué piensas?\n\n"
    "Si las cosas salen mal: me detengo, salgo del cuarto y llamo a mi hermana. "
    "Si alguien está en peligro, voy a llamar al 911."
)


def page(response) -> str:
    assert '<html lang="es">' in response.get_data(as_text=True)
    return unescape(response.get_data(as_text=True))


def textarea(response, name: str) -> str:
    pattern = rf'<textarea[^>]*name="{name}"[^>]*>(?:\r?\n)?(.*?)</textarea>'
    found = re.search(pattern, response.get_data(as_text=True), re.S)
    assert found, f"no {name} textarea in the page"
    return unescape(found.group(1))


# The Spanish articles -----------------------------------------------------------------------------


def test_every_article_has_a_spanish_version_that_matches_the_english():
    assert SPANISH.keys() == ENGLISH.keys()
    for slug, article in SPANISH.items():
        assert article is not ENGLISH[slug] and article.title != ENGLISH[slug].title, slug
        assert article.topic == ENGLISH[slug].topic and article.related == ENGLISH[slug].related


def test_the_library_page_in_spanish(client):
    html = page(client.get("/guidance/", headers=ES))
    assert_reads(
        html,
        spanish=(
            "<h1>Guías</h1>",
            "¿Primera vez aquí? Empiece por estos",
            "Entender la adicción",
            "Opciones de tratamiento",
            "Preparar una conversación",
            "min de lectura",
            "no consejos médicos",
        ),
    )
    path = html.split("Empiece por estos", 1)[1].split("</ol>", 1)[0]
    positions = [path.index(SPANISH[slug].title) for slug in library.START_HERE]
    assert positions == sorted(positions)
    assert_reads(
        html,
        english=(
            "New here? Start with these",
            "Understanding addiction",
            "min read",
            ENGLISH["if-you-just-found-out"].title,
            "not medical advice",
        ),
    )


def test_a_topic_page_in_spanish(client):
    html = page(client.get("/guidance/topics/treatment", headers=ES))
    assert "<h1>Opciones de tratamiento</h1>" in html
    assert "Desintoxicación, medicinas, programas y cómo pagarlos." in html
    treatment = [slug for slug, a in SPANISH.items() if a.topic == "treatment"]
    assert treatment and all(SPANISH[slug].title in html for slug in treatment)
    assert not any(ENGLISH[slug].title in html for slug in treatment)
    assert "Treatment options" not in html and "Search the guidance" not in html


def test_an_article_in_spanish_at_the_same_address(client):
    article = SPANISH["when-relapse-happens"]
    html = page(client.get("/guidance/when-relapse-happens", headers=ES))
    assert f'<h1 id="article-title">{article.title}</h1>' in html
    assert article.summary in html and "recaída" in html
    assert f"{article.minutes} min de lectura" in html
    assert_reads(
        html,
        spanish=("Escribir sobre esto", "Fuentes", "Para seguir leyendo", "Si alguien está en"),
    )
    # The crisis card says how to reach 988 in Spanish.
    assert "oprima el 2" in html and "AYUDA" in html
    for slug in article.related:
        assert SPANISH[slug].title in html and ENGLISH[slug].title not in html
    for prompt in article.prompts:
        assert prompt in html
    assert_reads(
        html, english=(ENGLISH["when-relapse-happens"].title, "Write about this", "Sources")
    )
    # The same address in English is the English article, and says nothing of the 988 option.
    english = unescape(client.get("/guidance/when-relapse-happens").get_data(as_text=True))
    assert ENGLISH["when-relapse-happens"].title in english and "oprima" not in english


def test_the_next_step_and_the_not_found_page_in_spanish(client):
    html = page(client.get("/guidance/if-you-just-found-out", headers=ES))
    assert "Para empezar, 1 de 5" in html
    assert "Lo siguiente en “Para empezar”: " in html
    assert SPANISH["understanding-opioid-addiction"].title in html
    response = client.get("/guidance/no-such-article", headers=ES)
    assert response.status_code == 404
    html = page(response)
    assert "No encontramos ese artículo." in html and "Buenos artículos para empezar" in html
    assert "We couldn't find that article" not in html


# Search ------------------------------------------------------------------------------------------


def found_slugs(html: str) -> list[str]:
    found = html.split('role="status"', 1)[1].split("Buenos artículos", 1)[0]
    return re.findall(r'href="/guidance/([a-z-]+)"><strong>', found)


def test_spanish_search_reads_the_spanish_articles_with_or_without_accents(client):
    html = page(client.get("/guidance/search", query_string={"q": "recaida"}, headers=ES))
    assert found_slugs(html)[0] == "when-relapse-happens"
    assert "<mark>recaída</mark>" in html.lower()
    assert "Encontramos" in html and "<h1>Buscar en las guías</h1>" in html
    accented = page(client.get("/guidance/search", query_string={"q": "recaída"}, headers=ES))
    assert found_slugs(accented) == found_slugs(html)
    assert found_slugs(page(client.get("/guidance/search?q=naloxona", headers=ES)))[0] == (
        "overdose-signs-and-naloxone"
    )
    # English words are not in the Spanish texts.
    assert "No se encontró nada" in page(client.get("/guidance/search?q=relapse", headers=ES))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Escriba una o dos palabras para buscar en las guías"),
        ("ayuda " * 30, "La búsqueda es muy larga. Pruebe con pocas palabras, hasta 100 letras."),
        ("zzzzqqq", "Ningún artículo tiene todas esas palabras."),
    ],
)
def test_spanish_search_explains_itself_in_spanish(client, query, message):
    html = page(client.get("/guidance/search", query_string={"q": query}, headers=ES))
    assert message in html
    assert "Type a word or two" not in html and "Nothing found" not in html


# Marks and the reading card ----------------------------------------------------------------------


def test_marks_flashes_and_the_reading_card_in_spanish(client, spanish_speaker):
    first, second = library.START_HERE[:2]
    html = page(client.get("/dashboard"))
    assert "Siga leyendo" in html and SPANISH[first].title in html
    assert ENGLISH[first].title not in html
    response = submit(client, f"/guidance/{first}/read", {"on": "1"}, page=f"/guidance/{first}")
    html = page(client.get(response.headers["Location"]))
    assert "Marcado como leído." in html and "Leído ✓" in html
    response = submit(client, f"/guidance/{first}/bookmark", {"on": "1"}, page="/guidance/")
    assert "Artículo guardado." in page(client.get(response.headers["Location"]))
    html = page(client.get("/guidance/"))
    assert f"Ha leído 1 de {len(SPANISH)} artículos." in html
    assert "Artículos guardados</h3>" in html
    assert "You have read" not in html and "Bookmarked" not in html
    html = page(client.get("/dashboard"))
    assert SPANISH[second].title in html and "Para empezar, 2 de 5" in html


# The conversation planner ------------------------------------------------------------------------


def test_the_spanish_script_is_written_for_spanish_readers():
    assert build_script(Answers(**ANSWERS_ES), "es") == SCRIPT_ES
    assert feel_sentence("asustada") == "Me siento asustada cuando eso pasa."
    assert feel_sentence("Me siento triste") == "Me siento triste cuando eso pasa."
    assert feel_sentence("tengo miedo") == "Tengo miedo."
    assert would_like_sentence("hablar contigo el domingo") == (
        "Me gustaría hablar contigo el domingo."
    )
    assert would_like_sentence("quiero que busques ayuda") == "Me gustaría que busques ayuda."
    short = build_script(Answers("Llegaste tarde", "preocupada", "que me llames"), "es")
    assert "Cuándo y dónde" not in short and "Si las cosas salen mal" not in short
    assert "Puedo" not in short and "  " not in short


def test_the_planner_speaks_spanish_and_builds_a_spanish_script(client):
    html = page(client.get(PLAN, headers=ES))
    assert_reads(
        html,
        spanish=("1. Lo que noté", "2. Cómo me siento", "Crear mi guion", "Lo que voy a decir"),
    )
    assert "What I noticed" not in html and "Make my script" not in html
    missing = submit(client, PLAN, {**ANSWERS_ES, "feel": ""}, headers=ES)
    assert missing.status_code == 400
    html = page(missing)
    assert "Escriba cómo se siente. Una palabra basta." in html
    assert "Todo lo que escribió sigue aquí." in html and "Write how you feel" not in html
    shown = submit(client, PLAN, ANSWERS_ES, headers=ES)
    assert textarea(shown, "script").replace("\r\n", "\n") == SCRIPT_ES
    html = page(shown)
    assert "<h1>Su guion</h1>" in html and "Entrar para guardarlo" in html
    assert "I noticed" not in html and "Log in to save it" not in html


def test_a_spanish_plan_is_saved_with_a_spanish_title_and_tag(client, spanish_speaker):
    shown = submit(client, PLAN, ANSWERS_ES)
    saved = submit(client, SAVE, {**ANSWERS_ES, "script": textarea(shown, "script")}, page=PLAN)
    assert saved.status_code == 302
    html = page(client.get(saved.location))
    assert "Su plan quedó guardado en su diario. Solo usted puede leerlo." in html
    assert "Plan para una conversación" in html and ">conversación</a>" in html
    row = db.session.scalars(sa.select(JournalEntry)).one()
    assert journal.open_entry(row).body == SCRIPT_ES


def test_an_overlong_script_is_refused_in_spanish(client, spanish_speaker):
    response = submit(client, SAVE, {**ANSWERS_ES, "script": "palabra " * 700}, page=PLAN)
    assert response.status_code == 400
    assert "Use 5,000 letras o menos, por favor. Lo que escribió sigue aquí." in page(response)


# English where Spanish is missing ----------------------------------------------------------------


def test_an_article_not_yet_in_spanish_is_shown_in_english(tmp_path, smtp_server):
    content = tmp_path / "content"
    shutil.copytree(library.CONTENT_DIR, content)
    (content / "es" / "aftercare.md").unlink()
    controller, _inbox = smtp_server
    app = make_test_app(
        f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path, controller.port,
        GUIDANCE_CONTENT_DIR=str(content),
    )  # fmt: skip
    with app.app_context():
        create_schema()
        client = app.test_client()
        html = page(client.get("/guidance/aftercare", headers=ES))
        assert ENGLISH["aftercare"].title in html and "Fuentes" in html
        html = page(client.get("/guidance/when-relapse-happens", headers=ES))
        assert SPANISH["when-relapse-happens"].title in html
        assert ENGLISH["aftercare"].title in html  # among the related articles
        topic = page(client.get("/guidance/topics/recovery", headers=ES))
        assert ENGLISH["aftercare"].title in topic
        assert SPANISH["when-relapse-happens"].title in topic
        hits = page(client.get("/guidance/search?q=aftercare", headers=ES))
        assert found_slugs(hits) == ["aftercare"]
        db.session.remove()
        db.engine.dispose()


def test_a_broken_spanish_article_stops_start_up(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(library.CONTENT_DIR, content)
    page_es = content / "es" / "aftercare.md"
    text = page_es.read_text(encoding="utf-8").replace('topic = "recovery"', 'topic = "safety"')
    page_es.write_text(text + "\nVea [esto](/guidance/nada).\n", encoding="utf-8")
    (content / "es" / "no-english.md").write_text(
        (content / "es" / "aftercare.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    with pytest.raises(library.ContentError) as raised:
        make_test_app("sqlite://", tmp_path, 25, GUIDANCE_CONTENT_DIR=str(content))
    message = str(raised.value)
    assert "es/aftercare.md: topic differs from the English article" in message
    assert "es: aftercare: link '/guidance/nada' goes to no article" in message
    assert "es/no-english.md: slug 'aftercare' differs from the file name" in message


def test_a_spanish_link_to_no_page_of_the_app_stops_start_up(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(library.CONTENT_DIR, content)
    page_es = content / "es" / "aftercare.md"
    page_es.write_text(
        page_es.read_text(encoding="utf-8") + "\nVea [esto](/ningun-lado).\n", "utf-8"
    )
    with pytest.raises(library.ContentError, match="es/aftercare: link '/ningun-lado' goes to no"):
        make_test_app("sqlite://", tmp_path, 25, GUIDANCE_CONTENT_DIR=str(content))
