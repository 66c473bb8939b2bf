"""What a Meeting Guide feed entry says beyond a meeting's settings: its type codes, slug, group,
page and time of update. A meeting keeps them so that the open feed gives it back as it came.
"""

from dataclasses import astuple, dataclass, replace
from datetime import UTC, datetime

from caregiver.groups import type_codes
from caregiver.groups.feed import SLUG_PATTERN, UPDATED_FORMAT, spec_day

URL_MAX = 500


@dataclass(frozen=True)
class Source:
    """What the feed said that a meeting's settings don't hold, kept to give it back as it came."""

    types: str = ""
    slug: str = ""
    group: str = ""
    url: str = ""
    updated: datetime | None = None


def entry_types(entry: dict) -> list[str]:
    """The type codes an entry gives, as text (unknown codes included)."""
    value = entry.get("types")
    if isinstance(value, str):  # some feeds send "O,D" instead of a list
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return [item.strip() for item in value if isinstance(item, str)]


def _updated(value) -> datetime | None:
    try:
        return datetime.strptime(value.strip(), UPDATED_FORMAT).replace(tzinfo=UTC)
    except (AttributeError, ValueError):
        return None  # a time we can't read is left out rather than guessed


def entry_source(entry: dict) -> Source:
    """What an entry says that the meeting's settings don't hold; anything unusable is left out."""
    slug = entry.get("slug")
    slug = str(slug) if isinstance(slug, str | int) and not isinstance(slug, bool) else ""
    url = entry.get("url")
    url_ok = (
        isinstance(url, str) and url.startswith(("https://", "http://")) and len(url) <= URL_MAX
    )
    group = entry.get("group")
    return Source(
        types=",".join(type_codes.spec_codes(entry_types(entry))),
        slug=slug if SLUG_PATTERN.match(slug) else "",
        group=" ".join(group.split())[:255] if isinstance(group, str) else "",
        url=url if url_ok else "",
        updated=_updated(entry.get("updated")),
    )


def _split_base(item) -> str | None:
    # "<slug>-<day>" on an entry for that one day: how a meeting on several days is split.
    if len(item.data.weekdays) != 1:
        return None
    suffix = f"-{spec_day(item.data.weekdays[0])}"
    slug = item.source.slug
    return slug.removesuffix(suffix) if slug.endswith(suffix) and len(slug) > len(suffix) else None


def _same_meeting(item, base: str) -> tuple:
    return (base, astuple(replace(item.data, weekdays=())), replace(item.source, slug=base))


def join_split_days(items: list) -> list:
    """Planned meetings with one entry per weekday (slugs ``<slug>-<day>``, all else the same)
    joined back into one meeting on those days, slugged ``<slug>``, so a round trip changes
    nothing; an entry alone keeps its own slug."""
    groups: dict[tuple, list] = {}
    for item in items:
        base = _split_base(item)
        if base is not None:
            groups.setdefault(_same_meeting(item, base), []).append(item)
    joined, done = [], set()
    for item in items:
        base = _split_base(item)
        group = groups.get(_same_meeting(item, base), []) if base is not None else []
        if len(group) < 2:
            joined.append(item)
        elif id(group) not in done:
            done.add(id(group))
            days = tuple(sorted(day for each in group for day in each.data.weekdays))
            data = replace(item.data, weekdays=days)
            joined.append(replace(item, data=data, source=replace(item.source, slug=base)))
    return joined
