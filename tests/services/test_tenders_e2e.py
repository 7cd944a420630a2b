"""Tender → outbox → push through the real client → the Bitrix24 sandbox holds exactly one of each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kapusta_desktop.services.editing import EditingService
from kapusta_desktop.services.tenders import (
    ContactPersonInput,
    CustomerInput,
    LineValues,
    TenderInput,
    TenderService,
)
from kapusta_desktop.store.models import Company, Contact, Deal, Tender
from tests.sync.helpers import rig

pytestmark = pytest.mark.anyio

TENDER = TenderInput(
    number="0373100099925000042",
    title="Охрана бизнес-центра",
    platform="zakupki.gov.ru",
    deadline=dt.datetime(2030, 4, 1, 7, 0),
    max_price="2400000",
)
CUSTOMER = CustomerInput(title="ООО Яндекс", inn="7736207543", phone="+7 495 739-70-00")
PERSON = ContactPersonInput(name="Мария", last_name="Орлова", phone="+7 916 555-77-88")


def _with_origin(rows: list[dict], origin_id: str) -> list[dict]:
    return [r for r in rows if r.get("ORIGIN_ID") == origin_id]


async def test_tender_reaches_bitrix24_as_one_deal_company_and_contact(db) -> None:
    async with rig(companies=3) as r:
        assert (await r.engine.sync_now(full=True)).ok
        service = TenderService(db, r.bus, EditingService(db))
        service.start()
        first = service.create_tender(TENDER, customer=CUSTOMER, contact=PERSON)
        service.create_tender(TENDER, customer=CUSTOMER, contact=PERSON)
        report = await r.engine.sync_now()
        assert report.ok, report.error
        service.create_tender(TENDER, customer=CUSTOMER, contact=PERSON)  # once more after the push
        assert (await r.engine.sync_now()).ok

        deal, company, contact = (
            Deal.get_by_id(first.deal.id),
            Company.get_by_id(first.company.id),
            Contact.get_by_id(first.contact.id),
        )
        assert {deal.sync_state, company.sync_state, contact.sync_state} == {"synced"}
        portal_deals = _with_origin(r.sandbox.rows("deal"), deal.origin_id)
        assert len(portal_deals) == 1
        assert len(_with_origin(r.sandbox.rows("company"), company.origin_id)) == 1
        assert len(_with_origin(r.sandbox.rows("contact"), contact.origin_id)) == 1
        assert [x["TITLE"] for x in r.sandbox.rows("deal")].count(deal.title) == 1
        portal_deal = portal_deals[0]
        assert str(portal_deal["COMPANY_ID"]) == str(company.b24_id)
        assert Decimal(str(portal_deal["OPPORTUNITY"])) == Decimal("2400000.00")

        # The chosen calculation's total becomes OPPORTUNITY.
        group = service.new_group(tender_id=first.tender.id, name="Базовый")
        service.save_lines(group.id, [LineValues(site_name="КПП", hourly_rate=Decimal("250"), months=12)])
        service.choose_group(group.id)
        assert (await r.engine.sync_now()).ok
        # 24 h × 30 days × 12 months = 8640 h × 250 = 2160000 + 22% VAT (the default) 475200.
        assert Decimal(str(r.sandbox.row("deal", deal.b24_id)["OPPORTUNITY"])) == Decimal("2635200.00")

        # Won in Bitrix24 → the tender is won.
        r.sandbox.act_update("deal", deal.b24_id, {"STAGE_ID": "WON"}, user_id=1)
        assert (await r.engine.sync_now()).ok
        assert Tender.get_by_id(first.tender.id).status == "won"
        service.stop()
