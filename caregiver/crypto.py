"""Encryption at rest for private text: AES-256-GCM under a data key of each person's own.

Envelope keys: every person gets a random 256-bit data key, stored only wrapped (encrypted) by a
master key from ``CAREGIVER_ENCRYPTION_KEYS`` (newest first). Rotating a master key re-wraps the
small data keys; the private text itself is never re-encrypted. Deleting a person deletes their
data key, which makes every copy of their ciphertext (backups included) unreadable.

A sealed value is ``format (1 byte) | data key version (4) | nonce (12) | ciphertext + tag``. The
header and the value's place (table, column, row id, owner id) are the associated data, so a
ciphertext copied onto another row, column or person fails to open.
"""

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app, g
from sqlalchemy import (
    Connection,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    func,
    insert,
    select,
    tuple_,
    update,
)
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from caregiver import clock
from caregiver.extensions import db
from caregiver.models import UTCDateTime

FORMAT = 1
HEADER_BYTES = 5
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32
CIPHERTEXT_AT = HEADER_BYTES + NONCE_BYTES
UNREADABLE_NOTICE = "This entry cannot be read with the current keys."


class MasterKeyError(ValueError):
    """A master key setting is malformed; the message says which key and why."""


class Unreadable(Exception):
    """A sealed value could not be opened: tampered, moved, or its key is gone."""


@dataclass(frozen=True)
class MasterKey:
    id: str
    aead: AESGCM


