"""Cleaning what people type, the same way in every feature."""

import unicodedata


def clean_text(text: str) -> str:
    """Keep what was typed, minus control characters other than line breaks and tabs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")


def clean_line(text: str) -> str:
    """One line of text: control characters and runs of spaces removed."""
    return " ".join(clean_text(text or "").split())
