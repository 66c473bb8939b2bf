"""The articles: Markdown files with TOML front matter, checked and rendered once at start-up.

A broken article (a missing field, an unknown topic, a link to an article that does not exist, a
source that is not an https address of a known authority) stops the app from starting, so it is
found by the author and the test suite, never by a reader at 2 a.m.

The English articles are the library; a translation lives in a folder named by its language code
(``content/es/``), under the same file names and slugs. A page in that language reads the
translated article where there is one and the English article where there is not yet.
"""

import math
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from caregiver.i18n import gettext
from caregiver.journal import search as text_search

CONTENT_DIR = Path(__file__).resolve().parent / "content"
WORDS_PER_MINUTE = 200
MIN_WORDS, MAX_WORDS = 250, 600
QUERY_MAX = 100


def N_(text: str) -> str:  # noqa: N802 - the usual gettext name for "translated where shown"
    """Marks words for the catalog where they are defined; ``topic_text`` translates them."""
    return text


# Topic key -> (name, one line about it), in English, in the order the library shows them.
TOPICS = {
    "understanding": (
        N_("Understanding addiction"),
        N_("What opioid addiction is, and where to begin."),
    ),
    "helping": (
        N_("Helping without enabling"),
        N_("Support that makes recovery easier, and limits."),
    ),
    "family": (
        N_("Family and children"),
        N_("Support groups, and talking with the people at home."),
    ),
    "treatment": (
        N_("Treatment options"),
        N_("Detox, medicines, programs and how to pay for them."),
    ),
    "recovery": (
        N_("Recovery and relapse"),
        N_("Aftercare, setbacks, and getting back on track."),
    ),
    "safety": (
        N_("Safety and overdose"),
        N_("Naloxone, warning signs, and when to call for help."),
    ),
    "self-care": (
        N_("Caring for yourself"),
        N_("Rest, support and your own health matter too."),
    ),
}
# Languages the articles are written in besides English, each in its own folder of CONTENT_DIR.
TRANSLATIONS = ("es",)

# A path for someone new, in reading order.
START_HERE = (
    "if-you-just-found-out",
    "understanding-opioid-addiction",
    "enabling-vs-helping",
    "talking-with-your-loved-one",
    "caring-for-yourself",
)

# What an article's closing actions may offer (see the article template).
ACTIONS = {"boundary", "meeting", "help", "plan"}

# Sources must be the public pages of these authorities (a host or any of its subdomains).
SOURCE_HOSTS = (
    "samhsa.gov",
    "findtreatment.gov",
    "988lifeline.org",
    "nida.nih.gov",
    "nih.gov",
    "medlineplus.gov",
    "cdc.gov",
    "fda.gov",
    "poison.org",
    "nar-anon.org",
    "al-anon.org",
    "smartrecovery.org",
)

REQUIRED = ("title", "slug", "topic", "summary", "prompts", "sources")
OPTIONAL = ("related", "actions")
# Slugs the library's own pages use.
RESERVED_SLUGS = {"search", "topics", "plan-a-conversation", "marks"}
LINK_RE = re.compile(r"\]\(([^)\s]+)\)")
# A US toll-free or long-distance number as articles write them: 1-800-662-4357.
PHONE_RE = re.compile(r"\b1-(\d{3})-(\d{3})-(\d{4})\b")


def _tap_to_call(state) -> None:
    """Turn phone numbers in article text into tel: links: on a phone, one tap calls."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children, depth = [], 0
        for token in block.children:
            depth += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type != "text" or depth or not PHONE_RE.search(token.content):
                children.append(token)
                continue
            last = 0
            for match in PHONE_RE.finditer(token.content):
                children += _text(token.content[last : match.start()])
                link = Token("link_open", "a", 1)
                link.attrs = {"href": "tel:+1" + "".join(match.groups())}
                children += [
                    link,
                    *_text(match.group(0)),
                    Token("link_close", "a", -1),
                ]
                last = match.end()
            children += _text(token.content[last:])
        block.children = children


def _text(content: str) -> list[Token]:
    if not content:
        return []
    token = Token("text", "", 0)
    token.content = content
    return [token]


_markdown = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable("replacements")
_markdown.core.ruler.push("tap_to_call", _tap_to_call)


class ContentError(ValueError):
    """Articles that cannot be published; the message lists every problem found."""


@dataclass(frozen=True)
class Source:
    name: str
    url: str


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    topic: str
    summary: str
    prompts: tuple[str, ...]
    related: tuple[str, ...]
    actions: tuple[str, ...]
    sources: tuple[Source, ...]
    html: Markup
    text: str  # the body as plain text, for search and readability
    links: tuple[str, ...]  # every link target in the body

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def minutes(self) -> int:
        """Reading time, rounded up to whole minutes."""
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))

    @property
    def topic_name(self) -> str:
        """The topic's name in the language of the page."""
        return topic_text(self.topic)[0]