class DataKey(db.Model):
    """A person's data key, wrapped by one master key (named by its id)."""

    __tablename__ = "data_keys"
    __table_args__ = (Index("ix_data_keys_master_key_id", "master_key_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    master_key_id: Mapped[str] = mapped_column(String(16))
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    rewrapped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# Master keys -------------------------------------------------------------------------------------


def generate_master_key() -> str:
    """A new random master key in the form CAREGIVER_ENCRYPTION_KEYS expects."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


def master_key_id(raw: bytes) -> str:
    """A short public name for a master key, derived from it (never the key itself)."""
    return hashlib.sha256(b"caregiver.master-key-id\x00" + raw).hexdigest()[:12]


def parse_master_keys(setting: str) -> list[MasterKey]:
    """Parse the comma-separated, newest-first key list; raise MasterKeyError on a bad key."""
    keys = []
    for position, text in enumerate((part.strip() for part in setting.split(",")), start=1):
        if not text:
            continue
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError) as error:
            raise MasterKeyError(f"key {position} is not valid base64") from error
        if len(raw) != KEY_BYTES:
            raise MasterKeyError(
                f"key {position} is {len(raw)} bytes; each key must be {KEY_BYTES}"
            )
        keys.append(MasterKey(master_key_id(raw), AESGCM(raw)))
    if not keys:
        raise MasterKeyError("no key given")
    return keys


def _master_keys() -> list[MasterKey]:
    return current_app.config["ENCRYPTION_KEYS"]


def _wrap_aad(user_id: int, version: int) -> bytes:
    return f"caregiver.data-key/{user_id}/{version}".encode()


def _wrap(master: MasterKey, user_id: int, version: int, key: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + master.aead.encrypt(nonce, key, _wrap_aad(user_id, version))


def _unwrap(row: DataKey) -> bytes:
    master = next((k for k in _master_keys() if k.id == row.master_key_id), None)
    if master is None:
        raise Unreadable(f"master key {row.master_key_id} is not configured")
    nonce, body = row.wrapped[:NONCE_BYTES], row.wrapped[NONCE_BYTES:]
    try:
        return master.aead.decrypt(nonce, body, _wrap_aad(row.user_id, row.version))
    except InvalidTag as error:
        raise Unreadable("data key does not open with its master key") from error


# Data keys ---------------------------------------------------------------------------------------


def _cache() -> dict:
    # Unwrapped keys live only for one request (or one CLI command), never longer.
    if "data_keys" not in g:
        g.data_keys = {}
    return g.data_keys


def _current_version(user_id: int) -> tuple[int, bytes]:
    cache = _cache()
    if (user_id, "current") not in cache:
        row = db.session.scalar(
            select(DataKey).where(DataKey.user_id == user_id).order_by(DataKey.version.desc())
        )
        if row is None:
            row = _create_data_key(user_id)
        cache[(user_id, "current")] = (row.version, _unwrap(row))
    return cache[(user_id, "current")]


def _aead(user_id: int, version: int, key: bytes | None = None) -> AESGCM:
    cache = _cache()
    if (user_id, version) not in cache:
        if key is None:
            row = db.session.get(DataKey, (user_id, version))
            if row is None:
                raise Unreadable("data key is gone")
            key = _unwrap(row)
        cache[(user_id, version)] = AESGCM(key)
    return cache[(user_id, version)]


def _create_data_key(user_id: int) -> DataKey:
    master = _master_keys()[0]
    key = AESGCM.generate_key(bit_length=256)
    row = DataKey(
        user_id=user_id, version=1, master_key_id=master.id, wrapped=_wrap(master, user_id, 1, key)
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        # Two requests raced to create it; the other one won, so use theirs.
        row = db.session.get(DataKey, (user_id, 1), populate_existing=True)
    return row


def forget_data_keys(user_id: int) -> None:
    """Delete a person's data keys: everything sealed for them becomes unreadable."""
    db.session.execute(db.delete(DataKey).where(DataKey.user_id == user_id))
    _cache().clear()


# Sealing -----------------------------------------------------------------------------------------


def _aad(header: bytes, table: str, column: str, row_id: int, owner_id: int) -> bytes:
    return header + f"|{table}|{column}|{row_id}|{owner_id}".encode()


def seal(owner_id: int, table: str, column: str, row_id: int, text: str) -> bytes:
    """Encrypt ``text`` for one place (table, column, row, owner)."""
    if row_id is None:
        raise ValueError("seal needs the row id; flush the new row first")
    version, key = _current_version(owner_id)
    place = (table, column, row_id, owner_id)
    return _seal_with(_aead(owner_id, version, key), version, place, text)


def _seal_with(aead: AESGCM, version: int, place: tuple, text: str) -> bytes:
    header = bytes([FORMAT]) + version.to_bytes(4, "big")
    nonce = os.urandom(NONCE_BYTES)
    return header + nonce + aead.encrypt(nonce, text.encode("utf-8"), _aad(header, *place))


def unseal(owner_id: int, table: str, column: str, row_id: int, blob: bytes | None) -> str:
    """Decrypt a value sealed for this exact place, or raise Unreadable."""
    if not blob or len(blob) < CIPHERTEXT_AT + TAG_BYTES or blob[0] != FORMAT:
        raise Unreadable("not a sealed value")
    header, nonce = blob[:HEADER_BYTES], blob[HEADER_BYTES:CIPHERTEXT_AT]
    aead = _aead(owner_id, int.from_bytes(header[1:], "big"))
    try:
        plain = aead.decrypt(
            nonce, blob[CIPHERTEXT_AT:], _aad(header, table, column, row_id, owner_id)
        )
    except InvalidTag as error:
        raise Unreadable("the value was changed or moved") from error
    return plain.decode("utf-8")


def unseal_many(
    owner_id: int, table: str, column: str, sealed: Iterable[tuple[int, bytes | None]]
) -> list[str | None]:
    """Decrypt many values of one column sealed for one owner, given as (row id, value); None
    stands for each one that cannot be opened (as ``unseal`` would raise Unreadable).

    For scanning a whole journal: the per-value work is the decryption itself, as each data key
    version's AES-GCM object is looked up once and the associated data is the header and row id
    around parts built once.
    """
    place, owner = f"|{table}|{column}|".encode(), f"|{owner_id}".encode()
    ciphers: dict[bytes, AESGCM | None] = {}
    opened: list[str | None] = []
    keep = opened.append
    for row_id, blob in sealed:
        header = blob[:HEADER_BYTES] if blob else b""
        try:
            aead = ciphers[header]
        except KeyError:
            aead = ciphers[header] = _aead_for_header(owner_id, header)
        if aead is None or len(blob) < CIPHERTEXT_AT + TAG_BYTES:
            keep(None)
            continue
        try:
            plain = aead.decrypt(
                blob[HEADER_BYTES:CIPHERTEXT_AT],
                blob[CIPHERTEXT_AT:],
                b"".join((header, place, str(row_id).encode(), owner)),
            )
        except InvalidTag:
            keep(None)
            continue
        keep(plain.decode("utf-8"))
    return opened


def _aead_for_header(owner_id: int, header: bytes) -> AESGCM | None:
    if len(header) != HEADER_BYTES or header[0] != FORMAT:
        return None
    try:
        return _aead(owner_id, int.from_bytes(header[1:], "big"))
    except Unreadable:
        return None


def seal_field(row, column: str, text: str) -> bytes:
    """Seal ``text`` for ``row.<column>``; the row needs ``id`` and ``user_id``."""
    return seal(row.user_id, row.__tablename__, column, row.id, text)


def unseal_field(row, column: str) -> str:
    """Open ``row.<column>`` (raises Unreadable)."""
    return unseal(row.user_id, row.__tablename__, column, row.id, getattr(row, column))


def blind_index(owner_id: int, purpose: str, value: str) -> str:
    """A keyed digest of ``value`` that finds equal values without revealing them.

    The key comes from the person's own data key, so digests mean nothing across people and
    vanish with the account.
    """
    _version, key = _current_version(owner_id)
    index_key = hmac.new(key, b"caregiver.blind-index", hashlib.sha256).digest()
    message = purpose.encode() + b"\x00" + value.encode("utf-8")
    return hmac.new(index_key, message, hashlib.sha256).hexdigest()


# Text kept in the clear before it was sealed ----------------------------------------------------


def seal_column(connection: Connection, table: str, plain: str, sealed: str) -> int:
    """Seal each row's ``plain`` text into its ``sealed`` column for the row's owner
    (``user_id``), and return how many rows were sealed.

    For the migration that starts sealing a column once kept in the clear: it runs on the
    migration's own connection, outside any request, so the data keys are read (or made) there.
    """
    rows = sa_table(
        table, sa_column("id"), sa_column("user_id"), sa_column(plain), sa_column(sealed)
    )
    found = connection.execute(select(rows.c.id, rows.c.user_id, rows.c[plain])).all()
    for row_id, user_id, text in found:
        version, key = _data_key_on(connection, user_id)
        value = _seal_with(AESGCM(key), version, (table, sealed, row_id, user_id), text or "")
        connection.execute(update(rows).where(rows.c.id == row_id).values({sealed: value}))
    return len(found)


def _data_key_on(connection: Connection, user_id: int) -> tuple[int, bytes]:
    keys = DataKey.__table__
    newest = connection.execute(
        select(keys).where(keys.c.user_id == user_id).order_by(keys.c.version.desc()).limit(1)
    ).first()
    if newest is not None:
        return newest.version, _unwrap(newest)
    master, key = _master_keys()[0], AESGCM.generate_key(bit_length=256)
    wrapped = _wrap(master, user_id, 1, key)
    connection.execute(
        insert(keys).values(user_id=user_id, version=1, master_key_id=master.id, wrapped=wrapped)
    )
    return 1, key


# Rotation ----------------------------------------------------------------------------------------


@dataclass
class RotationReport:
    rewrapped: int = 0
    unreadable: int = 0
    remaining: int = 0


def key_status() -> dict[str, int]:
    """How many data keys each master key id wraps."""
    rows = db.session.execute(
        select(DataKey.master_key_id, func.count()).group_by(DataKey.master_key_id)
    )
    return dict(rows.all())


def rotate(
    batch_size: int = 500,
    limit: int | None = None,
    progress: Callable[[RotationReport], None] | None = None,
) -> RotationReport:
    """Re-wrap data keys under the newest master key, a committed batch at a time.

    Each row changes in one statement and is skipped once it is under the newest key, so the
    command can stop anywhere (or be told to stop after ``limit`` keys) and simply run again.
    """
    newest = _master_keys()[0]
    report = RotationReport()
    after = (0, 0)
    while limit is None or report.rewrapped < limit:
        size = batch_size if limit is None else min(batch_size, limit - report.rewrapped)
        rows = db.session.scalars(
            select(DataKey)
            .where(
                DataKey.master_key_id != newest.id,
                tuple_(DataKey.user_id, DataKey.version) > tuple_(*after),
            )
            .order_by(DataKey.user_id, DataKey.version)
            .limit(size)
        ).all()
        if not rows:
            break
        for row in rows:
            after = (row.user_id, row.version)
            try:
                key = _unwrap(row)
            except Unreadable:
                report.unreadable += 1
                continue
            row.wrapped = _wrap(newest, row.user_id, row.version, key)
            row.master_key_id = newest.id
            row.rewrapped_at = clock.now()
            report.rewrapped += 1
        db.session.commit()
        if progress:
            progress(report)
    report.remaining = db.session.scalar(
        select(func.count()).select_from(DataKey).where(DataKey.master_key_id != newest.id)
    )
    return report


def missing_master_keys(app) -> set[str]:
    """Master key ids that wrap stored data keys but are not configured (empty when all fine)."""
    configured = {k.id for k in app.config["ENCRYPTION_KEYS"]}
    try:
        with db.engine.connect() as connection:
            used = set(connection.scalars(select(DataKey.master_key_id).distinct()))
    except SQLAlchemyError:
        return set()  # no schema yet: nothing is encrypted, so nothing can be missing
    return used - configured
