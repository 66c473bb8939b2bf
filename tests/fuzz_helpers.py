"""What the fuzz walk needs: the app's routes, the forms its pages show, and odd values to send."""

import io
import re
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit

from helpers import today
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

RULE_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
FILE = object()  # stands for a file input among a form's fields

# Values no form expects: blanks, control characters, numbers past what a database holds, dates
# past what Python holds, broken addresses, very long text, text from other scripts.
ODD_WORDS = [
    "", " ", "\t", "\x00", "\r\n", "0", "-1", "1.5", str(2**31), str(2**63), str(-(2**63) - 1),
    str(10**30), "9" * 5000, "1e400", "nan", "inf", "9999-12-31", "0001-01-01", "10000-01-01",
    "0000-00-00", "2026-02-30", "9999-12", "0001-01", "10000-01", "24:00", "23:59:60", "-05:00",
    "[", "http://[", "https://[::1", "javascript:alert(1)", "%", "%00", "../..", "a/b", "☃",
    "\u202edlrow", "١٢", "<script>alert(1)</script>", "x" * 5000, "Robert'); DROP TABLE users;--",
]  # fmt: skip
ODD = st.one_of(
    st.sampled_from(ODD_WORDS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
    st.integers().map(str),
)
ODD_NUMBERS = st.one_of(
    st.integers(1, 8),
    st.sampled_from([0, 2**31, 2**63 - 1, 2**63, 2**64, 10**30]),
    st.integers(min_value=0),
)
DIGITS = re.compile(r"\d+")


def mutated(value: str):
    """Odd variants of a value a page offered: its numbers pushed past every limit, blanks,
    control characters, or the value many times over."""
    numbers = st.sampled_from(["0", "00", "9999", "10000", "99", str(2**63), "9" * 30])
    return st.one_of(
        numbers.map(lambda number: DIGITS.sub(number, value, count=1)),
        numbers.map(lambda number: DIGITS.sub(number, value)),
        st.sampled_from([f" {value}\t", f"{value}\x00", value * 500, value[:-1], f"-{value}"]),
    )


QUERY_KEYS = [
    "page", "month", "week", "copy", "skip", "q", "when", "day", "part", "place", "kind",
    "language", "tz", "next", "after", "before", "tag", "mood", "ids", "prompt", "example",
    "reason", "notes", "topic", "start", "end", "from", "to",
]  # fmt: skip


def plausible_values(kind: str, value: str) -> list:
    """Values a browser could send for an input of this type that shows ``value``."""
    day = today()
    by_kind = {
        "date": [(day + timedelta(days=n)).isoformat() for n in (-400, -3, 0, 2, 60)],
        "month": [day.strftime("%Y-%m")],
        "time": ["07:30", "19:00", "23:45"],
        "email": ["someone@example.org"],
        "url": ["https://example.org/page", "example.org"],
        "tel": ["(555) 010-2000"],
        "password": ["not the right password"],
        "number": ["1", "5", "10"],
        "text": ["A few plain words", "Springfield"],
    }
    typical = by_kind.get(kind, [])
    return [value, *typical] if value else typical or [value]


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list] = field(default_factory=dict)


