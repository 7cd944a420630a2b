"""20% injected faults during a full sync and a push: afterwards cache and portal agree field by field."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from kapusta_desktop.sandbox.bitrix24.faults import FaultConfig
from kapusta_desktop.services.editing import ContactInput, DealInput, EditingService, PhoneInput
from kapusta_desktop.store.models import Contact, Deal, DealContact
from kapusta_desktop.store.outbox import pending_count
from tests.sync.helpers import compare_cache_with_portal, rig

pytestmark = pytest.mark.anyio

FAULTS = FaultConfig(error_500=0.05, error_503=0.04, html=0.04, drop=0.04, slow=0.03, slow_seconds=1.2, seed=11)


async def _until_settled(r, *, full: bool = False, cycles: int = 40) -> None:
    for _ in range(cycles):
        report = await r.engine.sync_now(full=full)
        if report.error is None and pending_count("bitrix24") == 0:
            return
        full = full and report.pull is None
    raise AssertionError(f"not settled after {cycles} cycles: {r.engine.last_error}")


async def test_cache_and_portal_agree_after_faulty_full_sync_and_push(db) -> None:
    async with rig(companies=8, max_retries=8, timeout=0.8) as r:
        r.sandbox.set_faults(FAULTS)
        await _until_settled(r, full=True)
        assert compare_cache_with_portal(r.sandbox) == []

        editing = EditingService(db)
        for deal in Deal.select().order_by(Deal.id).limit(15):
            contacts = [c.contact_id for c in DealContact.select().where(DealContact.deal == deal.id)]
            editing.save_deal(deal.id, DealInput(title=deal.title + " (изм.)", stage_id="EXECUTING",
                                                 amount=deal.amount + Decimal("1000.50"), company_id=deal.company_id,
                                                 contact_ids=contacts, responsible_id=deal.responsible_id))
        made = []
        for i in range(8):
            c = editing.save_contact(None, ContactInput(name=f"Имя{i}", last_name="Новиков", phones=[
                PhoneInput(f"8 916 700-00-{i:02d}", "MOBILE")]))
            made.append(c.id)
            editing.save_deal(None, DealInput(title=f"Сделка {i}", amount=Decimal(i * 1000), contact_ids=[c.id]))
        await _until_settled(r)
        assert sum(r.sandbox.stats.faults.values()) > 0  # the faults really happened

        r.sandbox.set_faults(FaultConfig())
        await _until_settled(r)  # pull our own changes back, as the next timer tick would
        assert compare_cache_with_portal(r.sandbox) == []
        for model, entity in ((Contact, "contact"), (Deal, "deal")):
            origins = Counter(x.get("ORIGIN_ID") for x in r.sandbox.rows(entity) if x.get("ORIGINATOR_ID") == "kapusta")
            assert origins and max(origins.values()) == 1, f"duplicate {entity} creates"
            assert model.select().where(model.sync_state != "synced").count() == 0
        assert all(Contact.get_by_id(cid).b24_id for cid in made)
