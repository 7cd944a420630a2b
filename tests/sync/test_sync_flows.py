"""Whole sync flows: the real client over loopback HTTP against the Bitrix24 sandbox."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kapusta_desktop.domain.events import DealStageChanged
from kapusta_desktop.services.editing import ContactInput, DealInput, EditingService, PhoneInput
from kapusta_desktop.services.sync import actions
from kapusta_desktop.services.sync.cache import now_utc
from kapusta_desktop.store.models import Contact, Deal, DealContact, OutboxEntry, Phone
from tests.sync.helpers import compare_cache_with_portal, rig

pytestmark = pytest.mark.anyio


def _deal_input(deal: Deal, **changes) -> DealInput:
    contacts = [c.contact_id for c in DealContact.select().where(DealContact.deal == deal.id)]
    data = DealInput(
        title=deal.title,
        stage_id=deal.stage_id,
        amount=deal.amount,
        currency=deal.currency,
        company_id=deal.company_id,
        contact_ids=contacts,
        responsible_id=deal.responsible_id,
        comment=deal.comment,
    )
    for k, v in changes.items():
        setattr(data, k, v)
    return data


async def test_full_pull_mirrors_the_portal_and_idle_pull_costs_one_request(db) -> None:
    async with rig() as r:
        report = await r.engine.sync_now(full=True)
        assert report.ok, report.error
        assert compare_cache_with_portal(r.sandbox) == []
        assert Phone.select().where(Phone.owner_type == "contact", Phone.e164.is_null(False)).count() > 0
        before = r.sandbox.stats.requests
        idle = await r.engine.sync_now()
        assert idle.ok and r.sandbox.stats.requests - before == 1
        assert idle.pull is not None and idle.pull.created == 0
        # Past the look-back period the pull asks strictly for newer rows: nothing comes back at all.
        later = now_utc() + dt.timedelta(seconds=61)
        r.engine.puller.clock = lambda: later
        quiet = await r.engine.puller.incremental()
        assert sum(quiet.rows.values()) == 0
        deal = Deal.select().first()
        r.sandbox.act_update("deal", deal.b24_id, {"TITLE": "Изменено в Битрикс24"}, user_id=2)
        changed = await r.engine.puller.incremental()
        assert changed.rows["deal"] == 1 and Deal.get_by_id(deal.id).title == "Изменено в Битрикс24"


async def test_offline_edit_arrives_exactly_once_when_the_portal_is_back(db) -> None:
    async with rig(max_retries=0) as r:
        await r.engine.sync_now(full=True)
        deal = Deal.select().order_by(Deal.id).first()
        EditingService(db).save_deal(deal.id, _deal_input(deal, title="Охрана склада — новая"))
        await r.sandbox.stop()
        offline = await r.engine.sync_now()
        assert offline.error and r.engine.online is False
        assert Deal.get_by_id(deal.id).sync_state == "pending"
        assert OutboxEntry.select().where(OutboxEntry.state == "pending").count() == 1
        await r.sandbox.start()  # same port: the portal is back
        back = await r.engine.sync_now()
        assert back.ok, back.error
        assert r.engine.online is True
        assert r.sandbox.row("deal", deal.b24_id)["TITLE"] == "Охрана склада — новая"
        assert r.sandbox.stats.commands["crm.deal.update"] == 1
        again = await r.engine.sync_now()
        assert again.ok and r.sandbox.stats.commands["crm.deal.update"] == 1
        row = Deal.get_by_id(deal.id)
        assert row.sync_state == "synced" and row.base_values is None


async def test_remote_edit_of_another_field_merges(db) -> None:
    async with rig() as r:
        await r.engine.sync_now(full=True)
        deal = Deal.select().order_by(Deal.id).first()
        EditingService(db).save_deal(deal.id, _deal_input(deal, title="Мой заголовок"))
        r.sandbox.act_update("deal", deal.b24_id, {"OPPORTUNITY": "777000.00"}, user_id=3)
        # Pull first (as if the timer hit while the edit was queued), then push.
        await r.engine.puller.incremental()
        row = Deal.get_by_id(deal.id)
        assert row.title == "Мой заголовок" and row.amount == Decimal("777000.00")
        assert row.sync_state == "pending" and not row.conflicts
        await r.engine.sync_now()
        portal = r.sandbox.row("deal", deal.b24_id)
        assert portal["TITLE"] == "Мой заголовок" and Decimal(portal["OPPORTUNITY"]) == Decimal("777000.00")
        assert Deal.get_by_id(deal.id).sync_state == "synced"


async def test_same_field_edited_on_both_sides_is_a_conflict_and_both_actions_work(db) -> None:
    async with rig() as r:
        await r.engine.sync_now(full=True)
        first, second = list(Deal.select().order_by(Deal.id).limit(2))
        editing = EditingService(db)
        for deal in (first, second):
            editing.save_deal(deal.id, _deal_input(deal, title=f"Моё {deal.id}"))
            r.sandbox.act_update("deal", deal.b24_id, {"TITLE": f"Их {deal.id}"}, user_id=3)
        await r.engine.puller.incremental()
        for deal in (first, second):
            row = Deal.get_by_id(deal.id)
            assert row.title == f"Их {deal.id}" and row.sync_state == "conflict"
            assert row.conflicts == {"title": {"mine": f"Моё {deal.id}", "theirs": f"Их {deal.id}"}}
        assert {(c.record_id, c.field) for c in actions.list_conflicts()} == {(first.id, "title"), (second.id, "title")}
        await r.engine.sync_now()  # the clash waits for the operator: Bitrix24 keeps theirs
        assert r.sandbox.row("deal", first.b24_id)["TITLE"] == f"Их {first.id}"

        actions.apply_mine_again("deal", first.id, "title")
        actions.keep_theirs("deal", second.id, "title")
        await r.engine.sync_now()
        assert r.sandbox.row("deal", first.b24_id)["TITLE"] == f"Моё {first.id}"
        assert r.sandbox.row("deal", second.b24_id)["TITLE"] == f"Их {second.id}"
        for deal in (first, second):
            row = Deal.get_by_id(deal.id)
            assert row.sync_state == "synced" and not row.conflicts
        assert actions.list_conflicts() == []


async def test_record_deleted_in_bitrix24_disappears_from_the_cache(db) -> None:
    async with rig() as r:
        await r.engine.sync_now(full=True)
        deal = Deal.select().order_by(Deal.id.desc()).first()
        contact = Contact.select().order_by(Contact.id.desc()).first()
        r.sandbox.act_delete("deal", deal.b24_id)
        r.sandbox.act_delete("contact", contact.b24_id)
        report = await r.engine.sync_now(reconcile=True)
        assert report.ok and report.reconciled >= 2
        assert Deal.get_or_none(Deal.id == deal.id) is None
        assert Contact.get_or_none(Contact.id == contact.id) is None
        assert Phone.select().where(Phone.owner_type == "contact", Phone.owner_id == contact.id).count() == 0
        assert compare_cache_with_portal(r.sandbox) == []


async def test_creates_carry_origin_and_phone_items_keep_their_ids(db) -> None:
    async with rig() as r:
        await r.engine.sync_now(full=True)
        editing = EditingService(db)
        c = editing.save_contact(
            None, ContactInput(name="Пётр", last_name="Сидоров", phones=[PhoneInput("8 (916) 555-01-02", "MOBILE")])
        )
        await r.engine.sync_now()
        c = Contact.get_by_id(c.id)
        portal = r.sandbox.row("contact", c.b24_id)
        assert portal["ORIGINATOR_ID"] == "kapusta" and portal["ORIGIN_ID"] == c.origin_id
        phone = Phone.get((Phone.owner_type == "contact") & (Phone.owner_id == c.id))
        assert phone.b24_item_id == int(portal["PHONE"][0]["ID"])
        # Change the number and add one: the first item keeps its id, the second is added.
        editing.save_contact(
            c.id,
            ContactInput(
                name="Пётр",
                last_name="Сидоров",
                phones=[
                    PhoneInput("8 (916) 555-09-09", "MOBILE", phone.b24_item_id),
                    PhoneInput("+7 495 123-45-67", "WORK"),
                ],
            ),
        )
        await r.engine.sync_now()
        items = r.sandbox.row("contact", c.b24_id)["PHONE"]
        assert (items[0]["ID"], items[0]["VALUE"]) == (str(phone.b24_item_id), "8 (916) 555-09-09")
        assert len(items) == 2
        # A lost create answer: the entry is re-sent with attempts > 0 and must find the record.
        d = editing.save_deal(None, DealInput(title="Новая сделка", contact_ids=[c.id]))
        await r.engine.sync_now()
        made = Deal.get_by_id(d.id).b24_id
        Deal.update(b24_id=None, sync_state="pending").where(Deal.id == d.id).execute()
        OutboxEntry.update(state="pending", attempts=1).where(
            OutboxEntry.entity_id == d.id, OutboxEntry.entity_type == "deal"
        ).execute()
        await r.engine.sync_now()
        assert Deal.get_by_id(d.id).b24_id == made
        assert [x["ID"] for x in r.sandbox.rows("deal") if x.get("ORIGIN_ID") == Deal.get_by_id(d.id).origin_id] == [
            str(made)
        ]


async def test_stage_change_in_bitrix24_raises_the_domain_event(db) -> None:
    async with rig() as r:
        await r.engine.sync_now(full=True)
        deal = Deal.select().where(Deal.stage_id == "NEW").first() or Deal.select().first()
        r.sandbox.act_update("deal", deal.b24_id, {"STAGE_ID": "WON"}, user_id=2)
        await r.engine.sync_now()
        changes = [e for e in r.events if isinstance(e, DealStageChanged)]
        assert [(e.deal_id, e.new_stage) for e in changes] == [(deal.id, "won")]
        assert Deal.get_by_id(deal.id).closed is True


async def test_company_site_change_keeps_the_web_item(db) -> None:
    from kapusta_desktop.services.editing import CompanyInput
    from kapusta_desktop.store.models import Company

    async with rig() as r:
        await r.engine.sync_now(full=True)
        co = Company.select().where(Company.site.is_null(False)).first()
        item = co.site_item_id
        assert item is not None
        EditingService(db).save_company(
            co.id,
            CompanyInput(title=co.title, inn=co.inn, kpp=co.kpp, site="novy-sait.ru", responsible_id=co.responsible_id),
        )
        await r.engine.sync_now()
        web = r.sandbox.row("company", co.b24_id)["WEB"]
        assert [(w["ID"], w["VALUE"]) for w in web] == [(str(item), "novy-sait.ru")]
        await r.engine.sync_now()
        assert Company.get_by_id(co.id).site == "novy-sait.ru"
        made = EditingService(db).save_company(None, CompanyInput(title="ООО Новая", site="novaya.ru"))
        await r.engine.sync_now()
        made = Company.get_by_id(made.id)
        assert made.site_item_id == int(r.sandbox.row("company", made.b24_id)["WEB"][0]["ID"])


async def test_refused_edit_can_be_retried_or_discarded(db) -> None:
    async with rig() as r:
        await r.engine.sync_now(full=True)
        deal = Deal.select().order_by(Deal.id).first()
        old_title = deal.title
        r.sandbox.act_delete("deal", deal.b24_id)  # someone deletes it; our edit is then refused
        EditingService(db).save_deal(deal.id, _deal_input(deal, title="Правка удалённой сделки"))
        report = await r.engine.sync_now()
        assert report.push.permanent == 1 and not report.ok
        row = Deal.get_by_id(deal.id)
        assert row.sync_state == "error" and row.sync_error == "deleted in Bitrix24"
        assert r.engine.status().errors == 1
        other = Deal.select().where(Deal.id != deal.id).first()  # other records are not blocked
        EditingService(db).save_deal(other.id, _deal_input(other, title="Другая правка"))
        await r.engine.sync_now()
        assert r.sandbox.row("deal", other.b24_id)["TITLE"] == "Другая правка"

        assert actions.retry("deal", deal.id) == 1
        assert Deal.get_by_id(deal.id).sync_state == "pending"
        await r.engine.sync_now()
        assert Deal.get_by_id(deal.id).sync_state == "error"
        assert actions.discard("deal", deal.id) == 1
        row = Deal.get_by_id(deal.id)
        assert row.title == old_title and row.sync_state == "synced" and row.base_values is None
        assert OutboxEntry.select().where(OutboxEntry.entity_id == deal.id, OutboxEntry.state == "discarded").count()


async def test_new_web_and_vip_deals_raise_notices(db) -> None:
    from kapusta_desktop.domain.events import VipLead, WebRequest
    from kapusta_desktop.store.models import Company

    async with rig() as r:
        await r.engine.sync_now(full=True)
        assert not [e for e in r.events if isinstance(e, WebRequest | VipLead)]  # the first sync is quiet
        vip = Company.select().where(Company.is_vip == True).first() or Company.select().first()  # noqa: E712
        Company.update(is_vip=True).where(Company.id == vip.id).execute()
        web_id = r.sandbox.act_add("deal", {"TITLE": "Заявка с сайта", "SOURCE_ID": "WEB"}, user_id=2)
        vip_id = r.sandbox.act_add("deal", {"TITLE": "Крупный клиент", "COMPANY_ID": vip.b24_id}, user_id=2)
        await r.engine.sync_now()
        assert [e.b24_id for e in r.events if isinstance(e, WebRequest)] == [web_id]
        vips = [e for e in r.events if isinstance(e, VipLead)]
        assert [(e.b24_id, e.reason) for e in vips] == [(vip_id, "vip company")]


async def test_local_delete_reaches_bitrix24_and_leaves_the_cache(db) -> None:
    async with rig() as r:
        await r.engine.sync_now(full=True)
        contact = Contact.select().order_by(Contact.id).first()
        editing = EditingService(db)
        editing.delete("contact", contact.id)
        never_sent = editing.save_deal(None, DealInput(title="Черновик"))
        editing.delete("deal", never_sent.id)
        report = await r.engine.sync_now()
        assert report.ok, report.error
        assert r.sandbox.row("contact", contact.b24_id) is None
        assert Contact.get_or_none(Contact.id == contact.id) is None
        assert Deal.get_or_none(Deal.id == never_sent.id) is None
        assert r.sandbox.stats.commands["crm.deal.add"] == 0  # created and deleted before it ever went out


async def test_a_refused_webhook_is_an_error_not_offline(db) -> None:
    from kapusta_desktop.integrations.bitrix24.auth import WebhookAuth
    from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
    from kapusta_desktop.services.bus import EventBus
    from kapusta_desktop.services.sync.engine import SyncEngine

    async with rig() as r:
        bad = r.sandbox.webhook_url.replace(f"/{r.sandbox.webhook_code}/", "/wrongcode123/")
        client = Bitrix24Client(WebhookAuth(bad), max_retries=0)
        engine = SyncEngine(client, EventBus())
        report = await engine.sync_now()
        await client.aclose()
        assert report.error and "NO_AUTH_FOUND" in report.error and "wrongcode123" not in report.error
        assert engine.status().refused is True
