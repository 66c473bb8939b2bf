"""Turning a caregiver's answers into a short, kind script built from I-statements.

Plain values in, plain text out: no requests, no database. The rules are forgiving on purpose:
people type "scared", "I feel scared" or "I'm scared", and each becomes "I feel scared".
A Spanish page builds its script with Spanish rules of its own (``conversation_script_es``).
"""

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from caregiver import clock
from caregiver.guidance import conversation_script_es
from caregiver.guidance.script_text import sentence, strip_lead, tidy, trim_end
from caregiver.i18n import gettext
from caregiver.journal.services import EntryData

OPENING = "I care about you, and there is something I would like to talk about."
SAFETY = "If anyone is in danger, I will call 911."

# "I'm" typed on a phone often arrives with a curly apostrophe.
_APOS = "['’]"
_I_WORD = re.compile(rf"^i(?:{_APOS}(?:m|ve|d|ll))?\b", re.IGNORECASE)
_LEADS = {
    "noticed": rf"i(?:\s+have|{_APOS}ve)?\s+(?:noticed|notice)(?:\s+that)?",
    "feel": (
        rf"(?:i\s+|i{_APOS}m\s+|i\s+am\s+|i{_APOS}ve\s+been\s+|i\s+have\s+been\s+)?"
        r"(?:really\s+|often\s+)?(?:feel|felt|feeling)"
        rf"|i\s+am|i{_APOS}m"
    ),
    "would_like": (
        rf"i(?:\s+would|{_APOS}d)\s+(?:really\s+)?(?:like|love)"
        r"|i\s+(?:really\s+)?(?:want|wish|hope)"
    ),
    "offer": (
        rf"i\s+(?:can|could|will|would\s+like\s+to|want\s+to)|i{_APOS}ll"
        rf"|i\s+am\s+(?:happy|willing|glad)\s+to|i{_APOS}m\s+(?:happy|willing|glad)\s+to"
    ),
    "if_badly": r"if\s+it\s+goes\s+(?:badly|wrong)",
}
# Words that start a noun phrase: "I can offer a ride", "I would like a calm talk".
_NOUN_STARTS = {"a", "an", "the", "some", "my", "our", "more", "any", "every", "one", "two"}
# First words that may safely lose their capital letter ("You missed…" → "I noticed you missed…").
_COMMON_STARTS = {
    "you", "your", "the", "a", "an", "that", "this", "these", "those", "there", "we", "our",
    "my", "it", "last", "on", "in", "at", "yesterday", "today", "lately", "recently", "when",
    "some", "sometimes", "most", "money", "things", "how", "after", "before", "every", "twice",
}  # fmt: skip
_FEEL_LINKS = re.compile(r"\b(when|because|about|that|like|if|since)\b", re.IGNORECASE)


@dataclass
class Answers:
    """What the person wrote in the planner (the last three may be empty)."""

    noticed: str
    feel: str
    would_like: str
    offer: str = ""
    when_where: str = ""
    if_badly: str = ""


def _strip_lead(text: str, key: str) -> tuple[str, bool]:
    """The answer without words the sentence adds itself, and whether any were removed."""
    return strip_lead(text, _LEADS[key])


def _lower_first(text: str, only_common: bool = False) -> str:
    word = re.split(r"[\s,.;:!?]", text, maxsplit=1)[0]
    if _I_WORD.match(word) or not word[:1].isupper():
        return text
    if word[1:] and not word[1:].islower():
        return text  # "ER", "OK": leave short forms as typed
    if only_common and word.casefold() not in _COMMON_STARTS:
        return text  # maybe a name: "Dad" or "Sam" keeps its capital
    return text[:1].lower() + text[1:]


def _first_word(text: str) -> str:
    return text.split(" ", 1)[0].casefold()


