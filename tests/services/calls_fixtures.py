"""A small cache for the call tests: managers with extensions, a company, contacts, deals, phones."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kapusta_desktop.services.editing import default_phone_normaliser
from kapusta_desktop.store.models import Company, Contact, Deal, DealContact, Phone, Pipeline, Stage, UserManager


def add_phone(owner_type: str, owner_id: int, raw: str) -> None:
    n = default_phone_normaliser(raw)
    Phone.create(owner_type=owner_type, owner_id=owner_id, raw=raw, e164=n.e164 if n else None,
                 extension=n.extension if n else None)


@dataclass
class Cache:
    ivanov: UserManager
    petrova: UserManager
    company: Company
    contact: Contact
    other_contact: Contact
    deal: Deal


def build_cache(contact_phone: str = "8 (916) 123-45-67") -> Cache:
    ivanov = UserManager.create(name="Иван Иванов", b24_user_id=1, mango_extension="101")
    petrova = UserManager.create(name="Мария Петрова", b24_user_id=2, mango_extension="102")
    UserManager.create(name="Олег Сидоров", b24_user_id=3, mango_extension="103")
    pipeline = Pipeline.create(b24_id=0, name="Общая")
    Stage.create(pipeline=pipeline, status_id="NEW", name="Новая", sort=10)
    Stage.create(pipeline=pipeline, status_id="PREPARATION", name="Подготовка документов", sort=20)
    company = Company.create(title="ООО «Ромашка»", is_vip=True, responsible=petrova, b24_id=70)
    add_phone("company", company.id, "+7 495 123-45-67")
    contact = Contact.create(name="Пётр", last_name="Сергеев", company=company, responsible=ivanov, b24_id=11)
    add_phone("contact", contact.id, contact_phone)
    other = Contact.create(name="Анна", last_name="Козлова", company=company, responsible=ivanov, b24_id=12)
    deal = Deal.create(title="Охрана склада", stage_id="PREPARATION", amount=Decimal("1250000.00"),
                       company=company, responsible=petrova, b24_id=500)
    DealContact.create(deal=deal, contact=contact, is_primary=True)
    Deal.create(title="Старая сделка", stage_id="WON", closed=True, company=company, responsible=petrova)
    return Cache(ivanov, petrova, company, contact, other, deal)
