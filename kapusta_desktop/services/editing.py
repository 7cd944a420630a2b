"""Saving the operator's edits to deals, contacts, companies and tasks.

Each save validates first (every bad field gets its own message), then in ONE
transaction changes the row, remembers what each changed field held before the
first pending edit (`base_values`, the merge base for conflicts), marks the row
`pending` and appends exactly one outbox entry. The outbox payload names what
changed, not the values: the sync worker reads the current row when it pushes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import peewee

from kapusta_desktop.domain import phones
from kapusta_desktop.domain.sync_state import SyncState
from kapusta_desktop.store.models import (
    Company,
    Contact,
    Deal,
    DealContact,
    Email,
    Phone,
    Stage,
    SyncedModel,
    Task,
    UserManager,
)
from kapusta_desktop.store.outbox import enqueue

TARGET = "bitrix24"
PHONE_TYPES = ("WORK", "MOBILE", "HOME", "FAX", "OTHER")
EMAIL_TYPES = ("WORK", "HOME", "OTHER")
TASK_STATUSES = (2, 3, 4, 5, 6)
MAX_AMOUNT = Decimal("9999999999999999.99")  # DecimalField(max_digits=18, decimal_places=2)
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_KPP_RE = re.compile(r"^\d{4}[0-9A-Z]{2}\d{3}$")
_SITE_RE = re.compile(r"^(https?://)?[^\s/$.?#][^\s]*\.[^\s]{2,}$", re.IGNORECASE)


class ValidationError(Exception):
    """The input was refused; `errors` maps each bad field to a message for the operator."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


class NotFoundError(LookupError):
    pass


@dataclass(frozen=True)
class PhoneInput:
    value: str
    value_type: str = "WORK"
    b24_item_id: int | None = None  # kept from the row being edited, so Bitrix24 updates its item


@dataclass(frozen=True)
class EmailInput:
    value: str
    value_type: str = "WORK"
    b24_item_id: int | None = None


@dataclass
class DealInput:
    title: str
    stage_id: str = "NEW"
    amount: Decimal | str | int = Decimal("0")
    currency: str = "RUB"
    company_id: int | None = None
    contact_ids: Sequence[int] = ()
    responsible_id: int | None = None
    comment: str | None = None


@dataclass
class ContactInput:
    name: str
    last_name: str = ""
    second_name: str = ""
    position: str | None = None
    company_id: int | None = None
    responsible_id: int | None = None
    phones: Sequence[PhoneInput] = ()
    emails: Sequence[EmailInput] = ()
    comment: str | None = None


@dataclass
class CompanyInput:
    title: str
    inn: str | None = None
    kpp: str | None = None
    site: str | None = None
    responsible_id: int | None = None
    phones: Sequence[PhoneInput] = ()
    emails: Sequence[EmailInput] = field(default_factory=tuple)
    comment: str | None = None


@dataclass
class TaskInput:
    title: str
    deadline: dt.datetime | None = None
    responsible_id: int | None = None
    deal_id: int | None = None
    description: str | None = None
    status: int = 2


@dataclass(frozen=True)
class NormalisedPhone:
    e164: str | None
    extension: str | None


PhoneNormaliser = Callable[[str], NormalisedPhone | None]


def default_phone_normaliser(raw: str) -> NormalisedPhone | None:
    """Normalise through the domain's phone rules; None when it is not a full phone number."""
    result = phones.normalise(raw)
    if not result.is_phone:
        return None
    return NormalisedPhone(e164=result.e164, extension=result.extension)


def inn_is_valid(inn: str) -> bool:
    """Russian INN: 10 digits (organisation) or 12 (person) with the FNS check digits."""
    if not inn.isdigit() or len(inn) not in (10, 12):
        return False
    digits = [int(c) for c in inn]

    def check(weights: Sequence[int]) -> int:
        return sum(w * d for w, d in zip(weights, digits, strict=False)) % 11 % 10

    if len(inn) == 10:
        return check((2, 4, 10, 3, 5, 9, 4, 6, 8)) == digits[9]
    return (
        check((7, 2, 4, 10, 3, 5, 9, 4, 6, 8)) == digits[10]
        and check((3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)) == digits[11]
    )