def _own_words(answer: str, key: str) -> tuple[str, bool]:
    """The tidied answer without its lead words; True when it is already an I-statement."""
    text = tidy(answer)
    rest, stripped = _strip_lead(text, key)
    return rest, not stripped and bool(_I_WORD.match(text))


def noticed_sentence(answer: str) -> str:
    """'You missed dinner' becomes 'I noticed you missed dinner.'"""
    rest, as_typed = _own_words(answer, "noticed")
    if not rest or as_typed:  # "I saw you leave at 2 a.m." stays as it is
        return sentence(rest) if rest else ""
    return sentence("I noticed " + _lower_first(rest, only_common=True))


def feel_sentence(answer: str) -> str:
    """'scared' or 'I'm scared' becomes 'I feel scared when that happens.'"""
    rest, as_typed = _own_words(answer, "feel")
    if not rest or as_typed:
        return sentence(rest) if rest else ""
    rest = trim_end(_lower_first(rest))
    if rest.endswith(("!", "?")) or _FEEL_LINKS.search(rest) or len(rest.split()) > 5:
        return sentence("I feel " + rest)
    return sentence(f"I feel {rest} when that happens")


def would_like_sentence(answer: str) -> str:
    """'Come to dinner on Sunday' becomes 'I would like you to come to dinner on Sunday.'"""
    rest, as_typed = _own_words(answer, "would_like")
    if not rest or as_typed:
        return sentence(rest) if rest else ""
    rest = _lower_first(rest)
    if _first_word(rest) == "that" and len(rest.split()) > 1:
        rest = rest.split(" ", 1)[1]
    first = _first_word(rest)
    if first in {"you", "we", "they"} and not rest.casefold().startswith("you to "):
        return sentence("I would like it if " + rest)
    if first == "to":
        return sentence("I would like you " + rest)
    if first in _NOUN_STARTS or first in {"you", "for", "us", "it"}:
        return sentence("I would like " + rest)
    return sentence("I would like you to " + rest)


def offer_sentence(answer: str) -> str:
    """'Drive you to the appointment' becomes 'I can drive you to the appointment.'"""
    rest, as_typed = _own_words(answer, "offer")
    if not rest or as_typed:
        return sentence(rest) if rest else ""
    rest = _lower_first(rest)
    if _first_word(rest) in _NOUN_STARTS:
        return sentence("I can offer " + rest)
    return sentence("I can " + rest)


def build_script(answers: Answers, language: str = "en") -> str:
    """The script as plain text: short paragraphs of I-statements, empty answers left out,
    in ``language`` (Spanish, or English for any other)."""
    if language == "es":
        return conversation_script_es.build_script(**asdict(answers))
    when_where = tidy(answers.when_where)
    if_badly, _ = _strip_lead(tidy(answers.if_badly), "if_badly")
    paragraphs = [
        sentence("When and where: " + when_where) if when_where else "",
        OPENING,
        _join(noticed_sentence(answers.noticed), feel_sentence(answers.feel)),
        _join(
            would_like_sentence(answers.would_like),
            offer_sentence(answers.offer),
            "What do you think?",
        ),
        _join(sentence("If it goes badly: " + if_badly) if if_badly else "", SAFETY),
    ]
    return "\n\n".join(p for p in paragraphs if p)


def _join(*sentences: str) -> str:
    return " ".join(s for s in sentences if s)


def entry_title() -> str:
    """The title a saved plan gets in the journal, in the language of the page."""
    return gettext("Conversation plan")


def entry_tag() -> str:
    """The tag a saved plan gets in the journal, in the language of the page."""
    return gettext("conversation")


def journal_entry(script: str, timezone: str, now: datetime | None = None) -> EntryData:
    """A private journal entry holding the script, dated now on the person's own clock."""
    moment = (now or clock.now()).astimezone(ZoneInfo(timezone))
    return EntryData(
        body=script,
        entry_date=moment.date(),
        entry_time=moment.time().replace(second=0, microsecond=0),
        title=entry_title(),
        tags=[entry_tag()],
    )
