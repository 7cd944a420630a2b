"""Discarding an edit brings back Bitrix24's phones, e-mails and deal contacts, not only the scalar fields."""

from __future__ import annotations

import pytest

from kapusta_desktop.integrations.bitrix24 import mapping as m
from kapusta_desktop.sandbox.bitrix24 import FaultConfig
from kapusta_desktop.services.editing import ContactInput, DealInput, EditingService, EmailInput, PhoneInput
from kapusta_desktop.store.models import Contact, Deal, DealContact, Email, OutboxEntry, Phone
from tests.sync.helpers import rig

pytestmark = pytest.mark.anyio


def _phones(contact_id: int) -> list[tuple[str, str, int | None]]:
    rows = Phone.select().where((Phone.owner_type == "contact") & (Phone.owner_id == contact_id)).order_by(Phone.id)
    return [(p.raw, p.value_type, p.b24_item_id) for p in rows]


def _emails(contact_id: int) -> list[tuple[str, str, int | None]]:
    rows = Email.select().where((Email.owner_type == "contact") & (Email.owner_id == contact_id)).order_by(Email.id)
    return [(e.value, e.value_type, e.b24_item_id) for e in rows]


def _links(deal_id: int) -> list[int]:
    return [x.contact_id for x in DealContact.select().where(DealContact.deal == deal_id).order_by(DealContact.sort)]


def _portal(items: list[dict] | None) -> list[tuple[str, str, int | None]]:
    return [(i.value, i.value_type, i.item_id) for i in m.parse_multi(items)]


def _edit(editing: EditingService, c: Contact) -> None:
    editing.save_contact(c.id, ContactInput(name="Другое имя", last_name=c.last_name,
                                            phones=[PhoneInput("+7 999 000-11-22", "MOBILE")],
                                            emails=[EmailInput("new@example.ru", "WORK")]))


async def test_discard_reads_the_record_back_with_its_multi_fields(db) -> None:
    async with rig() as r:
        await r.engine.sync_now(full=True)
        editing = EditingService(db)
        c = next(c for c in Contact.select().order_by(Contact.id) if _phones(c.id) and _emails(c.id))
        portal = r.sandbox.row("contact", c.b24_id)
        _edit(editing, c)
        assert _phones(c.id) == [("+7 999 000-11-22", "MOBILE", None)]
        before = r.client.stats.requests
        assert await r.engine.discard("contact", c.id) == 1
        assert r.client.stats.requests - before == 1
        row = Contact.get_by_id(c.id)
        assert (row.name, row.sync_state, row.base_values) == (portal["NAME"], "synced", None)
        assert _phones(c.id) == _portal(portal["PHONE"])
        assert _emails(c.id) == _portal(portal["EMAIL"])
        assert not OutboxEntry.select().where(OutboxEntry.entity_id == c.id, OutboxEntry.state == "pending").exists()

        deal = next(d for d in Deal.select().order_by(Deal.id) if _links(d.id))
        links = _links(deal.id)
        editing.save_deal(deal.id, DealInput(title=deal.title, stage_id=deal.stage_id, amount=deal.amount,
                                             currency=deal.currency, company_id=deal.company_id, contact_ids=[],
                                             responsible_id=deal.responsible_id, comment=deal.comment))
        await r.engine.discard("deal", deal.id)
        assert _links(deal.id) == links
        await r.engine.sync_now()
        assert r.sandbox.state.deal_contacts[deal.b24_id]  # nothing was sent


async def test_discard_offline_puts_back_the_pre_edit_lists(db) -> None:
    async with rig(max_retries=0) as r:
        await r.engine.sync_now(full=True)
        editing = EditingService(db)
        c = next(c for c in Contact.select().order_by(Contact.id) if _phones(c.id) and _emails(c.id))
        phones, emails, name = _phones(c.id), _emails(c.id), c.name
        _edit(editing, c)
        r.sandbox.set_faults(FaultConfig(error_500=1.0))
        assert await r.engine.discard("contact", c.id) == 1
        assert Contact.get_by_id(c.id).name == name
        assert _phones(c.id) == phones and _emails(c.id) == emails
