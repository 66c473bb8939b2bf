"""A journal import that would unpack far past the limit: how long refusing it takes.

Two archives of about 900 KB that unpack to 900 MB, past the 64 MB an import may hold: one
whose headers say so, and one whose headers claim a thousand bytes (headers can lie, so the
reader must stop on what actually comes out). The floor, in the same run, is inflating the
honest archive's member up to the limit with zipfile directly: any reader that checks what comes
out pays that much. Budget: each refused in under 2x that floor.
"""

import io
import zipfile

from bench import Row, median_ms, within_ratio
from caregiver.journal import transfer
from caregiver.journal.transfer import MAX_UNPACKED_BYTES
from caregiver.transfer import NotAnExport

HEAD = b'{"format": "caregiver-journal", "version": 1, "entries": ['
UNPACKED = 900 * 2**20
FLOOR_RATIO = 2.0


def bomb(unpacked: int, claimed: int | None = None) -> bytes:
    """A small ZIP whose journal.json is an export padded with spaces to ``unpacked`` bytes
    (written a megabyte at a time, never whole in memory); with ``claimed``, its headers say the
    file unpacks to that many bytes instead."""
    buffer = io.BytesIO()
    spaces = b" " * 2**20
    padding = unpacked - len(HEAD) - 2
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("journal.json", "w", force_zip64=True) as member,
    ):
        member.write(HEAD)
        for _ in range(padding // len(spaces)):
            member.write(spaces)
        member.write(b" " * (padding % len(spaces)) + b"]}")
    packed = bytearray(buffer.getvalue())
    if claimed is not None:
        # The uncompressed size in the local header and in the central directory.
        for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            at = packed.find(signature) + offset
            packed[at : at + 4] = claimed.to_bytes(4, "little")
    return bytes(packed)


def inflate_to_limit(archive: bytes) -> None:
    """What any careful reader pays: inflate the member up to the limit, then stop."""
    with zipfile.ZipFile(io.BytesIO(archive)) as opened, opened.open("journal.json") as member:
        while member.read(2**20) and member.tell() <= MAX_UNPACKED_BYTES:
            pass


def run(app, database: str) -> list[Row]:
    # Inflated from the honest archive: with lying headers zipfile itself stops at the claim.
    honest = bomb(UNPACKED)
    floor = median_ms(lambda: inflate_to_limit(honest))
    rows = []
    for claimed, name in ((None, "saying so"), (1_000, "claiming 1,000 bytes")):
        archive = bomb(UNPACKED, claimed)

        def refuse(archive=archive):
            try:
                transfer.read_upload("journal.zip", archive)
            except NotAnExport:
                return
            raise AssertionError("the archive was not refused")

        with app.app_context():
            took = median_ms(refuse)
        scenario = f"refuse a journal zip bomb, headers {name}"
        row = within_ratio(scenario, database, took, floor, FLOOR_RATIO)
        row.median_ms = took
        row.budget = f"< {FLOOR_RATIO:.0f}x inflating to the limit"
        row.notes += f"; {len(archive) / 2**10:,.0f} KB packed, {UNPACKED / 2**20:,.0f} MB unpacked"
        rows.append(row)
    return rows
