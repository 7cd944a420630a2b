"""The phone index: normalised rows per owner and exact E.164 lookups."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kapusta_desktop.domain.sample_data import SamplePhone
from kapusta_desktop.store.models import Phone
from kapusta_desktop.store.phone_index import (
    PhoneIndexError,
    delete_phones,
    find_by_e164,
    find_owners,
    phones_of,
    write_phones,
)


@dataclass(frozen=True)
class Typed:
    value: str
    value_type: str = "WORK"
    b24_item_id: int | None = None


def test_write_normalises_and_keeps_what_was_typed(db: object) -> None:
    rows = write_phones(
        "contact",
        7,
        [Typed("8 (916) 123-45-67", "MOBILE", 156), Typed("8-495-123-45-67 доб. 12"), Typed("звонить секретарю")],
    )
    assert [(p.raw, p.e164, p.extension, p.value_type, p.b24_item_id) for p in rows] == [
        ("8 (916) 123-45-67", "+79161234567", None, "MOBILE", 156),
        ("8-495-123-45-67 доб. 12", "+74951234567", "12", "WORK", None),
        ("звонить секретарю", None, None, "WORK", None),  # kept as typed, never matches anything
    ]


def test_write_replaces_the_owners_phones_only(db: object) -> None:
    write_phones("contact", 1, [Typed("+7 916 111 11 11")])
    write_phones("company", 1, [Typed("+7 495 222 22 22")])
    write_phones("contact", 1, [SamplePhone("79162223344", "MOBILE"), SamplePhone("", "WORK")])
    assert [p.e164 for p in phones_of("contact", 1)] == ["+79162223344"]
    assert [p.e164 for p in phones_of("company", 1)] == ["+74952222222"]
    assert find_owners("79161111111") == []
    assert delete_phones("contact", 1) == 1 and phones_of("contact", 1) == []


def test_same_number_twice_is_kept_once(db: object) -> None:
    rows = write_phones("lead", 3, [Typed("8 916 123 45 67"), Typed("+79161234567", "MOBILE")])
    assert len(rows) == 1


def test_bad_input_is_refused_clearly(db: object) -> None:
    with pytest.raises(PhoneIndexError, match="owner type"):
        write_phones("deal", 1, [Typed("79161234567")])
    with pytest.raises(PhoneIndexError, match="positive integer"):
        write_phones("contact", 0, [Typed("79161234567")])
    with pytest.raises(PhoneIndexError, match="phone type"):
        write_phones("contact", 1, [Typed("79161234567", "SATELLITE")])
    with pytest.raises(PhoneIndexError, match="longer than 100"):
        write_phones("contact", 1, [Typed("7" * 101)])
    assert Phone.select().count() == 0


def test_find_owners_reads_any_format_of_the_callers_number(db: object) -> None:
    write_phones("contact", 5, [Typed("8 (916) 123-45-67", "MOBILE")])
    write_phones("company", 9, [Typed("+7 (495) 123-45-67")])
    write_phones("contact", 6, [Typed("8-495-123-45-67 доб. 12")])
    for text in ("79161234567", "+7 916 123 45 67", "8 916 1234567", "9161234567"):
        assert [(t, i) for t, i, _ in find_owners(text)] == [("contact", 5)]
    # The switchboard number: the company itself first, then the person behind its extension.
    assert [(t, i) for t, i, _ in find_owners("74951234567")] == [("company", 9), ("contact", 6)]
    # With the extension given, the exact extension wins.
    assert [(t, i) for t, i, _ in find_owners("+7 495 123-45-67 доб. 12")] == [("contact", 6), ("company", 9)]
    _owner_type, owner_id, phone = find_owners("79161234567")[0]
    assert isinstance(phone, Phone) and phone.raw == "8 (916) 123-45-67" and phone.owner_id == owner_id == 5


def test_no_match_on_a_suffix_a_sip_user_or_garbage(db: object) -> None:
    write_phones("contact", 5, [Typed("8 (916) 123-45-67")])
    write_phones("manager", 1, [Typed("101")])
    for text in ("1234567", "234567", "4567", "67", "101", "sip:101@vpbx123.mangosip.ru", "", "abc", "79161234568"):
        assert find_owners(text) == [], text
    assert find_by_e164("+79161234567")[0].owner_id == 5


def test_lookup_is_one_index_probe(db: object) -> None:
    plan = db.execute_sql(  # type: ignore[attr-defined]
        "EXPLAIN QUERY PLAN SELECT * FROM phone WHERE e164 = ?", ("+79161234567",)
    ).fetchall()
    assert any("USING INDEX" in str(row[-1]) and "e164" in str(row[-1]) for row in plan), plan
