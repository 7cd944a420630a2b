from __future__ import annotations

import random
from typing import Any

import httpx
import pytest

from kapusta_desktop.domain.events import MissedCall
from kapusta_desktop.integrations.mango.events import parse_event
from kapusta_desktop.integrations.mango.listener import MangoListener
from kapusta_desktop.integrations.mango.signing import compact_json, sign, signed_form
from kapusta_desktop.sandbox.mango import scenarios
from kapusta_desktop.sandbox.mango.scenarios import ScriptedEvent
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.call_desk import (
    CallAnswered,
    CallbackOutcome,
    CallDesk,
    CallEnded,
    CallerUpdated,
    CallLogged,
    CallRinging,
    MissedCallsChanged,
)
from kapusta_desktop.services.caller_lookup import REASON_COMPANY_LINE, REASON_EXACT
from kapusta_desktop.services.sync.status import RecordsChanged
from kapusta_desktop.store.models import CallRecord, OutboxEntry, Stage, Task, UserManager
from kapusta_desktop.store.setting_values import set_value
from tests.services.calls_fixtures import add_phone, build_cache

KEY, SALT = "desk-key", "desk-salt"


class Recorder:
    def __init__(self, bus: EventBus) -> None:
        self.events: list[Any] = []
        for kind in (CallRinging, CallAnswered, CallEnded, CallLogged, CallerUpdated, CallbackOutcome,
                     MissedCallsChanged, MissedCall):
            bus.subscribe(kind, self.events.append)

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]


@pytest.fixture
def desk(db: object) -> tuple[CallDesk, Recorder]:
    bus = EventBus()
    rec = Recorder(bus)
    set_value("mango.desk_extensions", ["101", "103"])
    return CallDesk(bus, db), rec  # type: ignore[arg-type]


def feed(desk: CallDesk, events: list[ScriptedEvent]) -> None:
    for e in events:
        desk.handle(parse_event(e.route, e.payload))


def log_entries() -> list[OutboxEntry]:
    return list(OutboxEntry.select().where(OutboxEntry.op == "log_call"))


@pytest.mark.anyio
async def test_forged_sign_gets_403_no_popup_nothing_stored(desk: tuple[CallDesk, Recorder]) -> None:
    d, rec = desk
    build_cache()
    lst = MangoListener(api_key=KEY, api_salt=SALT, on_event=d.handle, port=0)
    await lst.start()
    try:
        async with httpx.AsyncClient() as http:
            for e in scenarios.incoming(client="79161234567", extension="101", rng=random.Random(1)):
                text = compact_json(e.payload)
                form = {"vpbx_api_key": KEY, "sign": sign(KEY, text, "not-the-salt"), "json": text}
                r = await http.post(f"{lst.url}/{e.route}", data=form)
                assert r.status_code == 403
    finally:
        await lst.stop()
    assert rec.events == []
    assert CallRecord.select().count() == 0 and OutboxEntry.select().count() == 0


@pytest.mark.anyio
async def test_answered_call_through_the_listener(desk: tuple[CallDesk, Recorder]) -> None:
    d, rec = desk
    cache = build_cache()
    lst = MangoListener(api_key=KEY, api_salt=SALT, on_event=d.handle, port=0)
    await lst.start()
    try:
        async with httpx.AsyncClient() as http:
            for e in scenarios.incoming(client="79161234567", extension="101", rng=random.Random(2)):
                r = await http.post(f"{lst.url}/{e.route}", data=signed_form(KEY, SALT, e.payload))
                assert r.status_code == 200
    finally:
        await lst.stop()
    [ring] = rec.of(CallRinging)
    card = ring.card
    assert card.best.kind == "contact" and card.best.id == cache.contact.id and card.best.reason == REASON_EXACT
    assert card.best.name == "Сергеев Пётр" and card.best.company_name == "ООО «Ромашка»" and card.is_vip
    assert [dl.title for dl in card.best.deals] == ["Охрана склада"]
    assert card.best.deals[0].stage_name == "Подготовка документов"
    assert card.best.responsible_name == "Мария Петрова"  # the open deal's manager
    assert card.display == "+7 916 123-45-67"
    assert len(rec.of(CallAnswered)) == 1 and len(rec.of(CallEnded)) == 1
    [record] = CallRecord.select()
    assert record.result == "answered" and record.talk_seconds == 60 and record.contact_id == cache.contact.id
    assert record.deal_id == cache.deal.id and record.e164 == "+79161234567" and record.manager_id == cache.ivanov.id
    [entry] = log_entries()
    assert entry.key == f"call-log:{record.entry_id}" and entry.entity_id == record.id


