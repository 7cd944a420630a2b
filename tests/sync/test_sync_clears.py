"""Clearing a list (a deal's contacts, a task's CRM bindings) must reach Bitrix24 through a batch."""

from __future__ import annotations

import pytest

from kapusta_desktop.integrations.bitrix24.encoding import batch_command
from kapusta_desktop.services.editing import DealInput, EditingService, TaskInput
from kapusta_desktop.store.models import Deal, DealContact, Task
from tests.sync.helpers import rig

pytestmark = pytest.mark.anyio


def _deal_input(deal: Deal, **changes) -> DealInput:
    contacts = [c.contact_id for c in DealContact.select().where(DealContact.deal == deal.id)]
    data = DealInput(title=deal.title, stage_id=deal.stage_id, amount=deal.amount, currency=deal.currency,
                     company_id=deal.company_id, contact_ids=contacts, responsible_id=deal.responsible_id,
                     comment=deal.comment)
    for k, v in changes.items():
        setattr(data, k, v)
    return data


def test_an_empty_list_vanishes_from_a_batch_command() -> None:
    # Why the clears below need their own form: PHP-style encoding has no way to say "[]".
    assert batch_command("crm.deal.update", {"id": 5, "fields": {"CONTACT_IDS": []}}) == "crm.deal.update?id=5"
    assert batch_command("tasks.task.update", {"fields": {"UF_CRM_TASK": [""]}}) == \
        "tasks.task.update?fields%5BUF_CRM_TASK%5D%5B0%5D="


async def test_clearing_contacts_and_bindings_reaches_the_portal(db) -> None:
    async with rig() as r:
        await r.engine.sync_now(full=True)
        editing = EditingService(db)
        linked = [d for d in Deal.select().order_by(Deal.id)
                  if DealContact.select().where(DealContact.deal == d.id).exists()]
        only_links, with_title = linked[0], linked[1]
        assert r.sandbox.state.deal_contacts[only_links.b24_id] and r.sandbox.state.deal_contacts[with_title.b24_id]
        editing.save_deal(only_links.id, _deal_input(only_links, contact_ids=[]))  # just the links
        editing.save_deal(with_title.id, _deal_input(with_title, contact_ids=[], title="Без контактов"))
        report = await r.engine.sync_now()
        assert report.ok, report.error
        for deal in (only_links, with_title):
            assert r.sandbox.state.deal_contacts[deal.b24_id] == []
            assert not r.sandbox.row("deal", deal.b24_id)["CONTACT_ID"]
            assert Deal.get_by_id(deal.id).sync_state == "synced"
            assert not DealContact.select().where(DealContact.deal == deal.id).exists()  # the pull agrees
        assert r.sandbox.row("deal", with_title.b24_id)["TITLE"] == "Без контактов"

        task = Task.select().where(Task.deal.is_null(False)).order_by(Task.id).first()
        assert r.sandbox.row("task", task.b24_id)["UF_CRM_TASK"]
        editing.save_task(task.id, TaskInput(title=task.title, deadline=task.deadline,
                                             responsible_id=task.responsible_id, deal_id=None,
                                             description=task.description, status=task.status))
        report = await r.engine.sync_now()
        assert report.ok, report.error
        assert r.sandbox.row("task", task.b24_id)["UF_CRM_TASK"] == []
