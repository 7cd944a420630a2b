from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kapusta_desktop.integrations.bitrix24 import mapping as m


def test_deal_from_string_typed_payload() -> None:
    rec = m.record_from_remote(
        m.DEAL,
        {
            "ID": "37",
            "TITLE": "Охрана склада",
            "CATEGORY_ID": "0",
            "STAGE_ID": "PREPARATION",
            "OPPORTUNITY": "19999.99",
            "CURRENCY_ID": "RUB",
            "COMPANY_ID": "0",
            "ASSIGNED_BY_ID": "3",
            "CLOSED": "N",
            "DATE_CREATE": "2026-01-01T10:00:00+03:00",
            "DATE_MODIFY": "2026-01-02T12:30:00+03:00",
            "ORIGIN_ID": "u-1",
            "ORIGINATOR_ID": "kapusta",
            "CONTACT_ID": "5",
        },
    )
    assert rec.b24_id == 37
    assert rec.values["amount"] == Decimal("19999.99")
    assert rec.values["company"] is None and rec.values["responsible"] == 3
    assert rec.values["closed"] is False
    assert rec.values["date_create"] == dt.datetime(2026, 1, 1, 7, 0)
    assert rec.modified == dt.datetime(2026, 1, 2, 9, 30)
    assert rec.origin_id == "u-1" and rec.primary_contact_id == 5 and rec.contact_ids is None


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"TITLE": "x"}, "without an ID"),
        ({"ID": "1", "OPPORTUNITY": "lots"}, "OPPORTUNITY"),
        ({"ID": "1", "DATE_CREATE": "yesterday"}, "DATE_CREATE"),
        ({"ID": "1", "CATEGORY_ID": "zero"}, "CATEGORY_ID"),
    ],
)
def test_malformed_payloads_are_refused_with_the_field(payload: dict, message: str) -> None:
    with pytest.raises(m.MappingError, match=message):
        m.record_from_remote(m.DEAL, payload)


def test_deal_fields_to_remote_are_strings_and_carry_origin_on_create() -> None:
    out = m.fields_to_remote(
        m.DEAL,
        {"title": "T", "amount": Decimal("5"), "company": 12, "responsible": None, "pipeline_id": 0, "closed": True},
        contact_ids=[4, 9],
        origin_id="abc",
    )
    assert out == {
        "TITLE": "T",
        "OPPORTUNITY": "5.00",
        "COMPANY_ID": "12",
        "ASSIGNED_BY_ID": "",
        "CATEGORY_ID": "0",
        "CONTACT_IDS": ["4", "9"],
        "ORIGINATOR_ID": "kapusta",
        "ORIGIN_ID": "abc",
    }


def test_multi_field_update_keeps_item_ids() -> None:
    items = [m.MultiItem(156, "+7 495 123-45-67", "WORK"), m.MultiItem(None, "8 916 000-00-01", "MOBILE")]
    out = m.multi_update(items, deleted_item_ids=[157, {"ID": "158"}, 156])
    assert out == [
        {"ID": "156", "VALUE": "+7 495 123-45-67", "VALUE_TYPE": "WORK"},
        {"VALUE": "8 916 000-00-01", "VALUE_TYPE": "MOBILE"},
        {"ID": "157", "DELETE": "Y"},
        {"ID": "158", "DELETE": "Y"},
    ]


def test_contact_multi_fields_read() -> None:
    rec = m.record_from_remote(
        m.CONTACT,
        {
            "ID": "5",
            "NAME": "Иван",
            "LAST_NAME": "Петров",
            "PHONE": [
                {"ID": "11", "VALUE": "+7 916 1234567", "VALUE_TYPE": "MOBILE", "TYPE_ID": "PHONE"},
                {"ID": "12", "VALUE": "", "VALUE_TYPE": "WORK"},
            ],
            "EMAIL": [{"ID": "13", "VALUE": "a@b.ru", "VALUE_TYPE": "WORK"}],
        },
    )
    assert rec.phones == [m.MultiItem(11, "+7 916 1234567", "MOBILE")]
    assert rec.emails == [m.MultiItem(13, "a@b.ru", "WORK")]
    assert rec.values["second_name"] == "" and rec.values["position"] is None


def test_company_uf_fields_and_site() -> None:
    rec = m.record_from_remote(
        m.COMPANY,
        {
            "ID": "3",
            "TITLE": "ООО Ромашка",
            "UF_CRM_INN": "7701234567",
            "UF_CRM_KPP": "770101001",
            "UF_CRM_VIP": "Y",
            "WEB": [{"ID": "21", "VALUE": "romashka.ru", "VALUE_TYPE": "WORK"}],
        },
    )
    assert rec.values["inn"] == "7701234567" and rec.values["is_vip"] is True
    assert rec.values["site"] == "romashka.ru" and rec.web_item_id == 21
    out = m.fields_to_remote(m.COMPANY, {"site": "new.ru", "is_vip": False}, web_item_id=21)
    assert out == {"UF_CRM_VIP": "N", "WEB": [{"ID": "21", "VALUE": "new.ru", "VALUE_TYPE": "WORK"}]}


def test_task_camel_case_and_bindings() -> None:
    rec = m.record_from_remote(
        m.TASK,
        {
            "id": "8",
            "title": "Позвонить",
            "status": "3",
            "responsibleId": "2",
            "deadline": "2026-02-01T18:00:00+03:00",
            "ufCrmTask": ["C_4", "D_10"],
            "changedDate": "2026-01-05T10:00:00+03:00",
        },
    )
    assert rec.values["deal"] == 10 and rec.values["contact"] == 4 and rec.values["status"] == 3
    assert rec.modified == dt.datetime(2026, 1, 5, 7, 0)
    out = m.fields_to_remote(m.TASK, {"title": "x", "deal": 10, "contact": None, "deadline": rec.values["deadline"]})
    assert out == {"TITLE": "x", "UF_CRM_TASK": ["D_10"], "DEADLINE": "2026-02-01T15:00:00+00:00"}


def test_canonical_forms_compare_across_json() -> None:
    assert m.canonical(m.DECIMAL, Decimal("5")) == m.canonical(m.DECIMAL, "5.00")
    assert m.canonical(m.DATETIME, dt.datetime(2026, 1, 1, 7)) == m.canonical(m.DATETIME, "2026-01-01 07:00:00")
    assert m.canonical(m.REF_COMPANY, "12") == 12
    assert m.from_canonical(m.DECIMAL, "5.00") == Decimal("5.00")


def test_users_and_stages() -> None:
    u = m.user_from_remote(
        {"ID": "4", "NAME": "Анна", "LAST_NAME": "Ким", "ACTIVE": True, "UF_PHONE_INNER": "104", "UF_DEPARTMENT": [1]}
    )
    assert (u.b24_id, u.name, u.extension, u.department) == (4, "Анна Ким", "104", "1")
    s = m.stage_from_remote(
        {
            "STATUS_ID": "C2:WON",
            "NAME": "Успех",
            "SORT": "60",
            "ENTITY_ID": "DEAL_STAGE_2",
            "EXTRA": {"SEMANTICS": "success"},
        }
    )
    assert (s.pipeline_id, s.semantics, s.sort) == (2, "success", 60)
    with pytest.raises(m.MappingError):
        m.pipeline_of_status("CONTACT_TYPE")