class PageReader(HTMLParser):
    """The forms on a page (each field with the values it offers) and the links out of it."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = Form(attrs.get("action") or "", (attrs.get("method") or "get").upper())
            self.forms.append(self._form)
        elif tag == "option" and self._select is not None:
            self._select.append(attrs.get("value", ""))
        elif self._form is None or not attrs.get("name"):
            return
        elif tag == "input":
            kind = attrs.get("type") or "text"
            values = self._form.fields.setdefault(attrs["name"], [])
            values += [FILE] if kind == "file" else plausible_values(kind, attrs.get("value") or "")
        elif tag == "select":
            self._select = self._form.fields.setdefault(attrs["name"], [])
        elif tag == "textarea":
            self._form.fields.setdefault(attrs["name"], []).extend(plausible_values("text", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


@dataclass
class Site:
    """What the pages show: forms by endpoint, path arguments by name, query values by endpoint."""

    forms: dict[str, list[Form]] = field(default_factory=dict)
    arguments: dict[str, set] = field(default_factory=dict)
    queries: dict[str, dict[str, set]] = field(default_factory=dict)  # endpoint: key: values


def routes(app) -> list[tuple]:
    """Every (rule, method) the app answers, static files aside."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint != "static":
            found += [(rule, method) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def _endpoint(adapter, url: str, method: str = "GET"):
    parts = urlsplit(url)
    if parts.netloc or not parts.path.startswith("/"):
        return None, {}
    try:
        return adapter.match(parts.path, method=method)
    except (HTTPException, RequestRedirect):
        return None, {}


def explore(app, client, start: list[str], limit: int = 120) -> Site:
    """Visit the pages reachable from ``start`` and note their forms and link arguments."""
    adapter = app.url_map.bind("localhost")
    site, queue, seen = Site(), list(start), set()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or _endpoint(adapter, url)[0] in (None, "static", "auth.logout"):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        reader = PageReader()
        reader.feed(response.get_data(as_text=True))
        for link in reader.links:
            endpoint, arguments = _endpoint(adapter, link)
            for name, value in arguments.items():
                site.arguments.setdefault(name, set()).add(str(value))
            for key, value in parse_qsl(urlsplit(link).query):
                site.queries.setdefault(endpoint, {}).setdefault(key, set()).add(value)
            queue.append(link.split("#")[0])
        for form in reader.forms:
            name, _arguments = _endpoint(adapter, form.action or url, form.method)
            if name:
                site.forms.setdefault(name, []).append(form)
    return site


def path_for(data, rule, site: Site) -> str:
    """The rule's path with each argument drawn: a real value, an odd one, or a huge number."""

    def argument(found):
        converter, args, name = found["converter"], found["args"], found["name"]
        known = sorted(site.arguments.get(name, ()))
        if converter == "int":
            value = data.draw(st.one_of(ODD_NUMBERS.map(str), st.sampled_from(known or ["1"])))
        elif converter == "any":
            choices = [choice.strip() for choice in args.split(",")]
            value = data.draw(st.one_of(st.sampled_from(choices), ODD))
        else:
            value = data.draw(st.one_of(st.sampled_from(known), ODD) if known else ODD)
        return quote(value, safe="")

    return RULE_ARGUMENT.sub(argument, rule.rule)


def odd_value(data, offered: list[str]) -> str:
    """An odd value, often one made from a value the page offered."""
    if offered and data.draw(st.booleans()):
        return data.draw(st.sampled_from(offered).flatmap(mutated))
    return data.draw(ODD)


def query_for(data, forms: list[Form], known: dict[str, set]) -> dict:
    """Query arguments: those the page's links and search forms use, and some any page reads."""
    offered = {
        name: [v for v in values if v is not FILE]
        for f in forms
        for name, values in f.fields.items()
    }
    for key, values in known.items():
        offered.setdefault(key, []).extend(sorted(values))
    keys = sorted(offered) + [key for key in QUERY_KEYS if key not in offered]
    chosen = data.draw(st.lists(st.sampled_from(keys), max_size=3, unique=True))
    return {key: odd_value(data, offered.get(key, [])) for key in chosen}


def form_for(data, forms: list[Form], token: str) -> dict:
    """A form one of the pages shows, each field plausible or odd, with a valid CSRF token."""
    fields = data.draw(st.sampled_from(forms)).fields if forms else {}
    values = {}
    for name, offered in fields.items():
        if name == "csrf_token":
            continue
        plausible = [value for value in offered if value is not FILE]
        if FILE in offered:
            content = data.draw(st.binary(max_size=200) | st.sampled_from([b"{}", b"[" * 5000]))
            values[name] = (io.BytesIO(content), data.draw(st.sampled_from(["a.json", "a.zip"])))
        elif plausible and data.draw(st.booleans()):
            values[name] = data.draw(st.sampled_from(plausible))
        elif data.draw(st.integers(0, 4)):
            values[name] = odd_value(data, plausible)
    for name in data.draw(st.lists(st.sampled_from(QUERY_KEYS), max_size=2)):
        values[name] = data.draw(ODD)
    values["csrf_token"] = token
    return values
