"""Tender flows: deal/company/contact made once, amount propagation, status ↔ stage, deadlines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kapusta_desktop.domain.events import DealStageChanged, TenderCreated, TenderDeadlineNear
from kapusta_desktop.domain.stages import DEFAULT_STAGES, derive_kapusta_stage
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.editing import EditingService, ValidationError
from kapusta_desktop.services.tenders import (
    LEAD_HOURS_SETTING,
    ContactPersonInput,
    CustomerInput,
    LineValues,
    TenderInput,
    TenderService,
)
from kapusta_desktop.store.models import (
    CalculationGroup,
    Company,
    Contact,
    Deal,
    DealContact,
    GuardCalcLine,
    OutboxEntry,
    Phone,
    Pipeline,
    Stage,
    Tender,
    UserManager,
)
from kapusta_desktop.store.setting_values import set_value

D = Decimal
NOW = dt.datetime(2026, 3, 2, 9, 0)
SBER_INN = "7707083893"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def bus() -> EventBus:
    return EventBus()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(db, bus: EventBus, clock: Clock) -> TenderService:
    svc = TenderService(db, bus, EditingService(db, clock=clock), clock=clock)
    svc.start()
    yield svc
    svc.stop()


def _events(bus: EventBus, kind: type) -> list:
    seen: list = []
    bus.subscribe(kind, seen.append)
    return seen


def _seed_stages() -> None:
    pipeline = Pipeline.create(b24_id=0, name="Общая")
    mapping = derive_kapusta_stage(DEFAULT_STAGES)
    for s in DEFAULT_STAGES:
        Stage.create(
            pipeline=pipeline,
            status_id=s.status_id,
            name=s.name,
            sort=s.sort,
            semantics=s.semantics,
            kapusta_stage=mapping[s.status_id],
        )


def _as_synced(*rows: object) -> None:
    """What a successful push leaves behind: rows synced, their outbox entries done."""
    for i, row in enumerate(rows, start=1):
        row.sync_state = "synced"
        row.b24_id = 1000 + i
        row.base_values = None
        row.save()
    OutboxEntry.update(state="done").execute()


def _tender_input(**kw: object) -> TenderInput:
    base = dict(
        number="0373100012324000117",
        title="Охрана административных зданий",
        platform="zakupki.gov.ru",
        link="https://zakupki.gov.ru/epz/order/notice/ea20/view/common-info.html?regNumber=0373100012324000117",
        deadline=dt.datetime(2026, 3, 10, 7, 0),
        max_price="6 500 000,00",
    )
    base.update(kw)
    return TenderInput(**base)  # type: ignore[arg-type]


CUSTOMER = CustomerInput(title="ПАО Сбербанк", inn=SBER_INN, kpp="773601001", phone="+7 495 500-55-50")
PERSON = ContactPersonInput(
    name="Ирина",
    last_name="Смирнова",
    position="Контрактный управляющий",
    phone="8 (916) 123-45-67",
    email="smirnova@example.ru",
)


def test_tender_creates_deal_company_and_contact_exactly_once(service: TenderService, bus: EventBus) -> None:
    created = _events(bus, TenderCreated)
    first = service.create_tender(_tender_input(), customer=CUSTOMER, contact=PERSON)
    again = service.create_tender(_tender_input(), customer=CUSTOMER, contact=PERSON)

    assert first.created and not again.created
    assert Tender.select().count() == 1 and Deal.select().count() == 1
    assert Company.select().count() == 1 and Contact.select().count() == 1
    assert again.tender.id == first.tender.id and again.deal.id == first.deal.id

    deal = Deal.get()
    assert deal.sync_state == "pending" and deal.company_id == Company.get().id
    assert deal.amount == D("6500000.00")  # the maximum price until a calculation is chosen
    assert deal.title.startswith("Тендер № 0373100012324000117")
    assert [link.contact_id for link in DealContact.select()] == [Contact.get().id]
    assert Tender.get().customer_id == Company.get().id
    assert Contact.get().company_id == Company.get().id

    entries = [(e.entity_type, e.op, e.entity_id) for e in OutboxEntry.select().order_by(OutboxEntry.id)]
    assert entries == [
        ("company", "create", Company.get().id),
        ("contact", "create", Contact.get().id),
        ("deal", "create", deal.id),
    ]
    assert [e.tender_id for e in created] == [first.tender.id]
    assert created[0].customer == "ПАО Сбербанк" and created[0].max_price == D("6500000.00")
    assert created[0].deadline == dt.datetime(2026, 3, 10, 7, 0, tzinfo=dt.UTC)


def test_existing_company_by_inn_and_contact_by_phone_are_reused(service: TenderService) -> None:
    company = Company.create(title="Сбербанк", inn=SBER_INN, b24_id=77)
    contact = Contact.create(name="Ирина", last_name="Смирнова", b24_id=88)
    Phone.create(owner_type="contact", owner_id=contact.id, raw="+79161234567", e164="+79161234567")

    result = service.create_tender(_tender_input(), customer=CUSTOMER, contact=PERSON)

    assert result.company.id == company.id and result.contact.id == contact.id
    assert Company.select().count() == 1 and Contact.select().count() == 1
    assert [(e.entity_type, e.op) for e in OutboxEntry.select()] == [("deal", "create")]
    assert Deal.get().company_id == company.id


def test_company_without_inn_is_found_by_phone(service: TenderService) -> None:
    company = Company.create(title="Охрана-Сервис", b24_id=5)
    Phone.create(owner_type="company", owner_id=company.id, raw="+74955005550", e164="+74955005550")
    result = service.create_tender(_tender_input(), customer=CustomerInput(title="ООО Охрана", phone="84955005550"))
    assert result.company.id == company.id and Company.select().count() == 1


def test_a_bad_customer_rolls_the_whole_tender_back(service: TenderService, bus: EventBus) -> None:
    created = _events(bus, TenderCreated)
    with pytest.raises(ValidationError) as info:
        service.create_tender(_tender_input(), customer=CustomerInput(title="ООО Ромашка", inn="1234567890"))
    assert "customer.inn" in info.value.errors
    assert Tender.select().count() == 0 and Deal.select().count() == 0 and OutboxEntry.select().count() == 0
    assert created == []


def test_tender_input_errors_name_each_field(service: TenderService) -> None:
    with pytest.raises(ValidationError) as info:
        service.create_tender(
            _tender_input(
                number=" ",
                title="",
                link="zakupki",
                max_price="-1",
                currency="рубли",
                published=dt.date(2026, 3, 20),
                responsible_id=999,
            )
        )
    assert set(info.value.errors) == {"number", "title", "link", "max_price", "currency", "deadline", "responsible_id"}


def test_tender_without_deal_then_ensure_deal(service: TenderService) -> None:
    result = service.create_tender(_tender_input(), customer=CUSTOMER, create_deal=False)
    assert result.deal is None and Deal.select().count() == 0
    assert [(e.entity_type, e.op) for e in OutboxEntry.select()] == [("company", "create")]
    made = service.ensure_deal(result.tender.id, contact=PERSON)
    assert made.deal is not None and made.deal.company_id == result.company.id
    assert service.ensure_deal(result.tender.id).deal.id == made.deal.id
    assert Deal.select().count() == 1 and Company.select().count() == 1


def _lines() -> list[LineValues]:
    return [
        LineValues(
            site_name="КПП", posts=2, months=12, hourly_rate=D("250"), extra_costs=D("15000"), margin_pct=D("15")
        ),
        LineValues(site_name="Патруль", days_per_month=D("1"), months=1, hourly_rate=D("100"), vat=False),
    ]


def test_choosing_a_group_moves_the_deal_amount_through_the_outbox(service: TenderService) -> None:
    result = service.create_tender(_tender_input(), customer=CUSTOMER, contact=PERSON)
    _as_synced(result.deal, result.company, result.contact)
    group = service.new_group(tender_id=result.tender.id, name="Базовый")
    service.save_lines(group.id, _lines())
    assert OutboxEntry.select().where(OutboxEntry.state == "pending").count() == 0  # not chosen yet

    deal = service.choose_group(group.id)

    # At the default 22%: КПП 4985250 + 1096755 VAT = 6082005.00; Патруль 2400.00 without VAT.
    assert deal.amount == D("6082005.00") + D("2400.00")
    fresh = Deal.get_by_id(deal.id)
    assert fresh.sync_state == "pending" and fresh.amount == D("6084405.00")
    assert fresh.base_values == {"amount": "6500000.00"}
    pending = list(OutboxEntry.select().where(OutboxEntry.state == "pending"))
    assert [(e.entity_type, e.entity_id, e.op, e.payload["fields"]) for e in pending] == [
        ("deal", deal.id, "update", ["amount"])
    ]
    assert Tender.get().status == "calculated"
    assert CalculationGroup.get_by_id(group.id).is_chosen

    service.choose_group(group.id)  # same total again: nothing new to push
    assert OutboxEntry.select().where(OutboxEntry.state == "pending").count() == 1


def test_editing_the_chosen_group_and_choosing_another_version(service: TenderService) -> None:
    result = service.create_tender(_tender_input(), customer=CUSTOMER)
    group = service.new_group(tender_id=result.tender.id, name="Базовый")
    service.save_lines(group.id, _lines())
    service.choose_group(group.id)
    v2 = service.new_version(group.id)
    assert (v2.name, v2.version, v2.is_chosen) == ("Базовый", 2, False)
    assert [
        ln.site_name for ln in GuardCalcLine.select().where(GuardCalcLine.group == v2).order_by(GuardCalcLine.position)
    ] == ["КПП", "Патруль"]

    cheaper = _lines()[:1]
    service.save_lines(v2.id, cheaper)
    assert Deal.get().amount == D("6084405.00")  # v2 is not chosen: the deal keeps v1's total (22% VAT)
    service.choose_group(v2.id)
    assert Deal.get().amount == D("6082005.00")  # КПП alone: 4985250 × 1.22
    assert [g.is_chosen for g in CalculationGroup.select().order_by(CalculationGroup.version)] == [False, True]

    service.save_lines(v2.id, [*cheaper, LineValues(site_name="Ночь", hourly_rate=D("10"), months=1)])
    assert Deal.get().amount == D("6082005.00") + D("8784.00")  # 720 h × 10 = 7200 + 22% VAT (1584)


def test_bad_lines_are_refused_with_their_position(service: TenderService) -> None:
    group = service.new_group(tender_id=service.create_tender(_tender_input()).tender.id, name="A")
    with pytest.raises(ValidationError) as info:
        service.save_lines(group.id, [LineValues(), LineValues(hours_per_day=D("25"))])
    assert list(info.value.errors) == ["lines.1.hours_per_day"]
    assert GuardCalcLine.select().count() == 0


def test_status_moves_the_deal_stage(service: TenderService) -> None:
    _seed_stages()
    result = service.create_tender(_tender_input(), customer=CUSTOMER)
    deal = result.deal
    assert deal.stage_id == "NEW"
    _as_synced(deal, result.company)

    change = service.set_status(result.tender.id, "submitted")
    assert change.deal_moved_to == "PREPAYMENT_INVOICE"  # the first stage mapped to "sent"
    assert Deal.get_by_id(deal.id).stage_id == "PREPAYMENT_INVOICE"
    entries = list(OutboxEntry.select().where(OutboxEntry.state == "pending"))
    assert [(e.op, e.payload["fields"]) for e in entries] == [("update", ["stage_id"])]

    assert service.set_status(result.tender.id, "lost").deal_moved_to == "LOSE"  # failure before apology
    assert service.set_status(result.tender.id, "won").deal_moved_to == "WON"
    assert service.set_status(result.tender.id, "analysis").deal_moved_to is None  # no deal stage means that
    assert Deal.get_by_id(deal.id).stage_id == "WON"


def test_status_without_stage_rows_uses_the_default_pipeline(service: TenderService) -> None:
    result = service.create_tender(_tender_input(status="submitted"), customer=CUSTOMER)
    assert result.deal.stage_id == "PREPAYMENT_INVOICE"
    assert service.set_status(result.tender.id, "won").deal_moved_to == "WON"


def test_a_pipeline_without_a_matching_stage_leaves_the_deal_and_says_why(service: TenderService) -> None:
    pipeline = Pipeline.create(b24_id=3, name="Без отказов")
    Stage.create(pipeline=pipeline, status_id="C3:NEW", name="Новая", kapusta_stage="new")
    result = service.create_tender(_tender_input(), create_deal=False)
    deal = Deal.create(title="Сделка", pipeline_id=3, stage_id="C3:NEW")
    Tender.update(deal=deal).where(Tender.id == result.tender.id).execute()
    change = service.set_status(result.tender.id, "lost")
    assert change.deal_moved_to is None and "pipeline 3" in change.note
    assert Tender.get().status == "lost" and Deal.get_by_id(deal.id).stage_id == "C3:NEW"


def test_deal_stage_from_bitrix24_moves_the_tender(service: TenderService, bus: EventBus) -> None:
    _seed_stages()
    result = service.create_tender(_tender_input(), customer=CUSTOMER)
    _as_synced(result.deal, result.company)
    bus.publish(
        DealStageChanged(
            deal_id=result.deal.id,
            b24_id=1001,
            title="t",
            old_stage="sent",
            new_stage="won",
            amount=D("1"),
            currency="RUB",
            company=None,
            responsible_id=None,
        )
    )
    assert Tender.get().status == "won"
    assert OutboxEntry.select().where(OutboxEntry.state == "pending").count() == 0  # the deal is not touched back
    bus.publish(
        DealStageChanged(
            deal_id=result.deal.id,
            b24_id=1001,
            title="t",
            old_stage="won",
            new_stage="inwork",
            amount=D("1"),
            currency="RUB",
            company=None,
            responsible_id=None,
        )
    )
    assert Tender.get().status == "won"  # "in work" means nothing for a tender


def test_follow_deal_stages_catches_up(service: TenderService) -> None:
    _seed_stages()
    result = service.create_tender(_tender_input(), customer=CUSTOMER)
    Deal.update(stage_id="LOSE").where(Deal.id == result.deal.id).execute()  # as a pull would
    assert service.follow_deal_stages() == 1
    assert Tender.get().status == "lost"
    assert service.follow_deal_stages() == 0


def test_follow_deal_stages_before_the_first_sync_uses_the_default_pipeline(service: TenderService) -> None:
    result = service.create_tender(_tender_input(), customer=CUSTOMER)  # no Stage rows: never synced
    Deal.update(stage_id="WON").where(Deal.id == result.deal.id).execute()
    assert service.follow_deal_stages() == 1
    assert Tender.get().status == "won"
    assert service.follow_deal_stages() == 0


def test_deadline_near_is_raised_once_per_deadline(service: TenderService, bus: EventBus, clock: Clock) -> None:
    near = _events(bus, TenderDeadlineNear)
    manager = UserManager.create(name="Пётр")
    t = service.create_tender(_tender_input(deadline=NOW + dt.timedelta(hours=10), responsible_id=manager.id)).tender
    service.create_tender(_tender_input(number="2", deadline=NOW + dt.timedelta(days=5)))
    service.create_tender(_tender_input(number="3", deadline=NOW - dt.timedelta(hours=1)))  # already overdue
    service.create_tender(_tender_input(number="4", deadline=NOW + dt.timedelta(hours=2), status="submitted"))

    assert [e.tender_id for e in service.check_deadlines()] == [t.id]
    assert service.check_deadlines() == []
    assert near[0].deadline == (NOW + dt.timedelta(hours=10)).replace(tzinfo=dt.UTC)
    assert near[0].responsible_id == manager.id and near[0].number == "0373100012324000117"

    # A moved deadline earns a new notice.
    Tender.update(deadline=NOW + dt.timedelta(hours=20)).where(Tender.id == t.id).execute()
    assert len(service.check_deadlines()) == 1
    assert len(near) == 2


def test_deadline_lead_time_is_a_setting(service: TenderService, clock: Clock) -> None:
    service.create_tender(_tender_input(deadline=NOW + dt.timedelta(hours=10)))
    set_value(LEAD_HOURS_SETTING, 6)
    assert service.check_deadlines() == []
    clock.now = NOW + dt.timedelta(hours=5)
    assert len(service.check_deadlines()) == 1


def test_update_tender_checks_number_clash_and_moves_stage(service: TenderService) -> None:
    a = service.create_tender(_tender_input(number="A-1"), customer=CUSTOMER).tender
    service.create_tender(_tender_input(number="A-2"))
    with pytest.raises(ValidationError) as info:
        service.update_tender(a.id, _tender_input(number="A-2"))
    assert "number" in info.value.errors
    change = service.update_tender(a.id, _tender_input(number="A-1", title="Новое название", status="won"))
    assert change.deal_moved_to == "WON"
    assert Tender.get_by_id(a.id).title == "Новое название"


@pytest.mark.anyio
async def test_watch_raises_deadline_notices_until_cancelled(service: TenderService, bus: EventBus) -> None:
    import asyncio

    from kapusta_desktop.services.tenders import watch_tenders

    near = _events(bus, TenderDeadlineNear)
    service.create_tender(_tender_input(deadline=NOW + dt.timedelta(hours=1)))
    task = asyncio.create_task(watch_tenders(service, interval=0.01))
    for _ in range(100):
        if near:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)  # several more rounds: still one notice
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(near) == 1
