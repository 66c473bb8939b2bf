"""Plain-text steps both languages' conversation scripts share: tidying an answer, taking off
the words the script's sentence adds itself, and ending a sentence."""

import re


def tidy(text: str | None) -> str:
    """One line of text: surrounding space trimmed, runs of spaces and line breaks made single."""
    return " ".join((text or "").split())


def strip_lead(text: str, lead: str) -> tuple[str, bool]:
    """``text`` without a leading match of the pattern ``lead`` (and the space or comma after
    it), and whether one was removed; an answer that is nothing but its lead stays whole."""
    rest = re.sub(rf"^(?:{lead})\b[\s,:]*", "", text, count=1, flags=re.IGNORECASE)
    if rest == text or not rest.strip(" .,!?¡¿"):
        return text, False
    return rest, True


def trim_end(text: str) -> str:
    return text.rstrip(" .,;:")


def sentence(text: str) -> str:
    """A sentence of ``text``: a capital after any opening ¿ or ¡, and a full stop unless it
    asks or exclaims."""
    text = trim_end(text)
    opening = len(text) - len(text.lstrip("¿¡"))
    text = text[:opening] + text[opening : opening + 1].upper() + text[opening + 1 :]
    return text if text.endswith(("!", "?")) else f"{text}."