def test_a_sync_refreshes_the_stage_and_manager_names_of_the_next_card(desk: tuple[CallDesk, Recorder]) -> None:
    d, _rec = desk
    build_cache()
    card = d.lookup.card("79161234567")
    assert card.best.deals[0].stage_name == "Подготовка документов" and card.best.responsible_name == "Мария Петрова"
    Stage.update(name="Документы готовятся").where(Stage.status_id == "PREPARATION").execute()
    UserManager.update(name="Мария Петрова-Сидорова").where(UserManager.name == "Мария Петрова").execute()
    d.bus.publish(RecordsChanged(frozenset({"deal"})))  # what the sync engine publishes after each cycle
    card = d.lookup.card("79161234567")
    assert card.best.deals[0].stage_name == "Документы готовятся"
    assert card.best.responsible_name == "Мария Петрова-Сидорова"


@pytest.mark.parametrize("seed", range(8))
def test_duplicates_and_shuffled_order_make_one_call(desk: tuple[CallDesk, Recorder], seed: int) -> None:
    d, rec = desk
    build_cache()
    rng = random.Random(seed)
    events = scenarios.incoming(client="79161234567", extension="101", rng=rng)
    feed(d, scenarios.shuffle_and_duplicate(events, rng, duplicates=1.0, keep_summary_last=True))
    [record] = CallRecord.select()
    assert record.result == "answered" and record.talk_seconds == 60
    assert len(rec.of(CallRinging)) <= 1 and len(rec.of(CallLogged)) == 1
    assert len(log_entries()) == 1


def test_queue_with_three_legs_pops_once_per_desk_extension_and_logs_once(desk: tuple[CallDesk, Recorder]) -> None:
    d, rec = desk
    build_cache()
    feed(d, scenarios.queue(client="74951234567", extensions=["101", "102", "103"], answered_by="102",
                            rng=random.Random(3)))
    assert sorted(r.extension for r in rec.of(CallRinging)) == ["101", "103"]  # this desk: 101 and 103
    assert {r.card.best.reason for r in rec.of(CallRinging)} == {REASON_COMPANY_LINE}
    assert sorted(e.extension for e in rec.of(CallEnded)) == ["101", "103"]
    assert rec.of(CallAnswered) == []  # a colleague at 102 answered
    [record] = CallRecord.select()
    assert record.result == "answered" and record.extension == "102"
    assert len(log_entries()) == 1 and rec.of(MissedCall) == []


def test_unknown_number(desk: tuple[CallDesk, Recorder]) -> None:
    d, rec = desk
    build_cache()
    feed(d, scenarios.incoming(client="79990001122", extension="101", rng=random.Random(4)))
    [ring] = rec.of(CallRinging)
    assert ring.card.matches == () and ring.card.e164 == "+79990001122" and ring.card.display == "+7 999 000-11-22"
    [record] = CallRecord.select()
    assert record.contact_id is None and record.e164 == "+79990001122"
    contact = d.create_contact_from_call(ring.entry_id, ring.card, name="Новый клиент", with_deal=True)
    assert contact.id and d.lookup.card("79990001122").best.id == contact.id
    assert d.lookup.card("79990001122").best.deals[0].title.startswith("Звонок")


def test_missed_call_queues_a_task_raises_the_event_and_closes_on_a_later_answer(
    desk: tuple[CallDesk, Recorder],
) -> None:
    d, rec = desk
    cache = build_cache()
    feed(d, scenarios.incoming(client="79161234567", extension="101", answered=False, rng=random.Random(5)))
    [missed] = rec.of(MissedCall)
    assert missed.caller == "Сергеев Пётр" and missed.deal_id == cache.deal.id and missed.number == "+79161234567"
    [record] = d.missed_calls()
    task = Task.get_by_id(record.callback_task_id)
    assert task.responsible_id == cache.petrova.id and task.deal_id == cache.deal.id and task.sync_state == "pending"
    assert task.title.startswith("Перезвонить")
    assert OutboxEntry.select().where(OutboxEntry.entity_type == "task", OutboxEntry.op == "create").count() == 1
    assert missed.responsible_id == cache.petrova.id
    # A later outgoing call that connects closes the missed call.
    feed(d, scenarios.outgoing(extension="101", client="79161234567", start=1_767_260_000, rng=random.Random(6)))
    assert d.missed_calls() == [] and len(d.missed_calls(open_only=False)) == 1
    assert rec.of(CallRinging)[-1].entry_id != rec.of(CallLogged)[-1].entry_id  # the outgoing call did not pop up


