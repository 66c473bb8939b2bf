"""IANA timezone names: the short list offered first, and finding any other from what was typed.

A page offers a handful of zones, not all of them: a list of 550 names is long to scroll on a
phone and weighs more than the rest of the page. Anyone elsewhere types theirs, by its name
("Europe/Berlin") or its city ("Berlin"), and the server finds it.
"""

from functools import lru_cache
from zoneinfo import available_timezones

from caregiver.i18n import lazy_gettext as _l

# Shown first so most people find theirs without typing.
COMMON_TIMEZONES = [
    ("America/New_York", _l("Eastern time (New York)")),
    ("America/Chicago", _l("Central time (Chicago)")),
    ("America/Denver", _l("Mountain time (Denver)")),
    ("America/Phoenix", _l("Arizona (Phoenix)")),
    ("America/Los_Angeles", _l("Pacific time (Los Angeles)")),
    ("America/Anchorage", _l("Alaska (Anchorage)")),
    ("Pacific/Honolulu", _l("Hawaii (Honolulu)")),
    ("America/Puerto_Rico", _l("Atlantic time (Puerto Rico)")),
]
MAX_TYPED = 64  # the longest IANA name is 32 characters


@lru_cache(maxsize=1)
def all_timezones() -> tuple[str, ...]:
    """Every IANA timezone name this machine knows, sorted."""
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


@lru_cache(maxsize=1)
def _by_key() -> tuple[dict[str, str], dict[str, list[str]]]:
    names = {_key(zone): zone for zone in all_timezones()}
    cities: dict[str, list[str]] = {}
    for zone in all_timezones():
        cities.setdefault(_key(city(zone)), []).append(zone)
    return names, cities


def _key(text: str) -> str:
    return "_".join(text.replace("_", " ").split()).lower()


def label(zone: str) -> str:
    """How a zone reads in a list: its common name, or the IANA name with spaces."""
    common = dict(COMMON_TIMEZONES).get(zone)
    return str(common) if common else zone.replace("_", " ")


def city(zone: str) -> str:
    """The place a zone is named after, for "%(zone)s time": "Los Angeles"."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def short_choices(*also: str | None) -> list[tuple[str, str]]:
    """The common zones, after any of ``also`` (a person's own, a guess) that are not among
    them."""
    common = [zone for zone, _label in COMMON_TIMEZONES]
    extra = [zone for zone in dict.fromkeys(also) if known(zone)]
    return [(zone, label(zone)) for zone in [*(z for z in extra if z not in common), *common]]


def known(zone: str | None) -> str | None:
    """The zone if it is a name this machine knows exactly, else None."""
    return zone if zone in _known() else None


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(all_timezones())


def find_zone(typed: str) -> str:
    """The IANA zone a person meant by what they typed (a name or a city, any case);
    ValueError with a message that says what to type when none or several match."""
    text = " ".join(typed.split())[:MAX_TYPED]
    names, cities = _by_key()
    key = _key(text)
    if key in names:
        return names[key]
    matches = cities.get(key, []) if key and "/" not in key else []
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ValueError(f"More than one timezone matches “{text}”: {', '.join(matches)}.")
    raise ValueError(
        f"We don't know a timezone called “{text}”. Type a name like Europe/Berlin, "
        "or a city like Berlin."
    )