def _json_value(value: Any) -> Any:
    """Values as base_values keeps them (JSON): Decimal and dates as text, models as ids."""
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))  # money: 100000 and 100000.00 are one value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, peewee.Model):
        return value.get_id()
    return value


def _clean(text: str | None) -> str:
    return (text or "").strip()


def deal_contact_ids(deal_id: int) -> list[int]:
    """The deal's contacts in their order (the first is the primary one)."""
    q = DealContact.select(DealContact.contact).where(DealContact.deal == deal_id).order_by(DealContact.sort)
    return [link.contact_id for link in q]


class EditingService:
    """Create and update cached CRM records; every save queues its push to Bitrix24."""

    def __init__(
        self,
        database: peewee.Database,
        *,
        phone_normaliser: PhoneNormaliser | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self._db = database
        self._normalise = phone_normaliser or default_phone_normaliser
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None))

    # ---- deals -----------------------------------------------------------------------------

    def save_deal(self, deal_id: int | None, data: DealInput) -> Deal:
        errors: dict[str, str] = {}
        title = _clean(data.title)
        if not title:
            errors["title"] = "Enter a title."
        elif len(title) > 255:
            errors["title"] = "The title is longer than 255 characters."
        stage_id = _clean(data.stage_id)
        if not stage_id:
            errors["stage_id"] = "Choose a stage."
        elif Stage.select().exists() and not Stage.select().where(Stage.status_id == stage_id).exists():
            errors["stage_id"] = f"Unknown stage {stage_id!r}."
        amount = self._parse_amount(data.amount, errors)
        currency = _clean(data.currency).upper()
        if not _CURRENCY_RE.match(currency):
            errors["currency"] = "Use a three-letter currency code, e.g. RUB."
        self._check_exists(Company, data.company_id, "company_id", "This company is not in the cache.", errors)
        self._check_exists(
            UserManager, data.responsible_id, "responsible_id", "This manager is not in the cache.", errors
        )
        contact_ids = list(dict.fromkeys(int(c) for c in data.contact_ids))
        if contact_ids:
            found = {c.id for c in Contact.select(Contact.id).where(Contact.id.in_(contact_ids))}
            if missing := [c for c in contact_ids if c not in found]:
                errors["contact_ids"] = f"Contacts not in the cache: {', '.join(map(str, missing))}."
        if errors:
            raise ValidationError(errors)

        values = {
            "title": title,
            "stage_id": stage_id,
            "amount": amount,
            "currency": currency,
            "company": data.company_id,
            "responsible": data.responsible_id,
            "comment": _clean(data.comment) or None,
        }
        with self._db.atomic():
            deal, changed, created = self._apply(Deal, deal_id, values)
            old_contacts = [] if created else deal_contact_ids(deal.id)
            if old_contacts != contact_ids:
                self._note_base(deal, "contacts", old_contacts, created)
                DealContact.delete().where(DealContact.deal == deal.id).execute()
                for pos, cid in enumerate(contact_ids):
                    DealContact.create(deal=deal.id, contact=cid, is_primary=pos == 0, sort=10 * (pos + 1))
                changed.append("contacts")
            self._finish(deal, "deal", changed, created, {})
        return deal

    @staticmethod
    def _parse_amount(raw: Decimal | str | int, errors: dict[str, str]) -> Decimal:
        try:
            if isinstance(raw, Decimal):
                amount = raw
            else:  # "150 000,50" as Russians type it
                amount = Decimal(str(raw).replace("\u00a0", "").replace(" ", "").replace(",", "."))
        except (InvalidOperation, ValueError):
            errors["amount"] = "Enter an amount as a number, e.g. 150000.50."
            return Decimal("0")
        if not amount.is_finite():
            errors["amount"] = "Enter an amount as a number, e.g. 150000.50."
        elif amount < 0:
            errors["amount"] = "The amount cannot be negative."
        elif amount > MAX_AMOUNT:
            errors["amount"] = "The amount is too large."
        elif amount != amount.quantize(Decimal("0.01")):
            errors["amount"] = "Use at most two digits after the decimal point."
        return amount.quantize(Decimal("0.01")) if "amount" not in errors else Decimal("0")

    # ---- contacts and companies ------------------------------------------------------------

    def save_contact(self, contact_id: int | None, data: ContactInput) -> Contact:
        errors: dict[str, str] = {}
        name, last_name, second_name = _clean(data.name), _clean(data.last_name), _clean(data.second_name)
        if not name and not last_name:
            errors["name"] = "Enter a name or a last name."
        for key, value in (("name", name), ("last_name", last_name), ("second_name", second_name)):
            if len(value) > 100:
                errors[key] = "Longer than 100 characters."
        position = _clean(data.position) or None
        if position and len(position) > 200:
            errors["position"] = "Longer than 200 characters."
        self._check_exists(Company, data.company_id, "company_id", "This company is not in the cache.", errors)
        self._check_exists(
            UserManager, data.responsible_id, "responsible_id", "This manager is not in the cache.", errors
        )
        phones = self._validate_phones(data.phones, errors)
        emails = self._validate_emails(data.emails, errors)
        if errors:
            raise ValidationError(errors)
        values = {
            "name": name,
            "last_name": last_name,
            "second_name": second_name,
            "position": position,
            "company": data.company_id,
            "responsible": data.responsible_id,
            "comment": _clean(data.comment) or None,
        }
        with self._db.atomic():
            contact, changed, created = self._apply(Contact, contact_id, values)
            extra = self._apply_multi(contact, "contact", phones, emails, changed, created)
            self._finish(contact, "contact", changed, created, extra)
        return contact

    def save_company(self, company_id: int | None, data: CompanyInput) -> Company:
        errors: dict[str, str] = {}
        title = _clean(data.title)
        if not title:
            errors["title"] = "Enter the company name."
        elif len(title) > 255:
            errors["title"] = "Longer than 255 characters."
        inn = _clean(data.inn) or None
        if inn and not inn_is_valid(inn):
            errors["inn"] = "An INN has 10 digits (organisation) or 12 (person) with valid check digits."
        kpp = (_clean(data.kpp) or None) and _clean(data.kpp).upper()
        if kpp and not _KPP_RE.match(kpp):
            errors["kpp"] = "A KPP has 9 characters: 4 digits, 2 digits or letters, 3 digits."
        if kpp and inn and len(inn) == 12:
            errors["kpp"] = "A sole trader (12-digit INN) has no KPP."
        site = _clean(data.site) or None
        if site and (len(site) > 255 or not _SITE_RE.match(site)):
            errors["site"] = "Enter a site address such as example.ru or https://example.ru."
        self._check_exists(
            UserManager, data.responsible_id, "responsible_id", "This manager is not in the cache.", errors
        )
        phones = self._validate_phones(data.phones, errors)
        emails = self._validate_emails(data.emails, errors)
        if errors:
            raise ValidationError(errors)
        values = {
            "title": title,
            "inn": inn,
            "kpp": kpp,
            "site": site,
            "responsible": data.responsible_id,
            "comment": _clean(data.comment) or None,
        }
        with self._db.atomic():
            company, changed, created = self._apply(Company, company_id, values)
            extra = self._apply_multi(company, "company", phones, emails, changed, created)
            self._finish(company, "company", changed, created, extra)
        return company

    def _validate_phones(
        self, phones: Sequence[PhoneInput], errors: dict[str, str]
    ) -> list[tuple[PhoneInput, NormalisedPhone]]:
        out: list[tuple[PhoneInput, NormalisedPhone]] = []
        seen: set[tuple[str | None, str | None]] = set()
        for i, phone in enumerate(phones):
            raw = _clean(phone.value)
            if not raw:
                continue  # an empty row in the editor is not a phone
            if phone.value_type not in PHONE_TYPES:
                errors[f"phones.{i}"] = f"Unknown phone type {phone.value_type!r}."
                continue
            if len(raw) > 100:
                errors[f"phones.{i}"] = "Longer than 100 characters."
                continue
            norm = self._normalise(raw)
            if norm is None or not norm.e164:
                errors[f"phones.{i}"] = "This is not a phone number."
                continue
            if (norm.e164, norm.extension) in seen:
                errors[f"phones.{i}"] = "This number is already listed."
                continue
            seen.add((norm.e164, norm.extension))
            out.append((PhoneInput(raw, phone.value_type, phone.b24_item_id), norm))
        if any(k.startswith("phones.") for k in errors):
            errors.setdefault("phones", next(v for k, v in errors.items() if k.startswith("phones.")))
        return out

    @staticmethod
    def _validate_emails(emails: Sequence[EmailInput], errors: dict[str, str]) -> list[EmailInput]:
        out: list[EmailInput] = []
        seen: set[str] = set()
        for i, email in enumerate(emails):
            value = _clean(email.value)
            if not value:
                continue
            if email.value_type not in EMAIL_TYPES:
                errors[f"emails.{i}"] = f"Unknown e-mail type {email.value_type!r}."
            elif len(value) > 255 or not _EMAIL_RE.match(value):
                errors[f"emails.{i}"] = "This is not an e-mail address."
            elif value.lower() in seen:
                errors[f"emails.{i}"] = "This address is already listed."
            else:
                seen.add(value.lower())
                out.append(EmailInput(value, email.value_type, email.b24_item_id))
        if any(k.startswith("emails.") for k in errors):
            errors.setdefault("emails", next(v for k, v in errors.items() if k.startswith("emails.")))
        return out

    def _apply_multi(
        self,
        row: SyncedModel,
        owner_type: str,
        phones: list[tuple[PhoneInput, NormalisedPhone]],
        emails: list[EmailInput],
        changed: list[str],
        created: bool,
    ) -> dict[str, Any]:
        """Replace the owner's phones and e-mails when they differ; report removed Bitrix24 items."""
        extra: dict[str, Any] = {}
        owner = (Phone.owner_type == owner_type) & (Phone.owner_id == row.id)
        old_phones = list(Phone.select().where(owner).order_by(Phone.id))
        old_key = [(p.raw, p.value_type, p.b24_item_id) for p in old_phones]
        new_key = [(p.value, p.value_type, p.b24_item_id) for p, _ in phones]
        if old_key != new_key:
            self._note_base(row, "phones", [[p.raw, p.value_type] for p in old_phones], created)
            kept = {p.b24_item_id for p, _ in phones if p.b24_item_id is not None}
            if gone := [p.b24_item_id for p in old_phones if p.b24_item_id is not None and p.b24_item_id not in kept]:
                extra["deleted_phone_items"] = gone
            Phone.delete().where(owner).execute()
            for p, norm in phones:
                Phone.create(
                    owner_type=owner_type,
                    owner_id=row.id,
                    raw=p.value,
                    e164=norm.e164,
                    extension=norm.extension,
                    value_type=p.value_type,
                    b24_item_id=p.b24_item_id,
                )
            changed.append("phones")
        e_owner = (Email.owner_type == owner_type) & (Email.owner_id == row.id)
        old_emails = list(Email.select().where(e_owner).order_by(Email.id))
        if [(e.value, e.value_type, e.b24_item_id) for e in old_emails] != [
            (e.value, e.value_type, e.b24_item_id) for e in emails
        ]:
            self._note_base(row, "emails", [[e.value, e.value_type] for e in old_emails], created)
            kept = {e.b24_item_id for e in emails if e.b24_item_id is not None}
            if gone := [e.b24_item_id for e in old_emails if e.b24_item_id is not None and e.b24_item_id not in kept]:
                extra["deleted_email_items"] = gone
            Email.delete().where(e_owner).execute()
            for e in emails:
                Email.create(
                    owner_type=owner_type,
                    owner_id=row.id,
                    value=e.value,
                    value_type=e.value_type,
                    b24_item_id=e.b24_item_id,
                )
            changed.append("emails")
        return extra

    # ---- tasks -----------------------------------------------------------------------------

    def save_task(self, task_id: int | None, data: TaskInput) -> Task:
        errors: dict[str, str] = {}
        title = _clean(data.title)
        if not title:
            errors["title"] = "Enter a title."
        elif len(title) > 255:
            errors["title"] = "Longer than 255 characters."
        if data.deadline is not None and not isinstance(data.deadline, dt.datetime):
            errors["deadline"] = "Enter a date and time."
        if data.status not in TASK_STATUSES:
            errors["status"] = f"Unknown task status {data.status!r}."
        self._check_exists(
            UserManager, data.responsible_id, "responsible_id", "This manager is not in the cache.", errors
        )
        self._check_exists(Deal, data.deal_id, "deal_id", "This deal is not in the cache.", errors)
        if task_id is None and data.responsible_id is None and "responsible_id" not in errors:
            errors["responsible_id"] = "Bitrix24 needs a responsible person for a task."
        if errors:
            raise ValidationError(errors)
        deadline = data.deadline
        if deadline is not None and deadline.tzinfo is not None:
            deadline = deadline.astimezone(dt.UTC).replace(tzinfo=None)  # the cache keeps naive UTC
        values = {
            "title": title,
            "deadline": deadline,
            "responsible": data.responsible_id,
            "deal": data.deal_id,
            "description": _clean(data.description) or None,
            "status": data.status,
        }
        with self._db.atomic():
            task, changed, created = self._apply(Task, task_id, values)
            self._finish(task, "task", changed, created, {})
        return task

    # ---- deletion --------------------------------------------------------------------------

    def delete(self, entity_type: str, record_id: int) -> None:
        """Mark a record deleted locally and queue the delete for Bitrix24."""
        model = {"deal": Deal, "contact": Contact, "company": Company, "task": Task}.get(entity_type)
        if model is None:
            raise ValueError(f"unknown entity type {entity_type!r}")
        with self._db.atomic():
            row = model.get_or_none((model.id == record_id) & (model.deleted == False))  # noqa: E712
            if row is None:
                raise NotFoundError(f"{entity_type} {record_id} is not in the cache")
            row.deleted = True
            row.sync_state = SyncState.PENDING.value
            row.sync_error = None
            row.local_modified = self._clock()
            row.save()
            enqueue(target=TARGET, entity_type=entity_type, entity_id=row.id, op="delete", payload={"fields": []})

    # ---- shared steps ----------------------------------------------------------------------

    @staticmethod
    def _check_exists(
        model: type[peewee.Model], record_id: int | None, key: str, message: str, errors: dict[str, str]
    ) -> None:
        if record_id is None:
            return
        query = model.select().where(model.id == record_id)
        if issubclass(model, SyncedModel):
            query = query.where(model.deleted == False)  # noqa: E712
        if not query.exists():
            errors[key] = message

    def _apply(
        self, model: type[SyncedModel], record_id: int | None, values: dict[str, Any]
    ) -> tuple[Any, list[str], bool]:
        """Create the row, or change the fields that differ; returns (row, changed field names, created)."""
        if record_id is None:
            row = model.create(**values, sync_state=SyncState.PENDING.value, local_modified=self._clock())
            return row, [k for k, v in values.items() if v not in (None, "")], True
        row = model.get_or_none((model.id == record_id) & (model.deleted == False))  # noqa: E712
        if row is None:
            raise NotFoundError(f"{model.__name__.lower()} {record_id} is not in the cache")
        changed: list[str] = []
        for name, new in values.items():
            fld = model._meta.fields[name]
            old = getattr(row, fld.object_id_name) if isinstance(fld, peewee.ForeignKeyField) else getattr(row, name)
            if _json_value(old) == _json_value(new):
                continue
            self._note_base(row, name, old, created=False)
            setattr(row, fld.object_id_name if isinstance(fld, peewee.ForeignKeyField) else name, new)
            changed.append(name)
        return row, changed, False

    @staticmethod
    def _note_base(row: SyncedModel, name: str, old: Any, created: bool) -> None:
        """Keep the value the field had before the first pending edit (the earliest base wins)."""
        if created:
            return
        base = dict(row.base_values or {})
        if name not in base:
            base[name] = _json_value(old)
            row.base_values = base

    def _finish(
        self, row: SyncedModel, entity_type: str, changed: list[str], created: bool, extra: dict[str, Any]
    ) -> None:
        if not changed and not created:
            return  # nothing to push: no outbox entry, state untouched
        row.sync_state = SyncState.PENDING.value
        row.sync_error = None
        row.local_modified = self._clock()
        row.save()
        enqueue(
            target=TARGET,
            entity_type=entity_type,
            entity_id=row.id,
            op="create" if created else "update",
            payload={"fields": changed, **extra},
        )