def test_missed_unknown_caller_falls_back_to_the_extension_then_the_default(desk: tuple[CallDesk, Recorder]) -> None:
    d, _ = desk
    cache = build_cache()
    feed(d, scenarios.incoming(client="79990001122", extension="102", answered=False, rng=random.Random(7)))
    assert Task.get_by_id(d.missed_calls()[0].callback_task_id).responsible_id == cache.petrova.id
    set_value("mango.default_manager_id", cache.ivanov.id)
    feed(d, scenarios.incoming(client="79990001133", extension="199", answered=False, rng=random.Random(8)))
    assert Task.get_by_id(d.missed_calls()[0].callback_task_id).responsible_id == cache.ivanov.id


def test_replaying_a_whole_call_logs_it_once_even_with_a_fresh_desk(desk: tuple[CallDesk, Recorder], db: Any) -> None:
    d, rec = desk
    build_cache()
    events = scenarios.incoming(client="79161234567", extension="101", answered=False, rng=random.Random(9))
    feed(d, events)
    feed(d, events)
    restarted = CallDesk(EventBus(), db)  # after a restart the tracker is empty: the store still knows
    feed(restarted, events)
    assert CallRecord.select().count() == 1 and len(log_entries()) == 1
    assert Task.select().count() == 1 and len(rec.of(MissedCall)) == 1


@pytest.mark.parametrize(
    "stored", ["8 (916) 123-45-67", "+7 916 1234567", "79161234567", "+7(916)123-45-67", "8-916-123-45-67 доб. 5"]
)
def test_popup_finds_the_contact_for_numbers_stored_in_any_format(desk: tuple[CallDesk, Recorder], stored: str) -> None:
    d, rec = desk
    cache = build_cache(contact_phone=stored)
    feed(d, scenarios.incoming(client="79161234567", extension="103", rng=random.Random(10)))
    [ring] = rec.of(CallRinging)
    assert ring.card.best.id == cache.contact.id and ring.card.best.kind == "contact"


def test_several_matches_list_and_the_choice_is_remembered(desk: tuple[CallDesk, Recorder]) -> None:
    d, _ = desk
    cache = build_cache()
    add_phone("contact", cache.other_contact.id, "+7 916 123-45-67")  # a shared mobile
    card = d.lookup.card("79161234567")
    assert {m.id for m in card.matches} == {cache.contact.id, cache.other_contact.id} and not card.remembered
    chosen = next(m for m in card.matches if m.id == cache.other_contact.id)
    d.choose_match(None, card, chosen)
    again = d.lookup.card("79161234567")
    assert again.best.id == cache.other_contact.id and again.remembered


def test_callback_outcome_and_transfer(desk: tuple[CallDesk, Recorder]) -> None:
    d, rec = desk
    build_cache()
    feed(d, scenarios.callback(extension="101", client="79161234567", command_id="cb-1", rng=random.Random(11)))
    [outcome] = rec.of(CallbackOutcome)
    assert outcome.ok and outcome.command_id == "cb-1" and outcome.code == 1000
    assert rec.of(CallRinging) == []  # the operator started it: no pop-up
    record = CallRecord.get(CallRecord.command_id == "cb-1")
    assert record.direction == 2 and record.result == "answered"
    feed(d, scenarios.transfer(client="79161234567", first="102", second="101", rng=random.Random(12)))
    [ring] = rec.of(CallRinging)
    assert ring.extension == "101" and ring.transferred
    assert CallRecord.select().count() == 2


def test_task_templates(desk: tuple[CallDesk, Recorder]) -> None:
    d, _ = desk
    cache = build_cache()
    task = d.create_task_from_template("send_offer", deal_id=cache.deal.id)
    assert task.title.startswith("Отправить коммерческое предложение") and task.responsible_id == cache.petrova.id
    with pytest.raises(ValueError):
        d.create_task_from_template("dance", deal_id=cache.deal.id)
