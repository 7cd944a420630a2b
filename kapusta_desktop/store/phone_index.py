"""The phone index: every owner's numbers as entered and normalised, looked up by E.164.

A caller's number is normalised once and found with one probe on the indexed
`phone.e164` column. Matching is exact on the E.164 key, never on a trailing
fragment of digits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

import peewee

from kapusta_desktop.domain.phones import DEFAULT_REGION, NormalisedPhone, normalise
from kapusta_desktop.store.db import database_proxy
from kapusta_desktop.store.models import Phone
from kapusta_desktop.store.rawsql import quote_name

OWNER_TYPES = ("contact", "company", "lead", "manager")
VALUE_TYPES = ("WORK", "MOBILE", "HOME", "FAX", "PAGER", "MAILING", "OTHER")
RAW_MAX = 100  # Phone.raw column size


class PhoneSource(Protocol):
    """Anything that carries a typed number: SamplePhone, the editor's PhoneInput, a mapped B24 item."""

    value: str
    value_type: str


class PhoneIndexError(ValueError):
    pass


def phone_row(owner_type: str, owner_id: int, source: PhoneSource, region: str = DEFAULT_REGION) -> dict:
    """The Phone row for one number of an owner (not saved). Invalid numbers keep their raw text, e164 NULL."""
    raw = source.value.strip()
    if not raw:
        raise PhoneIndexError(f"empty phone number for {owner_type} {owner_id}")
    if len(raw) > RAW_MAX:
        raise PhoneIndexError(f"phone number longer than {RAW_MAX} characters for {owner_type} {owner_id}")
    value_type = (source.value_type or "WORK").upper()
    if value_type not in VALUE_TYPES:
        raise PhoneIndexError(f"unknown phone type {source.value_type!r} for {owner_type} {owner_id}")
    norm = normalise(raw, region)
    return {
        "owner_type": owner_type,
        "owner_id": owner_id,
        "raw": raw,
        "e164": norm.e164,
        "extension": norm.extension if norm.kind == "phone" else None,
        "value_type": value_type,
        "b24_item_id": getattr(source, "b24_item_id", None),
    }


def _check_owner(owner_type: str, owner_id: int) -> None:
    if owner_type not in OWNER_TYPES:
        raise PhoneIndexError(f"unknown phone owner type {owner_type!r}; expected one of {', '.join(OWNER_TYPES)}")
    if not isinstance(owner_id, int) or isinstance(owner_id, bool) or owner_id <= 0:
        raise PhoneIndexError(f"owner id must be a positive integer, got {owner_id!r}")


def write_phones(
    owner_type: str, owner_id: int, phones: Iterable[PhoneSource], *, region: str = DEFAULT_REGION
) -> list[Phone]:
    """Replace an owner's phones with these, normalised, in one transaction; returns the saved rows.

    Blank entries are skipped; the same number written twice (same E.164 and
    extension) is kept once.
    """
    _check_owner(owner_type, owner_id)
    rows: list[dict] = []
    seen: set[tuple[str, str | None]] = set()
    for source in phones:
        if not source.value or not source.value.strip():
            continue
        row = phone_row(owner_type, owner_id, source, region)
        key = (row["e164"] or row["raw"], row["extension"])
        if key in seen:
            continue
        seen.add(key)
        rows.append(row)
    with database_proxy.atomic():
        Phone.delete().where((Phone.owner_type == owner_type) & (Phone.owner_id == owner_id)).execute()
        if rows:
            Phone.insert_many(rows).execute()
    return list(
        Phone.select().where((Phone.owner_type == owner_type) & (Phone.owner_id == owner_id)).order_by(Phone.id)
    )


def delete_phones(owner_type: str, owner_id: int) -> int:
    _check_owner(owner_type, owner_id)
    return Phone.delete().where((Phone.owner_type == owner_type) & (Phone.owner_id == owner_id)).execute()


def phones_of(owner_type: str, owner_id: int) -> list[Phone]:
    return list(
        Phone.select().where((Phone.owner_type == owner_type) & (Phone.owner_id == owner_id)).order_by(Phone.id)
    )


# The lookup is the hot path of an incoming call: the SQL is built once per database, not per call.
_LOOKUP_SQL: dict[int, tuple[str, Sequence[str]]] = {}


def _lookup_sql(db: peewee.Database) -> tuple[str, Sequence[str]]:
    cached = _LOOKUP_SQL.get(id(db))
    if cached is None:
        columns = [f.column_name for f in Phone._meta.sorted_fields]
        table = Phone._meta.table_name
        quoted = ", ".join(quote_name(db, c) for c in columns)
        sql = f"SELECT {quoted} FROM {quote_name(db, table)} WHERE {quote_name(db, 'e164')} = {db.param}"
        cached = _LOOKUP_SQL[id(db)] = (sql, [f.name for f in Phone._meta.sorted_fields])
    return cached


def find_by_e164(e164: str) -> list[Phone]:
    """All Phone rows with this exact E.164 key (one index probe)."""
    db = database_proxy.obj
    if db is None:
        raise RuntimeError("the database is not initialised")
    sql, names = _lookup_sql(db)
    rows = db.execute_sql(sql, (e164,)).fetchall()
    return [Phone(**dict(zip(names, row, strict=True))) for row in rows]


def find_owners(number_text: str, *, region: str = DEFAULT_REGION) -> list[tuple[str, int, Phone]]:
    """Owners of a number as (owner_type, owner_id, Phone): normalise, then one probe on Phone.e164.

    A number that is not a phone (a SIP user, an internal extension, garbage)
    finds nobody. When the text carries an extension, rows with that exact
    extension come first, then the plain number, then other extensions.
    """
    norm: NormalisedPhone = normalise(number_text, region)
    if norm.kind != "phone" or norm.e164 is None:
        return []
    found = find_by_e164(norm.e164)

    def rank(phone: Phone) -> tuple[int, int]:
        if phone.extension == norm.extension:
            return (0, phone.id)
        return (1 if not phone.extension else 2, phone.id)

    found.sort(key=rank)
    return [(p.owner_type, p.owner_id, p) for p in found]
