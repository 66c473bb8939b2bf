"""Cleaning what people type, the same way in every feature."""

import unicodedata

from markupsafe import Markup


def clean_text(text: str) -> str:
    """Keep what was typed, minus control characters other than line breaks and tabs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")


def clean_line(text: str) -> str:
    """One line of text: control characters and runs of spaces removed."""
    return " ".join(clean_text(text or "").split())


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """A count and its noun, shaped like Flask-Babel's ngettext so a catalog can take over.

    ``%(num)d`` stands for the count, as in gettext; other ``%(name)s`` values come as keywords.
    """
    variables.setdefault("num", num)
    return (singular if num == 1 else plural) % variables


def template_ngettext(singular: str, plural: str, num: int, **variables) -> Markup:
    """ngettext for templates: the message is ours and stays as written (an apostrophe is not
    turned into an entity); only the values put into it are escaped, as Jinja's i18n does."""
    variables.setdefault("num", num)
    return Markup(singular if num == 1 else plural) % variables  # noqa: S704 - our own words