def topic_text(key: str) -> tuple[str, str]:
    """A topic's name and its line about it, in the language of the page."""
    name, about = TOPICS[key]
    return gettext(name), gettext(about)


def is_allowed_source(url: str) -> bool:
    """Whether ``url`` is an https address on a known authority's site."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and any(
        host == allowed or host.endswith("." + allowed) for allowed in SOURCE_HOSTS
    )


def _plain_text(tokens) -> str:
    pieces = []
    for token in tokens:
        if token.type == "inline":
            pieces.append("".join(child.content for child in token.children or ()))
    return "\n".join(pieces)


def parse(path: Path) -> tuple[Article | None, list[str]]:
    """One article file: the article, or the problems that keep it from being one."""
    name = path.name
    raw = path.read_text(encoding="utf-8")
    if not raw.startswith("+++") or raw.count("+++") < 2:
        return None, [f"{name}: front matter between +++ lines is missing"]
    _, front, body = raw.split("+++", 2)
    try:
        meta = tomllib.loads(front)
    except tomllib.TOMLDecodeError as error:
        return None, [f"{name}: front matter is not valid TOML ({error})"]
    problems = [f"{name}: '{key}' is missing or empty" for key in REQUIRED if not meta.get(key)]
    problems += [
        f"{name}: unknown field '{key}'" for key in meta if key not in (*REQUIRED, *OPTIONAL)
    ]
    if problems:
        return None, problems
    tokens = _markdown.parse(body)
    article = Article(
        slug=meta["slug"],
        title=meta["title"].strip(),
        topic=meta["topic"],
        summary=" ".join(meta["summary"].split()),
        prompts=tuple(str(p).strip() for p in meta["prompts"]),
        related=tuple(meta.get("related", ())),
        actions=tuple(meta.get("actions", ())),
        sources=tuple(Source(s.get("name", ""), s.get("url", "")) for s in meta["sources"]),
        html=Markup(_markdown.renderer.render(tokens, _markdown.options, {})),  # noqa: S704 - html off
        text=_plain_text(tokens),
        links=tuple(LINK_RE.findall(body)),
    )
    return article, _own_problems(name, path.stem, article)


def _own_problems(name: str, stem: str, article: Article) -> list[str]:
    problems = []
    if article.slug != stem:
        problems.append(f"{name}: slug '{article.slug}' differs from the file name")
    if article.slug in RESERVED_SLUGS:
        problems.append(f"{name}: slug '{article.slug}' is reserved for a library page")
    if article.topic not in TOPICS:
        problems.append(f"{name}: unknown topic '{article.topic}'")
    if any(not prompt for prompt in article.prompts):
        problems.append(f"{name}: a journal prompt is empty")
    problems += [f"{name}: unknown action '{a}'" for a in article.actions if a not in ACTIONS]
    for source in article.sources:
        if not source.name.strip():
            problems.append(f"{name}: a source has no name")
        if not is_allowed_source(source.url):
            problems.append(f"{name}: source '{source.url}' is not an https page of an authority")
    for link in article.links:
        if not link.startswith("/") and urlsplit(link).scheme != "https":
            problems.append(f"{name}: link '{link}' is neither a page of ours nor https")
    if not MIN_WORDS <= article.words <= MAX_WORDS:
        problems.append(f"{name}: {article.words} words; keep it to {MIN_WORDS}–{MAX_WORDS}")
    return problems


def _cross_problems(articles: dict[str, Article]) -> list[str]:
    problems = []
    for article in articles.values():
        for slug in article.related:
            if slug not in articles or slug == article.slug:
                problems.append(f"{article.slug}: related article '{slug}' does not exist")
        for link in article.links:
            if link.startswith("/guidance/") and link.removeprefix("/guidance/") not in articles:
                problems.append(f"{article.slug}: link '{link}' goes to no article")
    problems += [f"start here: no article '{slug}'" for slug in START_HERE if slug not in articles]
    return problems


def load(directory: Path = CONTENT_DIR) -> dict[str, Article]:
    """Every article in ``directory`` by slug; ContentError if any cannot be published."""
    articles, problems = {}, []
    for path in sorted(directory.glob("*.md")):
        article, found = parse(path)
        problems += found
        if article is not None:
            articles[article.slug] = article
    problems += _cross_problems(articles)
    if problems:
        raise ContentError("Guidance articles need fixing:\n" + "\n".join(problems))
    return articles


def load_translation(
    directory: Path, english: dict[str, Article], language: str
) -> dict[str, Article]:
    """The library as a page in ``language`` shows it: each article translated in
    ``directory / language`` where there is one, the English article where there is not.
    ContentError if a translation cannot be published or does not match its English article."""
    folder = directory / language
    articles, problems = dict(english), []
    for path in sorted(folder.glob("*.md")):
        article, found = parse(path)
        problems += [f"{language}/{problem}" for problem in found]
        if article is None:
            continue
        original = english.get(article.slug)
        if original is None:
            problems.append(f"{language}/{path.name}: no English article has this slug")
            continue
        if article.topic != original.topic:
            problems.append(f"{language}/{path.name}: topic differs from the English article")
        articles[article.slug] = article
    problems += [f"{language}: {problem}" for problem in _cross_problems(articles)]
    if problems:
        raise ContentError("Guidance articles need fixing:\n" + "\n".join(problems))
    return articles


@lru_cache(maxsize=4)
def libraries(directory: Path = CONTENT_DIR) -> dict[str, dict[str, Article]]:
    """The checked articles of every language, by language code, read from disk once per
    process. Every language has every slug: a missing translation is the English article."""
    english = load(directory)
    found = {"en": english}
    for language in TRANSLATIONS:
        found[language] = load_translation(directory, english, language)
    return found


def library(directory: Path = CONTENT_DIR, language: str = "en") -> dict[str, Article]:
    """The checked articles a page in ``language`` shows (English for a language without
    articles of its own)."""
    found = libraries(directory)
    return found.get(language, found["en"])


def start_here(articles: dict[str, Article]) -> list[Article]:
    """The "start here" path, in reading order."""
    return [articles[slug] for slug in START_HERE]


def path_step(articles: dict[str, Article], slug: str) -> tuple[int, Article | None] | None:
    """Where an article sits on the "start here" path: (its number, the next article or None)."""
    if slug not in START_HERE:
        return None
    number = START_HERE.index(slug) + 1
    following = articles[START_HERE[number]] if number < len(START_HERE) else None
    return number, following


def query_problem(query: str) -> str | None:
    """Why a search cannot run as typed (empty or too long), in words for the page."""
    if not query.strip():
        return gettext(
            "Type a word or two to search the guidance, such as “naloxone” or “boundaries”."
        )
    if len(query) > QUERY_MAX:
        return gettext(
            "That search is too long. Try a few words, up to %(num)d letters.", num=QUERY_MAX
        )
    return None


def by_topic(articles: dict[str, Article]) -> dict[str, list[Article]]:
    """Articles grouped by topic, in the library's topic order, titles alphabetical."""
    grouped = {key: [] for key in TOPICS}
    for article in sorted(articles.values(), key=lambda a: a.title):
        grouped[article.topic].append(article)
    return {key: found for key, found in grouped.items() if found}


