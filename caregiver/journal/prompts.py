"""Journal prompts: the curated set in prompts.toml and the prompts guidance articles suggest.

Each prompt is shown in the page's language: prompts.es.toml holds the Spanish of the same keys,
and a key it lacks is shown in English. Which prompt comes on a day never depends on the language.
"""

import hashlib
import random
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from sqlalchemy import bindparam, select, union

from caregiver.extensions import db
from caregiver.i18n import DEFAULT_LANGUAGE, current_language
from caregiver.journal.models import JournalEntry

HERE = Path(__file__).resolve().parent
PROMPTS_FILE = HERE / "prompts.toml"
GUIDANCE_DIR = HERE.parent / "guidance" / "content"


@dataclass(frozen=True)
class Prompt:
    key: str
    text: str
    theme: str
    theme_name: str


def _prompts_file(language: str) -> Path:
    if language == DEFAULT_LANGUAGE:
        return PROMPTS_FILE
    return PROMPTS_FILE.with_name(f"prompts.{language}.toml")


@lru_cache(maxsize=4)
def curated(language: str = DEFAULT_LANGUAGE) -> tuple[Prompt, ...]:
    """The curated prompts, in file order, in ``language`` where that file has them."""
    path = _prompts_file(language)
    if not path.exists():
        return curated() if language != DEFAULT_LANGUAGE else ()
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(
        Prompt(item["key"], item["text"].strip(), theme["key"], theme["name"])
        for theme in data["themes"]
        for item in theme["prompts"]
    )


def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("+++"):
        return {}
    return tomllib.loads(text.split("+++", 2)[1])


@lru_cache(maxsize=4)
def from_guidance(language: str = DEFAULT_LANGUAGE) -> tuple[Prompt, ...]:
    """Prompts suggested by guidance articles, keyed ``article:<slug>:<n>`` (the articles in
    ``language`` live in a folder of that name)."""
    folder = GUIDANCE_DIR if language == DEFAULT_LANGUAGE else GUIDANCE_DIR / language
    found = []
    for path in sorted(folder.glob("*.md")):
        meta = _front_matter(path)
        slug = meta.get("slug", path.stem)
        for number, text in enumerate(meta.get("prompts", []), start=1):
            found.append(Prompt(f"article:{slug}:{number}", text.strip(), slug, meta["title"]))
    return tuple(found)


@lru_cache(maxsize=4)
def _by_key(language: str = DEFAULT_LANGUAGE) -> dict[str, Prompt]:
    found = {p.key: p for p in (*curated(), *from_guidance())}
    if language != DEFAULT_LANGUAGE:
        # Only the keys English has: a key missing in the translation stays in English.
        translated = {p.key: p for p in (*curated(language), *from_guidance(language))}
        found |= {key: translated[key] for key in found.keys() & translated.keys()}
    return found


def get(key: str | None, language: str | None = None) -> Prompt | None:
    """The prompt with this key in the page's language (or ``language``), or None (also for
    keys retired since)."""
    return _by_key(language or current_language()).get(key) if key else None


def _order_for(user_id: int) -> list[Prompt]:
    # A fixed shuffle per person: each day moves one step along it, so the prompt changes
    # every day and every prompt comes round before any repeats.
    order = list(curated())
    seed = int.from_bytes(hashlib.sha256(f"caregiver.prompts/{user_id}".encode()).digest()[:8])
    random.Random(seed).shuffle(order)  # noqa: S311 - an order, not a secret
    return order


def for_day(user_id: int, day: date, skip: int = 0, avoid: frozenset[str] = frozenset()) -> Prompt:
    """The person's prompt for ``day``; ``skip`` steps to the next ones, passing over ``avoid``."""
    order = _order_for(user_id)
    start = day.toordinal() % len(order)
    rotated = order[start:] + order[:start]
    fresh = [prompt for prompt in rotated if prompt.key not in avoid] or rotated
    return get(fresh[skip % len(fresh)].key)


def _answered_prompts():
    """Prompt keys of the person's live entries: those of ``day`` and of the entry answered last
    (the newest written down, whatever day it is about), as two narrow reads joined rather than
    one OR that walks all the person's entries."""
    answered = select(JournalEntry.prompt_key).where(
        JournalEntry.user_id == bindparam("user_id"),
        JournalEntry.deleted_at.is_(None),
        JournalEntry.prompt_key.is_not(None),
    )
    latest = (
        answered.with_only_columns(JournalEntry.id)
        .order_by(JournalEntry.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return union(
        answered.where(JournalEntry.entry_date == bindparam("day")),
        answered.where(JournalEntry.id == latest),
    )


_ANSWERED = _answered_prompts()  # the dashboard asks on every visit: built once


def recently_answered(user_id: int, day: date) -> frozenset[str]:
    """The prompts not to offer again yet: those answered on ``day`` and the one answered last."""
    return frozenset(db.session.scalars(_ANSWERED, {"user_id": user_id, "day": day}))
