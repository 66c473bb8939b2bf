"""What every export and import shares: reading an export file back (a JSON file, or one file
of a ZIP), and the import's report.

An uploaded file is read warily: its shape is measured before it is parsed, and a ZIP's file is
unpacked a piece at a time, so a small file that would unpack or parse into gigabytes, or nest
deeper than the parser can follow, is refused with a message instead of taking the server down.
"""

import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from itertools import accumulate

from caregiver.i18n import format_count, gettext

# An export nests four deep (the file, a list, an item, its tags); far more is not an export.
MAX_DEPTH = 16
# What an export may hold per item: objects and lists (the item, its tags or checklist, a
# prompt), and values (its fields, tags and checklist answers).
CONTAINERS_PER_ITEM = 4
VALUES_PER_ITEM = 64
# A JSON string, possessive so a file of quotes and backslashes cannot make the search backtrack.
JSON_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)
NOT_A_BRACKET = re.compile(r"[^\[\]{}]++")
CHUNK_BYTES = 64 * 1024


class NotAnExport(ValueError):
    """The file is not an export this app can read; the message says why."""


@dataclass
class ImportReport:
    added: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)


def parse_export(
    content: bytes, fmt: str, version: int, what: str, max_items: int, items: str = "items"
) -> dict:
    """The JSON object of an export of format ``fmt`` and ``version``, or NotAnExport.

    ``what`` names the kind of file in messages ("a journal export"); an export holds at most
    ``max_items`` ``items``. Both are put into sentences as they are, so they come in the
    language of the page.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotAnExport(not_valid_json(what)) from error
    _check_shape(text, what, max_items, items)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotAnExport(not_valid_json(what)) from error
    except ValueError as error:  # a number with thousands of digits
        raise NotAnExport(
            gettext("That file is not %(what)s (it holds a number far too long).", what=what)
        ) from error
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise NotAnExport(gettext("That file is not %(what)s from Caregiver.", what=what))
    if data.get("version") != version:
        raise NotAnExport(
            gettext(
                "That export is version %(found)s; we read version %(version)s.",
                found=data.get("version"),
                version=version,
            )
        )
    return data


def not_valid_json(what: str) -> str:
    return gettext("That file is not %(what)s (it is not valid JSON).", what=what)


def _check_shape(text: str, what: str, max_items: int, items: str) -> None:
    # Parsing makes an object of every value and follows nesting by recursion, so a small file
    # could take gigabytes or overflow the stack. Both are measured first, outside the strings,
    # with scans that stay fast whatever the file holds.
    outside = JSON_STRING.sub("", text)
    brackets = NOT_A_BRACKET.sub("", outside)
    too_many = len(brackets) > 2 * (CONTAINERS_PER_ITEM * max_items + MAX_DEPTH)
    if too_many or outside.count(",") > VALUES_PER_ITEM * max_items:
        raise NotAnExport(
            gettext(
                "Import at most %(count)s %(items)s at a time.",
                count=format_count(max_items),
                items=items,
            )
        )
    depth = accumulate(1 if bracket in "[{" else -1 for bracket in brackets)
    if max(depth, default=0) > MAX_DEPTH:
        raise NotAnExport(
            gettext(
                "That file is not %(what)s (it is nested far deeper than an export).", what=what
            )
        )


def read_zip_member(content: bytes, name: str, max_bytes: int, max_files: int) -> bytes:
    """The file ``name`` inside a ZIP archive, or NotAnExport; never more than ``max_bytes`` of
    it is unpacked, whatever the archive claims."""
    too_large = gettext(
        "The %(name)s in that ZIP file unpacks to more than %(size)s MB, "
        "more than we can import at once.",
        name=name,
        size=format_count(max_bytes // 2**20),
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > max_files:
                raise NotAnExport(
                    gettext(
                        "That ZIP file holds %(count)s files; an export has at most %(most)s.",
                        count=format_count(len(members)),
                        most=format_count(max_files),
                    )
                )
            info = next((member for member in members if member.filename == name), None)
            if info is None:
                raise NotAnExport(gettext("That ZIP file has no %(name)s inside.", name=name))
            if info.file_size > max_bytes:
                raise NotAnExport(too_large)
            with archive.open(info) as member:
                return read_at_most(member, max_bytes, too_large)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        # Damaged, encrypted, or packed with a method we don't know.
        raise NotAnExport(
            gettext("That ZIP file is damaged or packed in a way we can't read.")
        ) from error


def read_at_most(member, max_bytes: int, too_large: str) -> bytes:
    """All of a file being unpacked, or NotAnExport(too_large) once more than ``max_bytes``
    came out of it."""
    # The sizes in a ZIP's headers are whatever its maker wrote, so count what really comes
    # out, a piece at a time, and stop as soon as it is more than we take.
    pieces, size = [], 0
    while piece := member.read(CHUNK_BYTES):
        size += len(piece)
        if size > max_bytes:
            raise NotAnExport(too_large)
        pieces.append(piece)
    return b"".join(pieces)
