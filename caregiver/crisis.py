"""Crisis help by country: the bundled country files, checked against one schema, and the page
data for one country in one language.

Each country is one TOML file in ``data/crisis/`` named for its code (``us.toml``). Every text in
it is given in each of ``LANGUAGES``; numbers are not translated. A deployment may add or replace
a country with its own file (``CRISIS_RESOURCES_FILE``), checked against the same schema.
"""

import json
import re
import tomllib
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator

CRISIS_DIR = Path(__file__).resolve().parent / "data" / "crisis"
SCHEMA_FILE = CRISIS_DIR / "schema.json"
LANGUAGES = ("en", "es")
# Poison centres and health advice lines are listed apart from the lines to call to talk.
OTHER_KINDS = {"poison", "health"}
REQUIRED_MESSAGE = re.compile(r"^'(.+)' is a required property$")


class CrisisDataError(ValueError):
    """A crisis help file cannot be used; the message names the file and the field."""


def _field_path(parts) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(the whole file)"


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def problems(path: Path) -> list[str]:
    """Every way the file at ``path`` breaks the schema, each naming the file and the field."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        return [f"{path}: cannot be read ({error.strerror})"]
    except tomllib.TOMLDecodeError as error:
        return [f"{path}: is not valid TOML ({error})"]
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{path}: {_described(error)}" for error in errors]


def _described(error) -> str:
    """The field at fault and what is wrong with it; a missing field is named itself."""
    where = list(error.absolute_path)
    if error.validator == "required":
        missing = REQUIRED_MESSAGE.match(error.message)
        if missing:
            return f"{_field_path([*where, missing[1]])}: is missing"
    return f"{_field_path(where)}: {error.message}"


@lru_cache(maxsize=16)
def load(path: Path) -> dict:
    """One country file, checked; CrisisDataError names the file and each field at fault."""
    found = problems(path)
    if found:
        raise CrisisDataError("Crisis help file needs fixing:\n" + "\n".join(found))
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def bundled_codes() -> list[str]:
    """The codes of the countries shipped with the app, in alphabetical order."""
    return sorted(path.stem for path in CRISIS_DIR.glob("*.toml"))


@lru_cache(maxsize=4)
def catalog(deployment_file: str | None = None) -> dict[str, dict]:
    """Every country by code: the bundled files, then a deployment's own file, which replaces the
    bundled country of the same code or adds its own."""
    countries = {code: load(CRISIS_DIR / f"{code}.toml") for code in bundled_codes()}
    if deployment_file:
        own = load(Path(deployment_file))
        countries[own["code"]] = own
    return countries


def _text(value, language: str):
    """A text resolved to one language; lists and tables are resolved all the way down."""
    if isinstance(value, dict):
        if set(value) == set(LANGUAGES):
            return value[language]
        return {key: _text(item, language) for key, item in value.items()}
    if isinstance(value, list):
        return [_text(item, language) for item in value]
    return value


def _sms_href(number: str, body: str | None) -> str:
    # "?&body=" is read by both Android (RFC 5724 "?body=") and iOS ("&body="); the stray "&"
    # is harmless to each.
    return f"sms:{number}?&body={body}" if body else f"sms:{number}"


def resources(country: dict, language: str = "en") -> dict:
    """The page data for one country in one language, in the shape the templates read."""
    if language not in LANGUAGES:
        raise ValueError(f"no crisis texts in language {language!r}")
    page = _text(country, language)
    page["country"] = page["name"]
    for line in page["lines"]:
        line["section"] = "other" if line["kind"] in OTHER_KINDS else "talk"
        if line.get("sms"):
            line["sms_href"] = _sms_href(line["sms"], line.get("sms_body"))
        spanish = line.get("in_spanish")
        if spanish and spanish.get("sms_body"):
            spanish["sms_href"] = _sms_href(line["sms"], spanish["sms_body"])
    return page


@lru_cache(maxsize=64)
def page(deployment_file: str | None, code: str, language: str = "en") -> dict:
    """``resources`` of one offered country, worked out once: every page's footer reads it.
    KeyError for a country this deployment does not offer. Callers must not change it."""
    return resources(catalog(deployment_file)[code], language)


def for_app(config) -> dict[str, dict]:
    """Every country this deployment offers, by code (see ``catalog``)."""
    return catalog(config.get("CRISIS_RESOURCES_FILE"))


def deployment_country(config) -> str:
    """The country shown to whoever has not chosen one: a deployment's own file's, when it has
    one, else ``CRISIS_COUNTRY``."""
    own = config.get("CRISIS_RESOURCES_FILE")
    return load(Path(own))["code"] if own else config["CRISIS_COUNTRY"]


def country_names(config, language: str = "en") -> list[tuple[str, str]]:
    """(code, name) of every country offered, by name in ``language``."""
    names = [(code, country["name"][language]) for code, country in for_app(config).items()]
    return sorted(names, key=lambda pair: pair[1])


def deployment_file(config) -> Path:
    """The file the deployment's own country is read from."""
    own = config.get("CRISIS_RESOURCES_FILE")
    return Path(own) if own else CRISIS_DIR / f"{config['CRISIS_COUNTRY']}.toml"
