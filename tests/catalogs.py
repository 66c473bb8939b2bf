"""The words the app asks to translate, as the tests read them: the Spanish catalog, a compiled
copy of it, and a pseudo-translation that marks every message it translates."""

import os
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "caregiver" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None, "lazy_ngettext": (1, 2)}
# Around every message of the pseudo-translation: text outside them never went through gettext.
OPEN, CLOSE = "\u27e6", "\u27e7"


def searched(directory: str) -> bool:
    """The folders `make translations` looks in: all but hidden ones and caches (a folder named
    with a leading underscore, like templates/_partials, is read too)."""
    name = os.path.basename(directory)
    return not name.startswith(".") and name != "__pycache__"


def extracted() -> list[tuple[str | None, str | tuple[str, ...]]]:
    """Every message the code and templates ask to translate, as `make translations` finds them:
    (context, message), a plural as its tuple of forms."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS, directory_filter=searched
    )
    return list(dict.fromkeys((context, message) for _f, _l, message, _n, context in found))


def write_compiled(catalog: Catalog, compiled: Path) -> None:
    """Compile ``catalog`` to ``compiled``: written aside, then moved into place, as another test
    process may be reading the file."""
    compiled.parent.mkdir(parents=True, exist_ok=True)
    draft = compiled.with_name(f".{compiled.name}.{os.getpid()}")
    with draft.open("wb") as target:
        write_mo(target, catalog)
    os.replace(draft, compiled)


def compile_spanish() -> None:
    """The .mo file the app reads, built as `make` builds it when the .po file is newer."""
    compiled = CATALOG.with_suffix(".mo")
    if not compiled.exists() or compiled.stat().st_mtime < CATALOG.stat().st_mtime:
        with CATALOG.open("rb") as source:
            write_compiled(read_po(source), compiled)


def write_pseudo_spanish(folder: Path) -> Path:
    """A translations folder whose Spanish is every message unchanged between OPEN and CLOSE, with
    the Spanish catalog's own plural rule."""
    with CATALOG.open("rb") as source:
        catalog = read_po(source)
    for message in list(catalog):
        if message.id:
            catalog.delete(message.id, message.context)
    for context, message in extracted():
        if isinstance(message, tuple):
            forms = (message[0],) + (message[1],) * (catalog.num_plurals - 1)
            catalog.add(message, tuple(f"{OPEN}{form}{CLOSE}" for form in forms), context=context)
        else:
            catalog.add(message, f"{OPEN}{message}{CLOSE}", context=context)
    write_compiled(catalog, folder / "es" / "LC_MESSAGES" / "messages.mo")
    return folder
