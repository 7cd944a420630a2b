"""The editing service: validation, one transaction, base values, exactly one outbox entry per save."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import peewee
import pytest

from kapusta_desktop.services.editing import (
    CompanyInput,
    ContactInput,
    DealInput,
    EditingService,
    EmailInput,
    NotFoundError,
    PhoneInput,
    TaskInput,
    ValidationError,
    inn_is_valid,
)
from kapusta_desktop.store.models import (
    Company,
    Contact,
    Deal,
    DealContact,
    Email,
    OutboxEntry,
    Phone,
    Task,
    UserManager,
)


@pytest.fixture
def service(db: peewee.Database) -> EditingService:
    return EditingService(db)


@pytest.fixture
def synced_deal(db: peewee.Database) -> Deal:
    manager = UserManager.create(name="Иван Петров", b24_user_id=1)
    company = Company.create(title="ООО Ромашка", b24_id=10)
    return Deal.create(
        title="Охрана склада", stage_id="NEW", amount=Decimal("100000"), company=company, responsible=manager, b24_id=5
    )


def test_editing_a_deal_marks_it_pending_and_queues_one_entry(service: EditingService, synced_deal: Deal) -> None:
    data = DealInput(
        title="Охрана склада на Ленина",
        stage_id="PREPARATION",
        amount="150 000,50",
        currency="rub",
        company_id=synced_deal.company_id,
        responsible_id=synced_deal.responsible_id,
    )
    service.save_deal(synced_deal.id, data)

    deal = Deal.get_by_id(synced_deal.id)
    assert deal.sync_state == "pending"
    assert deal.title == "Охрана склада на Ленина"
    assert deal.amount == Decimal("150000.50")
    assert deal.currency == "RUB"
    assert deal.base_values == {"title": "Охрана склада", "stage_id": "NEW", "amount": "100000.00"}
    entries = list(OutboxEntry.select())
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.target, entry.entity_type, entry.entity_id, entry.op) == ("bitrix24", "deal", deal.id, "update")
    assert sorted(entry.payload["fields"]) == ["amount", "stage_id", "title"]  # "rub" is RUB: unchanged


def test_second_edit_keeps_the_first_base_value(service: EditingService, synced_deal: Deal) -> None:
    base = DealInput(title="Первое", stage_id="NEW", amount="100000", company_id=synced_deal.company_id,
                     responsible_id=synced_deal.responsible_id)
    service.save_deal(synced_deal.id, base)
    base.title = "Второе"
    base.stage_id = "EXECUTING"
    service.save_deal(synced_deal.id, base)

    deal = Deal.get_by_id(synced_deal.id)
    assert deal.title == "Второе"
    assert deal.base_values["title"] == "Охрана склада"
    assert deal.base_values["stage_id"] == "NEW"
    assert OutboxEntry.select().count() == 2
    assert [e.payload["fields"] for e in OutboxEntry.select().order_by(OutboxEntry.id)] == [
        ["title"],
        ["title", "stage_id"],
    ]


def test_saving_without_changes_queues_nothing(service: EditingService, synced_deal: Deal) -> None:
    same = DealInput(title="Охрана склада", stage_id="NEW", amount=Decimal("100000"),
                     company_id=synced_deal.company_id, responsible_id=synced_deal.responsible_id)
    service.save_deal(synced_deal.id, same)
    assert OutboxEntry.select().count() == 0
    assert Deal.get_by_id(synced_deal.id).sync_state == "synced"


def test_deal_contacts_are_a_pseudo_field(service: EditingService, synced_deal: Deal) -> None:
    a = Contact.create(name="Анна", last_name="Смирнова")
    b = Contact.create(name="Олег", last_name="Ким")
    data = DealInput(title="Охрана склада", amount="100000", company_id=synced_deal.company_id,
                     responsible_id=synced_deal.responsible_id, contact_ids=[b.id, a.id])
    service.save_deal(synced_deal.id, data)
    links = list(DealContact.select().where(DealContact.deal == synced_deal.id).order_by(DealContact.sort))
    assert [link.contact_id for link in links] == [b.id, a.id]
    assert links[0].is_primary
    entry = OutboxEntry.get()
    assert entry.payload["fields"] == ["contacts"]
    assert Deal.get_by_id(synced_deal.id).base_values == {"contacts": []}


def test_creating_a_deal_queues_a_create(service: EditingService, db: peewee.Database) -> None:
    deal = service.save_deal(None, DealInput(title="Новая сделка", amount="0"))
    assert deal.sync_state == "pending"
    assert deal.b24_id is None
    entry = OutboxEntry.get()
    assert entry.op == "create"
    assert entry.entity_id == deal.id
    assert "title" in entry.payload["fields"]
    assert Deal.get_by_id(deal.id).base_values is None


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"title": "  "}, "title", "title"),
        ({"amount": "сто рублей"}, "amount", "number"),
        ({"amount": "-5"}, "amount", "negative"),
        ({"amount": "1.005"}, "amount", "two digits"),
        ({"currency": "рубли"}, "currency", "three-letter"),
        ({"company_id": 999}, "company_id", "not in the cache"),
        ({"contact_ids": [12345]}, "contact_ids", "12345"),
        ({"responsible_id": 777}, "responsible_id", "not in the cache"),
    ],
)
def test_deal_validation_names_the_field(
    service: EditingService, synced_deal: Deal, change: dict[str, object], field: str, fragment: str
) -> None:
    data = DealInput(title="Ок", amount="1")
    for k, v in change.items():
        setattr(data, k, v)
    with pytest.raises(ValidationError) as err:
        service.save_deal(synced_deal.id, data)
    assert field in err.value.errors
    assert fragment in err.value.errors[field]
    # Nothing half-saved.
    assert OutboxEntry.select().count() == 0
    assert Deal.get_by_id(synced_deal.id).title == "Охрана склада"


def test_unknown_stage_is_refused_when_stages_are_known(service: EditingService, synced_deal: Deal) -> None:
    from kapusta_desktop.store.models import Pipeline, Stage

    pipeline = Pipeline.create(b24_id=0, name="Общая")
    Stage.create(pipeline=pipeline, status_id="NEW", name="Новая")
    with pytest.raises(ValidationError) as err:
        service.save_deal(synced_deal.id, DealInput(title="x", stage_id="NOPE"))
    assert "stage_id" in err.value.errors


def test_updating_a_missing_deal_is_an_error(service: EditingService, db: peewee.Database) -> None:
    with pytest.raises(NotFoundError):
        service.save_deal(424242, DealInput(title="x"))


def test_contact_phones_are_normalised_and_removed_items_reported(service: EditingService, db: peewee.Database) -> None:
    contact = Contact.create(name="Анна", last_name="Смирнова", b24_id=77)
    Phone.create(owner_type="contact", owner_id=contact.id, raw="+7 916 000-00-01", e164="+79160000001",
                 value_type="MOBILE", b24_item_id=501)
    Phone.create(owner_type="contact", owner_id=contact.id, raw="+7 495 111-22-33", e164="+74951112233",
                 value_type="WORK", b24_item_id=502)
    Email.create(owner_type="contact", owner_id=contact.id, value="anna@example.ru", b24_item_id=601)

    data = ContactInput(
        name="Анна",
        last_name="Смирнова",
        phones=[PhoneInput("+7 495 111-22-33", "WORK", 502), PhoneInput("8 (916) 123-45-67", "MOBILE")],
        emails=[],
    )
    service.save_contact(contact.id, data)

    phones = list(Phone.select().where(Phone.owner_type == "contact", Phone.owner_id == contact.id).order_by(Phone.id))
    assert [(p.raw, p.e164, p.b24_item_id) for p in phones] == [
        ("+7 495 111-22-33", "+74951112233", 502),
        ("8 (916) 123-45-67", "+79161234567", None),
    ]
    assert Email.select().count() == 0
    entry = OutboxEntry.get()
    assert entry.payload["fields"] == ["phones", "emails"]
    assert entry.payload["deleted_phone_items"] == [501]
    assert entry.payload["deleted_email_items"] == [601]
    row = Contact.get_by_id(contact.id)
    assert row.sync_state == "pending"
    assert row.base_values["phones"] == [["+7 916 000-00-01", "MOBILE"], ["+7 495 111-22-33", "WORK"]]


def test_contact_validation(service: EditingService, db: peewee.Database) -> None:
    data = ContactInput(
        name="",
        last_name="",
        phones=[PhoneInput("позвонить завтра"), PhoneInput("+7 916 123-45-67", "PAGER")],
        emails=[EmailInput("not-an-email")],
    )
    with pytest.raises(ValidationError) as err:
        service.save_contact(None, data)
    errors = err.value.errors
    assert set(errors) >= {"name", "phones", "phones.0", "phones.1", "emails", "emails.0"}
    assert Contact.select().count() == 0
    assert OutboxEntry.select().count() == 0


def test_company_inn_kpp_site(service: EditingService, db: peewee.Database) -> None:
    assert inn_is_valid("7707083893")  # Sberbank
    assert inn_is_valid("500100732259")
    assert not inn_is_valid("7707083894")
    with pytest.raises(ValidationError) as err:
        service.save_company(None, CompanyInput(title="ООО Тест", inn="1234567890", kpp="12", site="not a site"))
    assert set(err.value.errors) == {"inn", "kpp", "site"}
    company = service.save_company(
        None,
        CompanyInput(title="ПАО Сбербанк", inn="7707083893", kpp="773601001", site="sberbank.ru",
                     phones=[PhoneInput("8 800 555-55-50")]),
    )
    assert company.sync_state == "pending"
    assert Phone.get(Phone.owner_type == "company").e164 == "+78005555550"
    assert OutboxEntry.get().op == "create"


def test_task_save_and_validation(service: EditingService, synced_deal: Deal) -> None:
    with pytest.raises(ValidationError) as err:
        service.save_task(None, TaskInput(title="", deal_id=9999))
    assert set(err.value.errors) == {"title", "deal_id", "responsible_id"}
    deadline = dt.datetime(2030, 5, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    task = service.save_task(
        None, TaskInput(title="Перезвонить", deadline=deadline, responsible_id=synced_deal.responsible_id,
                        deal_id=synced_deal.id)
    )
    row = Task.get_by_id(task.id)
    assert row.deadline == dt.datetime(2030, 5, 1, 9, 0)
    assert row.deal_id == synced_deal.id
    assert OutboxEntry.get().entity_type == "task"


def test_delete_marks_row_and_queues_delete(service: EditingService, synced_deal: Deal) -> None:
    service.delete("deal", synced_deal.id)
    row = Deal.get_by_id(synced_deal.id)
    assert row.deleted and row.sync_state == "pending"
    assert OutboxEntry.get().op == "delete"
    with pytest.raises(NotFoundError):
        service.delete("deal", synced_deal.id)


def test_a_failing_outbox_write_rolls_the_row_back(
    service: EditingService, synced_deal: Deal, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kapusta_desktop.services.editing as editing

    def boom(**_: object) -> None:
        raise peewee.OperationalError("disk full")

    monkeypatch.setattr(editing, "enqueue", boom)
    with pytest.raises(peewee.OperationalError):
        service.save_deal(synced_deal.id, DealInput(title="Изменено"))
    row = Deal.get_by_id(synced_deal.id)
    assert row.title == "Охрана склада"
    assert row.sync_state == "synced"
    assert row.base_values is None
