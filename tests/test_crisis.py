"""Crisis help for more than one country: the country files, their schema, and the pages."""

import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import csrf_token, make_test_app

from caregiver import crisis
from caregiver.config import ConfigError, load_config
from caregiver.extensions import db
from caregiver.main import services

COUNTRIES = ["au", "ca", "gb", "ie", "us"]


class Links(HTMLParser):
    """Every link's address on a page."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.hrefs.append(dict(attrs)["href"])


def links_on(response) -> list[str]:
    parser = Links()
    parser.feed(response.get_data(as_text=True))
    return parser.hrefs


def raw(code: str) -> dict:
    with open(crisis.CRISIS_DIR / f"{code}.toml", "rb") as handle:
        return tomllib.load(handle)


def numbers_of(country: dict) -> list[str]:
    emergency = country["emergency"]
    found = [emergency["number"], *(other["number"] for other in emergency.get("also", []))]
    for line in country["lines"]:
        found += [line["number"], *(line[key] for key in ("tty", "sms") if key in line)]
    return found


# The files ----------------------------------------------------------------------------------------


def test_the_five_countries_are_bundled():
    assert crisis.bundled_codes() == COUNTRIES


@pytest.mark.parametrize("code", COUNTRIES)
def test_each_country_file_validates_and_is_named_for_its_code(code):
    path = crisis.CRISIS_DIR / f"{code}.toml"
    assert crisis.problems(path) == []
    assert crisis.load(path)["code"] == code


@pytest.mark.parametrize("code", COUNTRIES)
def test_every_number_names_the_official_page_it_comes_from(code):
    country = raw(code)
    backed = {number for source in country["sources"] for number in source["backs"]}
    assert set(numbers_of(country)) <= backed
    assert all(source["url"].startswith("https://") for source in country["sources"])


@pytest.mark.parametrize("code", COUNTRIES)
def test_each_country_has_a_crisis_line_and_a_line_for_poisoning(code):
    # The United Kingdom's poisons service answers only health workers: the public calls NHS 111.
    kinds = {line["kind"] for line in raw(code)["lines"]}
    assert "crisis" in kinds and kinds & {"poison", "health"}


@pytest.mark.parametrize("code", ["au", "gb", "ie", "us"])
def test_a_drug_and_alcohol_helpline_where_an_official_one_exists(code):
    assert "drugs" in {line["kind"] for line in raw(code)["lines"]}


@pytest.mark.parametrize("code", COUNTRIES)
def test_every_text_is_in_spanish_too(app, code):
    spanish = services.crisis_resources(code, "es")
    english = services.crisis_resources(code, "en")
    assert "llame" in " ".join(spanish["overdose_steps"]).lower()
    assert "naloxona" in spanish["naloxone"].lower()
    assert spanish["overdose_steps"] != english["overdose_steps"]
    assert spanish["emergency"]["when"] != english["emergency"]["when"]
    # Numbers are the same in every language.
    assert [line["tel"] for line in spanish["lines"]] == [line["tel"] for line in english["lines"]]


def test_the_us_keeps_its_lines_and_gains_the_spanish_ways_in(app):
    us = services.crisis_resources("us")
    tels = {line["tel"] for line in us["lines"]}
    assert {"988", "+18006624357", "+18002221222"} <= tels
    lifeline = next(line for line in us["lines"] if line["tel"] == "988")
    assert "press 2" in lifeline["in_spanish"]["how"]
    assert lifeline["in_spanish"]["sms_href"] == "sms:988?&body=AYUDA"
    samhsa = next(line for line in us["lines"] if line["tel"] == "+18006624357")
    assert "Spanish" in samhsa["in_spanish"]["how"]


def _broken(tmp_path, change) -> Path:
    text = (crisis.CRISIS_DIR / "ie.toml").read_text(encoding="utf-8")
    path = tmp_path / "ie.toml"
    path.write_text(change(text), encoding="utf-8")
    return path


def test_a_text_without_spanish_is_refused_naming_the_file_and_field(tmp_path):
    path = _broken(
        tmp_path,
        lambda text: text.replace(
            'name = { en = "Samaritans", es = "Samaritans" }', 'name = { en = "Samaritans" }'
        ),
    )
    with pytest.raises(crisis.CrisisDataError) as refused:
        crisis.load(path)
    assert f"{path}: lines[0].name.es: is missing" in str(refused.value)


def test_a_field_of_the_wrong_type_is_refused_naming_the_file_and_field(tmp_path):
    path = _broken(tmp_path, lambda text: text.replace('tel = "1800459459"', "tel = 1800459459"))
    with pytest.raises(crisis.CrisisDataError) as refused:
        crisis.load(path)
    assert f"{path}: lines[1].tel: 1800459459 is not of type 'string'" in str(refused.value)


def test_a_broken_deployment_file_stops_the_app_from_starting(tmp_path, database_url, smtp_server):
    controller, _inbox = smtp_server
    path = _broken(tmp_path, lambda text: text.replace('code = "ie"', 'code = "Ireland"'))
    with pytest.raises(crisis.CrisisDataError, match=r"ie\.toml: code: 'Ireland' does not match"):
        make_test_app(database_url, tmp_path, controller.port, CRISIS_RESOURCES_FILE=str(path))


# Choosing the country -----------------------------------------------------------------------------


def test_the_deployment_country_defaults_to_the_us_and_must_have_a_file(tmp_path):
    assert load_config(str(tmp_path), {})["CRISIS_COUNTRY"] == "us"
    assert load_config(str(tmp_path), {"CRISIS_COUNTRY": "GB"})["CRISIS_COUNTRY"] == "gb"
    with pytest.raises(ConfigError, match=r"CRISIS_COUNTRY .*au, ca, gb, ie, us.*'nz'"):
        load_config(str(tmp_path), {"CRISIS_COUNTRY": "nz"})


@pytest.mark.parametrize("code", COUNTRIES)
def test_each_country_page_shows_its_numbers_as_links(app, client, code):
    response = client.get(f"/help/{code}")
    assert response.status_code == 200
    hrefs = links_on(response)
    resources = services.crisis_resources(code)
    for line in [resources["emergency"], *resources["lines"]]:
        assert f"tel:{line['tel']}" in hrefs, line["number"]
        if line.get("sms"):
            assert line["sms_href"] in hrefs
    assert f"tel:{resources['emergency']['tel']}" in hrefs
    others = {f"/help/{other}" for other in COUNTRIES if other != code}
    assert others <= set(hrefs)


@pytest.mark.parametrize("code", COUNTRIES)
def test_help_shows_the_deployment_country(app, client, code):
    app.config["CRISIS_COUNTRY"] = code
    hrefs = links_on(client.get("/help"))
    for line in services.crisis_resources(code)["lines"]:
        assert f"tel:{line['tel']}" in hrefs
    emergency = services.crisis_resources(code)["emergency"]
    # The footer of every page too.
    assert f"tel:{emergency['tel']}" in links_on(client.get("/privacy"))


def test_an_unknown_country_is_not_found(client):
    assert client.get("/help/nz").status_code == 404
    assert client.get("/help/US").status_code == 404


def test_a_person_chooses_their_country_on_the_account_page(app, client, login):
    person = login()
    assert "tel:999" not in links_on(client.get("/help"))
    page = client.get("/account").get_data(as_text=True)
    assert 'name="country"' in page and "United Kingdom" in page
    token = csrf_token(client, "/account")
    response = client.post("/account/country", data={"csrf_token": token, "country": "gb"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.country == "gb"
    hrefs = links_on(client.get("/help"))
    assert {"tel:999", "tel:116123", "tel:03001236600", "sms:82111", "tel:111"} <= set(hrefs)
    assert "tel:911" not in hrefs
    assert "tel:999" in links_on(client.get("/dashboard"))
    # Back to the site's own country.
    client.post("/account/country", data={"csrf_token": token, "country": ""})
    db.session.refresh(person)
    assert person.country is None
    assert "tel:911" in links_on(client.get("/help"))


def test_a_country_not_in_the_list_is_refused(app, client, login):
    person = login()
    token = csrf_token(client, "/account")
    response = client.post("/account/country", data={"csrf_token": token, "country": "nz"})
    assert response.status_code == 400
    db.session.refresh(person)
    assert person.country is None


def test_the_offline_page_shows_the_deployment_country_whatever_the_person_chose(
    app, client, login
):
    person = login()
    person.country = "au"
    db.session.commit()
    app.config["CRISIS_COUNTRY"] = "ie"
    hrefs = links_on(client.get("/offline"))
    ireland = services.crisis_resources("ie")
    for line in [ireland["emergency"], *ireland["lines"]]:
        assert f"tel:{line['tel']}" in hrefs
    assert "tel:000" not in hrefs
    assert "tel:000" in links_on(client.get("/help"))


def test_a_deployment_file_adds_its_own_country(app, client, tmp_path):
    own = tmp_path / "nz.toml"
    text = (crisis.CRISIS_DIR / "au.toml").read_text(encoding="utf-8")
    own.write_text(
        text.replace('code = "au"', 'code = "nz"').replace(
            'name = { en = "Australia", es = "Australia" }',
            'name = { en = "New Zealand", es = "Nueva Zelanda" }',
        ),
        encoding="utf-8",
    )
    app.config["CRISIS_RESOURCES_FILE"] = str(own)
    html = client.get("/help").get_data(as_text=True)
    assert "New Zealand" in html and 'href="/help/us"' in html
    assert client.get("/help/nz").status_code == 200
