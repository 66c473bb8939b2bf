"""How a request's path, query and form reach the views, the same for every route.

Two limits of the databases show here rather than in each view: an id larger than an id column
holds, and a NUL character, which no one can type and PostgreSQL can neither store nor compare.
"""

from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError

# The largest id a row can have: ids are INTEGER columns, 32-bit signed in PostgreSQL (SQLite
# would hold 64 bits, but the same schema runs on both).
LARGEST_ID = 2**31 - 1
CONTROL_CHARACTERS = frozenset(map(chr, [*range(32), 127]))


class RowIdConverter(IntegerConverter):
    """``<int:...>`` up to the largest id a row can have: a larger number is a 404 like any
    other missing row, instead of reaching a database that cannot even compare it."""

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def row_id(text: str) -> int:
    """An id from a query string (``request.args.get(..., type=row_id)``): ValueError, so no
    value, when no row can have it."""
    number = int(text)
    if not 0 < number <= LARGEST_ID:
        raise ValueError(f"{text} is not an id a row can have")
    return number


class PathTextConverter(UnicodeConverter):
    """``<name>``: one path segment without control characters, which no slug, token or name
    of ours holds; one that has them is a 404."""

    def to_python(self, value: str) -> str:
        if not CONTROL_CHARACTERS.isdisjoint(value):
            raise ValidationError()
        return value


class TextValues(ImmutableMultiDict):
    """Query and form values with any NUL character taken out (files are left as they are)."""

    def __init__(self, mapping=None):
        pairs = iter_multi_items(mapping) if mapping is not None else ()
        super().__init__([(_without_nul(key), _without_nul(value)) for key, value in pairs])


def _without_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class CaregiverRequest(Request):
    parameter_storage_class = TextValues


def init_app(app: Flask) -> None:
    """Register the converters (before any route is added, as a rule keeps the ones it got)
    and the request class."""
    app.url_map.converters["int"] = RowIdConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = PathTextConverter
    app.request_class = CaregiverRequest