@dataclass(frozen=True)
class Hit:
    article: Article
    title: text_search.Parts
    snippet: text_search.Parts


def _without_accents(text: str) -> str:
    return "".join(
        char for char in unicodedata.normalize("NFD", text) if not unicodedata.combining(char)
    )


def _accented_letters() -> dict[str, str]:
    """Each plain letter and the accented letters that read as it: "a" -> "àáâãäå…"."""
    found: dict[str, str] = {}
    for letter in map(chr, range(0xC0, 0x180)):
        plain = _without_accents(letter)
        if len(plain) == 1 and plain.isascii() and plain.isalpha() and letter.islower():
            found[plain] = found.get(plain, "") + letter
    return found


_ACCENTED = _accented_letters()


def term_pattern(term: str) -> re.Pattern:
    """A search word as an expression that ignores case and accents, so "recaida" finds
    "recaída" and "recaída" finds "recaida"."""
    pattern = []
    for char in _without_accents(term):
        accented = _ACCENTED.get(char.lower())
        pattern.append(f"[{char}{accented}]" if accented else re.escape(char))
    return re.compile("".join(pattern), re.IGNORECASE)


def search(articles: dict[str, Article], query: str) -> list[Hit]:
    """Articles whose title, summary or body hold every term; the best matches first."""
    terms = text_search.terms_of(query)
    if not terms:
        return []
    patterns = [term_pattern(term) for term in terms]
    anything = re.compile("|".join(p.pattern for p in patterns), re.IGNORECASE)
    scored = []
    for article in articles.values():
        haystack = "\n".join((article.title, article.summary, article.text))
        if not all(p.search(haystack) for p in patterns):
            continue
        score = sum(
            10 * len(p.findall(article.title))
            + 5 * len(p.findall(article.summary))
            + len(p.findall(article.text))
            for p in patterns
        )
        where = article.text if anything.search(article.text) else article.summary
        hit = Hit(
            article,
            text_search.highlight(article.title, anything),
            text_search.snippet(where, anything),
        )
        scored.append((-score, article.title, hit))
    return [hit for *_order, hit in sorted(scored, key=lambda item: item[:2])]
