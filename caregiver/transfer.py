"""What every export and import shares: reading an export file back, and the import's report."""

import json
from dataclasses import dataclass, field


class NotAnExport(ValueError):
    """The file is not an export this app can read; the message says why."""


@dataclass
class ImportReport:
    added: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)


def parse_export(content: bytes, fmt: str, version: int, what: str) -> dict:
    """The JSON object of an export of format ``fmt`` and ``version``, or NotAnExport.

    ``what`` names the kind of file in messages ("a journal export").
    """
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NotAnExport(f"That file is not {what} (it is not valid JSON).") from error
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise NotAnExport(f"That file is not {what} from Caregiver.")
    if data.get("version") != version:
        raise NotAnExport(
            f"That export is version {data.get('version')}; we read version {version}."
        )
    return data
