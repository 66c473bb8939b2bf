"""What the Spanish tests share: the headers a browser sends, the page's language, and one way to
say which words a page must show and which English words it must not."""

import re
from html import unescape

SPANISH = {"Accept-Language": "es"}
ENGLISH_BROWSER = {"Accept-Language": "en"}  # a Spanish account wins over what the browser asks
LANG_RE = re.compile(r'<html lang="([a-z]+)">')


def lang_of(response) -> str:
    found = LANG_RE.search(response.get_data(as_text=True))
    assert found, response.get_data(as_text=True)[:200]
    return found.group(1)


def page_text(response) -> str:
    """The page as a person reads it: entities such as &#39; turned back into characters."""
    return unescape(response.get_data(as_text=True))


def assert_reads(page: str, spanish=(), english=()) -> None:
    """Every Spanish phrase is on the page, and none of the English ones it replaces."""
    for words in spanish:
        assert words in page, words
    for words in english:
        assert words not in page, words


def spanish_page(client, url: str) -> str:
    """A page as a person whose account speaks Spanish gets it, from a browser asking for
    English."""
    response = client.get(url, headers=ENGLISH_BROWSER)
    assert response.status_code == 200, (url, response.status_code)
    assert lang_of(response) == "es"
    return response.get_data(as_text=True)


# "p.m." ending a sentence: its period is the sentence's too ("p.m.." is a typo, as is
# "p.m.</strong>."); Spanish times end with one.
DOUBLED_STOP = re.compile(r"\b[ap]\.\s?m\.(?:\s*</\w+>)*\.")


def assert_one_stop(text: str) -> None:
    found = DOUBLED_STOP.search(text)
    assert not found, text[max(0, found.start() - 80) : found.end() + 20]
