"""Tenders and their calculations: KAPUSTA's own entities, tied to a Bitrix24 deal.

Every change to a Bitrix24 record (the tender's deal, company and contact, the
deal's amount and stage) goes through `EditingService`, so it is saved
`pending` with one outbox entry and pushed like any operator edit. Tenders and
calculations themselves never leave KAPUSTA.

Flows:
- `create_tender` finds or makes the customer company (by INN, then by phone),
  the contact (by phone through the phone index) and the deal, in one
  transaction; run again for the same tender number and platform it changes
  nothing and creates nothing.
- `choose_group` makes a calculation the chosen one; its gross total (with
  VAT) becomes the deal's amount (OPPORTUNITY). Saving the lines of the chosen
  group moves the amount again.
- Status ↔ stage: submitted ↔ sent, won ↔ won, lost ↔ lost (KAPUSTA stages,
  through each Bitrix24 stage's `kapusta_stage` mapping), in both directions.
- `check_deadlines` raises one `TenderDeadlineNear` per deadline within the
  configured lead time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import peewee

from kapusta_desktop.domain.calc import CalcInputError, GuardLineInput, validate_line
from kapusta_desktop.domain.events import DealStageChanged, TenderCreated, TenderDeadlineNear
from kapusta_desktop.domain.stages import DEFAULT_STAGES, derive_kapusta_stage
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.calc_rows import group_figures, vat_rate
from kapusta_desktop.services.editing import (
    CompanyInput,
    ContactInput,
    DealInput,
    EditingService,
    EmailInput,
    NotFoundError,
    PhoneInput,
    ValidationError,
    deal_contact_ids,
)
from kapusta_desktop.store.models import (
    CalculationGroup,
    Company,
    Contact,
    Deal,
    GuardCalcLine,
    Pipeline,
    Stage,
    Tender,
    UserManager,
)
from kapusta_desktop.store.phone_index import find_owners
from kapusta_desktop.store.setting_values import get_value

log = logging.getLogger(__name__)

TENDER_STATUSES: tuple[str, ...] = ("new", "analysis", "calculated", "submitted", "won", "lost")
CLOSED_STATUSES = frozenset({"submitted", "won", "lost"})  # nothing left to do before the deadline
# Where a tender status and a KAPUSTA deal stage mean the same thing.
STATUS_TO_STAGE: dict[str, str] = {"submitted": "sent", "won": "won", "lost": "lost"}
STAGE_TO_STATUS: dict[str, str] = {v: k for k, v in STATUS_TO_STAGE.items()}

LEAD_HOURS_SETTING = "tenders.deadline_lead_hours"
DEFAULT_LEAD_HOURS = 48
MAX_MONEY = Decimal("9999999999999999.99")
_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")

# Editable fields of a calculation line, in editor order.
LINE_FIELDS: tuple[str, ...] = (
    "site_name",
    "posts",
    "guards_per_post",
    "hours_per_day",
    "days_per_month",
    "months",
    "hourly_rate",
    "extra_costs",
    "margin_pct",
    "vat",
)


def _utc_naive(value: dt.datetime) -> dt.datetime:
    """The cache keeps naive UTC; an aware value is converted, a naive one is taken as UTC."""
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


def _clean(text: str | None) -> str:
    return (text or "").strip()


@dataclass
class TenderInput:
    number: str
    title: str
    platform: str | None = None
    link: str | None = None
    published: dt.date | None = None
    deadline: dt.datetime | None = None  # aware, or naive UTC
    max_price: Decimal | str | None = None
    currency: str = "RUB"
    status: str = "new"
    responsible_id: int | None = None
    customer_id: int | None = None  # an existing company; else `CustomerInput` finds or makes one


@dataclass
class CustomerInput:
    title: str
    inn: str | None = None
    kpp: str | None = None
    phone: str | None = None


@dataclass
class ContactPersonInput:
    name: str = ""
    last_name: str = ""
    position: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass
class LineValues:
    site_name: str = ""
    posts: int = 1
    guards_per_post: int = 1
    hours_per_day: Decimal = Decimal(24)
    days_per_month: Decimal = Decimal(30)
    months: int = 12
    hourly_rate: Decimal = Decimal(0)
    extra_costs: Decimal = Decimal(0)
    margin_pct: Decimal = Decimal(0)
    vat: bool = True

    @classmethod
    def from_row(cls, row: GuardCalcLine) -> LineValues:
        return cls(**{name: getattr(row, name) for name in LINE_FIELDS})

    def as_input(self) -> GuardLineInput:
        return GuardLineInput(
            posts=self.posts,
            guards_per_post=self.guards_per_post,
            hours_per_day=self.hours_per_day,
            days_per_month=self.days_per_month,
            months=self.months,
            hourly_rate=self.hourly_rate,
            extra_costs=self.extra_costs,
            margin_pct=self.margin_pct,
            vat=self.vat,
        )


@dataclass(frozen=True)
class TenderCreation:
    tender: Tender
    created: bool  # False: the tender existed (same number and platform)
    deal: Deal | None
    company: Company | None
    contact: Contact | None


@dataclass(frozen=True)
class StatusChange:
    tender: Tender
    deal_moved_to: str | None  # the deal's new STAGE_ID when it moved
    note: str | None  # why the deal did not move, when it should have


class TenderError(Exception):
    pass


@contextmanager
def _prefixed_errors(prefix: str) -> Iterator[None]:
    """Name a nested record's bad fields by the record: "customer.inn", "contact.phones"."""
    try:
        yield
    except ValidationError as exc:
        raise ValidationError({f"{prefix}.{key}": message for key, message in exc.errors.items()}) from None


PhoneFinder = Callable[[str, str], list[int]]


def find_phone_owners(number_text: str, owner_type: str) -> list[int]:
    """Ids of cached owners of `owner_type` with this number, through the phone index."""
    return [owner_id for kind, owner_id, _phone in find_owners(number_text) if kind == owner_type]


class TenderService:
    def __init__(
        self,
        database: peewee.Database,
        bus: EventBus,
        editing: EditingService,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        phone_finder: PhoneFinder = find_phone_owners,
    ) -> None:
        self._db = database
        self._bus = bus
        self._editing = editing
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None))
        self._find_phone = phone_finder
        self._unsubscribe: Callable[[], None] | None = None

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Follow deal stage changes the sync learns of (deal won → tender won)."""
        if self._unsubscribe is None:
            self._unsubscribe = self._bus.subscribe(DealStageChanged, self.on_deal_stage_changed)

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    # ---- tenders ---------------------------------------------------------------------------

    def _validate(self, data: TenderInput, tender_id: int | None) -> dict[str, object]:
        errors: dict[str, str] = {}
        number = _clean(data.number)
        if not number:
            errors["number"] = "Enter the tender number."
        elif len(number) > 64:
            errors["number"] = "Longer than 64 characters."
        title = _clean(data.title)
        if not title:
            errors["title"] = "Enter the subject of the tender."
        elif len(title) > 500:
            errors["title"] = "Longer than 500 characters."
        platform = _clean(data.platform) or None
        if platform and len(platform) > 100:
            errors["platform"] = "Longer than 100 characters."
        link = _clean(data.link) or None
        if link and (len(link) > 1000 or not _URL_RE.match(link)):
            errors["link"] = "Enter a web address starting with http:// or https://."
        max_price: Decimal | None = None
        if data.max_price not in (None, ""):
            try:
                raw = data.max_price
                max_price = raw if isinstance(raw, Decimal) else Decimal(str(raw).replace(" ", "").replace(",", "."))
                if not max_price.is_finite() or max_price < 0 or max_price > MAX_MONEY:
                    errors["max_price"] = "Enter a non-negative amount."
                elif max_price != max_price.quantize(Decimal("0.01")):
                    errors["max_price"] = "Use at most two digits after the decimal point."
            except InvalidOperation:
                errors["max_price"] = "Enter the amount as a number, e.g. 1500000.00."
        currency = _clean(data.currency).upper()
        if not _CURRENCY_RE.match(currency):
            errors["currency"] = "Use a three-letter currency code, e.g. RUB."
        if data.status not in TENDER_STATUSES:
            errors["status"] = f"Unknown status {data.status!r}."
        deadline = _utc_naive(data.deadline) if data.deadline else None
        if deadline and data.published and deadline.date() < data.published:
            errors["deadline"] = "The deadline is before the publication date."
        if (
            data.responsible_id is not None
            and not UserManager.select().where(UserManager.id == data.responsible_id).exists()
        ):
            errors["responsible_id"] = "This manager is not in the cache."
        if (
            data.customer_id is not None
            and not Company.select()
            .where(
                (Company.id == data.customer_id) & (Company.deleted == False)  # noqa: E712
            )
            .exists()
        ):
            errors["customer_id"] = "This company is not in the cache."
        if number and "number" not in errors:
            clash = self._find_existing(number, platform)
            if clash is not None and clash.id != tender_id:
                errors["number"] = f"Tender {number} is already in the list."
        if errors:
            raise ValidationError(errors)
        return {
            "number": number,
            "title": title,
            "platform": platform,
            "link": link,
            "published": data.published,
            "deadline": deadline,
            "max_price": max_price.quantize(Decimal("0.01")) if max_price is not None else None,
            "currency": currency,
            "responsible": data.responsible_id,
        }

    @staticmethod
    def _find_existing(number: str, platform: str | None) -> Tender | None:
        query = Tender.select().where(Tender.number == number)
        query = query.where(Tender.platform.is_null()) if platform is None else query.where(Tender.platform == platform)
        return query.first()

    def create_tender(
        self,
        data: TenderInput,
        *,
        customer: CustomerInput | None = None,
        contact: ContactPersonInput | None = None,
        create_deal: bool = True,
    ) -> TenderCreation:
        """Create a tender (and its deal, company and contact); a repeat returns what the first run made."""
        number, platform = _clean(data.number), _clean(data.platform) or None
        existing = self._find_existing(number, platform) if number else None
        if existing is not None:
            creation = TenderCreation(existing, False, existing.deal, existing.customer, None)
            if create_deal and existing.deal_id is None:
                return self._with_deal(existing, customer, contact, created=False)
            return creation
        values = self._validate(data, None)
        with self._db.atomic():
            now = self._clock()
            tender = Tender.create(**values, customer=data.customer_id, status=data.status, created=now, modified=now)
            result = (
                self._with_deal(tender, customer, contact, created=True)
                if create_deal
                else self._with_customer_only(tender, customer)
            )
        self._bus.publish(
            TenderCreated(
                tender_id=tender.id,
                number=tender.number,
                title=tender.title,
                customer=result.company.title if result.company else None,
                max_price=tender.max_price,
                deadline=tender.deadline.replace(tzinfo=dt.UTC) if tender.deadline else None,
                responsible_id=tender.responsible_id,
            )
        )
        return result

    def _with_customer_only(self, tender: Tender, customer: CustomerInput | None) -> TenderCreation:
        company = self._customer(tender, customer)
        if company is not None and tender.customer_id != company.id:
            tender.customer = company
            tender.save()
        return TenderCreation(tender, True, None, company, None)

    def ensure_deal(
        self, tender_id: int, customer: CustomerInput | None = None, contact: ContactPersonInput | None = None
    ) -> TenderCreation:
        """Give an existing tender its deal (and company/contact); a tender with a deal is left alone."""
        tender = self._tender(tender_id)
        if tender.deal_id is not None:
            return TenderCreation(tender, False, tender.deal, tender.customer, None)
        with self._db.atomic():
            return self._with_deal(tender, customer, contact, created=False)

    def _with_deal(
        self, tender: Tender, customer: CustomerInput | None, person: ContactPersonInput | None, *, created: bool
    ) -> TenderCreation:
        with self._db.atomic():
            company = self._customer(tender, customer)
            contact = self._contact(person, company, tender.responsible_id)
            stage_id = self._stage_for(0, "new") or "NEW"
            if tender.status in STATUS_TO_STAGE:
                stage_id = self._stage_for(0, STATUS_TO_STAGE[tender.status]) or stage_id
            comment_parts = [f"Тендер № {tender.number}"]
            if tender.platform:
                comment_parts.append(f"площадка: {tender.platform}")
            if tender.link:
                comment_parts.append(tender.link)
            if tender.deadline:
                comment_parts.append(f"подача до {tender.deadline:%d.%m.%Y %H:%M} UTC")
            deal = self._editing.save_deal(
                None,
                DealInput(
                    title=f"Тендер № {tender.number}: {tender.title}"[:255],
                    stage_id=stage_id,
                    # The initial maximum price until a calculation is chosen.
                    amount=tender.max_price or Decimal("0"),
                    currency=tender.currency,
                    company_id=company.id if company else None,
                    contact_ids=[contact.id] if contact else [],
                    responsible_id=tender.responsible_id,
                    comment="; ".join(comment_parts),
                ),
            )
            tender.deal = deal
            if company is not None:
                tender.customer = company
            tender.modified = self._clock()
            tender.save()
        return TenderCreation(tender, created, deal, company, contact)

    def _customer(self, tender: Tender, customer: CustomerInput | None) -> Company | None:
        if tender.customer_id is not None:
            return tender.customer
        if customer is None:
            return None
        inn = _clean(customer.inn) or None
        if inn:
            found = Company.get_or_none((Company.inn == inn) & (Company.deleted == False))  # noqa: E712
            if found is not None:
                return found
        if _clean(customer.phone):
            owners = self._find_phone(customer.phone or "", "company")
            live = Company.select().where(Company.id.in_(owners) & (Company.deleted == False))  # noqa: E712
            if owners and (found := live.order_by(Company.id).first()) is not None:
                return found
        phones = [PhoneInput(customer.phone or "", "WORK")] if _clean(customer.phone) else []
        with _prefixed_errors("customer"):
            return self._editing.save_company(
                None,
                CompanyInput(
                    title=customer.title,
                    inn=inn,
                    kpp=customer.kpp,
                    responsible_id=tender.responsible_id,
                    phones=phones,
                ),
            )

    def _contact(
        self, person: ContactPersonInput | None, company: Company | None, responsible_id: int | None
    ) -> Contact | None:
        if person is None or not (_clean(person.name) or _clean(person.last_name) or _clean(person.phone)):
            return None
        if _clean(person.phone):
            owners = self._find_phone(person.phone or "", "contact")
            live = Contact.select().where(Contact.id.in_(owners) & (Contact.deleted == False))  # noqa: E712
            if owners and (found := live.order_by(Contact.id).first()) is not None:
                return found
        with _prefixed_errors("contact"):
            return self._editing.save_contact(
                None,
                ContactInput(
                    name=_clean(person.name) or ("" if _clean(person.last_name) else "Контакт"),
                    last_name=person.last_name,
                    position=person.position,
                    company_id=company.id if company else None,
                    responsible_id=responsible_id,
                    phones=[PhoneInput(person.phone or "", "WORK")] if _clean(person.phone) else [],
                    emails=[EmailInput(person.email or "", "WORK")] if _clean(person.email) else [],
                ),
            )

    def update_tender(self, tender_id: int, data: TenderInput) -> StatusChange:
        """Change a tender's fields; a status change moves the deal's stage where they mean the same."""
        tender = self._tender(tender_id)
        values = self._validate(data, tender_id)
        with self._db.atomic():
            for name, value in values.items():
                setattr(tender, "responsible_id" if name == "responsible" else name, value)
            if data.customer_id is not None:
                tender.customer = data.customer_id
            tender.modified = self._clock()
            tender.save()
            change = self._set_status(tender, data.status)
        return change

    def set_status(self, tender_id: int, status: str) -> StatusChange:
        if status not in TENDER_STATUSES:
            raise ValidationError({"status": f"Unknown status {status!r}."})
        tender = self._tender(tender_id)
        with self._db.atomic():
            return self._set_status(tender, status)

    def _set_status(self, tender: Tender, status: str) -> StatusChange:
        if tender.status != status:
            tender.status = status
            tender.modified = self._clock()
            tender.save()
        target = STATUS_TO_STAGE.get(status)
        if target is None or tender.deal_id is None:
            return StatusChange(tender, None, None)
        deal = Deal.get_by_id(tender.deal_id)
        if self.deal_kapusta_stage(deal) == target:
            return StatusChange(tender, None, None)
        stage_id = self._stage_for(deal.pipeline_id, target)
        if stage_id is None:
            note = f"no stage of pipeline {deal.pipeline_id} is mapped to {target!r}; the deal stays where it is"
            log.warning("tender %s: %s", tender.id, note)
            return StatusChange(tender, None, note)
        self._editing.save_deal(deal.id, self._deal_input(deal, stage_id=stage_id))
        return StatusChange(tender, stage_id, None)

    def on_deal_stage_changed(self, event: DealStageChanged) -> None:
        """A deal reached sent/won/lost in Bitrix24: its tenders follow (without touching the deal again)."""
        status = STAGE_TO_STATUS.get(event.new_stage)
        if status is None:
            return
        with self._db.atomic():
            for tender in Tender.select().where((Tender.deal == event.deal_id) & (Tender.status != status)):
                log.info("tender %s follows deal %s to %s", tender.id, event.deal_id, status)
                tender.status = status
                tender.modified = self._clock()
                tender.save()

    def follow_deal_stages(self) -> int:
        """Align every linked tender with its deal's current stage (catches changes made while closed)."""
        # Two queries in all (the stages' meanings, then the tenders with their deals' stages), not three per tender.
        meaning = {s.status_id: s.kapusta_stage for s in Stage.select(Stage.status_id, Stage.kapusta_stage)}
        if not meaning:  # never synced: Bitrix24's default pipeline
            meaning = derive_kapusta_stage(DEFAULT_STAGES)
        moved = 0
        with self._db.atomic():
            for tender in Tender.select(Tender, Deal.stage_id).join(Deal, on=(Tender.deal == Deal.id)):
                status = STAGE_TO_STATUS.get(meaning.get(tender.deal.stage_id) or "")
                if status is not None and tender.status != status:
                    tender.status = status
                    tender.modified = self._clock()
                    tender.save()
                    moved += 1
        return moved

    # ---- stages ----------------------------------------------------------------------------

    @staticmethod
    def deal_kapusta_stage(deal: Deal) -> str | None:
        stage = Stage.get_or_none(Stage.status_id == deal.stage_id)
        if stage is not None:
            return stage.kapusta_stage
        if not Stage.select().exists():  # never synced: Bitrix24's default pipeline
            return derive_kapusta_stage(DEFAULT_STAGES).get(deal.stage_id)
        return None

    @staticmethod
    def _stage_for(pipeline_id: int, kapusta_stage: str) -> str | None:
        """The first stage (by SORT) of the pipeline that means `kapusta_stage`; "failure" before "apology"."""
        stages = list(
            Stage.select()
            .join(Pipeline)
            .where((Pipeline.b24_id == pipeline_id) & (Stage.kapusta_stage == kapusta_stage))
        )
        if not stages and not Stage.select().exists() and pipeline_id == 0:
            mapping = derive_kapusta_stage(DEFAULT_STAGES)
            defaults = [s for s in DEFAULT_STAGES if mapping[s.status_id] == kapusta_stage]
            defaults.sort(key=lambda s: (s.semantics == "apology", s.sort))
            return defaults[0].status_id if defaults else None
        stages.sort(key=lambda s: (s.semantics == "apology", s.sort, s.status_id))
        return stages[0].status_id if stages else None

    @staticmethod
    def _deal_input(deal: Deal, **override: object) -> DealInput:
        values: dict[str, object] = dict(
            title=deal.title,
            stage_id=deal.stage_id,
            amount=Decimal(deal.amount),
            currency=deal.currency,
            company_id=deal.company_id,
            contact_ids=deal_contact_ids(deal.id),
            responsible_id=deal.responsible_id,
            comment=deal.comment,
        )
        values.update(override)
        return DealInput(**values)  # type: ignore[arg-type]

    # ---- calculations ----------------------------------------------------------------------

    def new_group(self, *, tender_id: int | None = None, deal_id: int | None = None, name: str) -> CalculationGroup:
        name = _clean(name)
        if not name:
            raise ValidationError({"name": "Name the calculation."})
        if len(name) > 200:
            raise ValidationError({"name": "Longer than 200 characters."})
        if (tender_id is None) == (deal_id is None):
            raise ValueError("a calculation belongs to exactly one tender or one deal")
        if tender_id is not None:
            self._tender(tender_id)
        elif Deal.get_or_none(Deal.id == deal_id) is None:
            raise NotFoundError(f"deal {deal_id} is not in the cache")
        return CalculationGroup.create(name=name, tender=tender_id, deal=deal_id, version=1, created=self._clock())

    def new_version(self, group_id: int, name: str | None = None) -> CalculationGroup:
        """A copy of the group and its lines, numbered after the highest version of its siblings; not chosen."""
        source = self._group(group_id)
        with self._db.atomic():
            top = (
                CalculationGroup.select(peewee.fn.MAX(CalculationGroup.version)).where(self._siblings(source)).scalar()
            ) or source.version
            copy = CalculationGroup.create(
                name=_clean(name) or source.name,
                version=top + 1,
                tender=source.tender_id,
                deal=source.deal_id,
                is_chosen=False,
                note=source.note,
                created=self._clock(),
            )
            rows = [
                {**{name: getattr(line, name) for name in LINE_FIELDS}, "position": line.position, "group": copy.id}
                for line in GuardCalcLine.select().where(GuardCalcLine.group == source)
            ]
            if rows:
                GuardCalcLine.insert_many(rows).execute()
        return copy

    def delete_group(self, group_id: int) -> None:
        group = self._group(group_id)
        if group.is_chosen:
            raise TenderError("the chosen calculation cannot be deleted; choose another one first")
        group.delete_instance(recursive=True)

    def save_lines(self, group_id: int, lines: Sequence[LineValues]) -> CalculationGroup:
        """Replace the group's lines; the chosen group's new total goes to the deal."""
        group = self._group(group_id)
        rate = vat_rate()
        errors: dict[str, str] = {}
        for i, line in enumerate(lines):
            if len(line.site_name or "") > 255:
                errors[f"lines.{i}.site_name"] = "Longer than 255 characters."
            try:
                validate_line(line.as_input(), rate)
            except CalcInputError as exc:
                errors[f"lines.{i}.{exc.field}"] = exc.message
        if errors:
            raise ValidationError(errors)
        with self._db.atomic():
            GuardCalcLine.delete().where(GuardCalcLine.group == group).execute()
            rows = [
                {**{name: getattr(line, name) for name in LINE_FIELDS}, "position": i, "group": group.id}
                for i, line in enumerate(lines)
            ]
            if rows:
                GuardCalcLine.insert_many(rows).execute()
            if group.is_chosen:
                self._push_amount(group)
        return group

    def choose_group(self, group_id: int) -> Deal | None:
        """Make the group the chosen one; its gross total becomes the linked deal's amount (returns the deal)."""
        group = self._group(group_id)
        with self._db.atomic():
            CalculationGroup.update(is_chosen=False).where(
                self._siblings(group) & (CalculationGroup.id != group.id)
            ).execute()
            if not group.is_chosen:
                group.is_chosen = True
                group.save()
            if group.tender_id is not None:
                tender = group.tender
                if tender.status in ("new", "analysis"):
                    tender.status = "calculated"
                    tender.modified = self._clock()
                    tender.save()
            return self._push_amount(group)

    def _push_amount(self, group: CalculationGroup) -> Deal | None:
        deal_id = group.deal_id if group.deal_id is not None else (group.tender.deal_id if group.tender_id else None)
        if deal_id is None:
            return None
        deal = Deal.get_or_none((Deal.id == deal_id) & (Deal.deleted == False))  # noqa: E712
        if deal is None:
            return None
        gross = group_figures(group).totals.gross
        if Decimal(deal.amount) == gross:
            return deal
        return self._editing.save_deal(deal.id, self._deal_input(deal, amount=gross))

    @staticmethod
    def _siblings(group: CalculationGroup) -> peewee.Expression:
        """The condition selecting every version of the group's tender (or deal) calculations."""
        if group.tender_id is not None:
            return CalculationGroup.tender == group.tender_id
        return (CalculationGroup.deal == group.deal_id) & CalculationGroup.tender.is_null()

    # ---- deadlines -------------------------------------------------------------------------

    @staticmethod
    def lead_time() -> dt.timedelta:
        hours = get_value(LEAD_HOURS_SETTING, DEFAULT_LEAD_HOURS)
        try:
            value = float(hours)
        except (TypeError, ValueError):
            log.warning("setting %s is not a number: %r; using %s h", LEAD_HOURS_SETTING, hours, DEFAULT_LEAD_HOURS)
            value = DEFAULT_LEAD_HOURS
        return dt.timedelta(hours=max(value, 0))

    def check_deadlines(self, lead: dt.timedelta | None = None) -> list[TenderDeadlineNear]:
        """Raise TenderDeadlineNear for open tenders due within the lead time, once per deadline."""
        now = self._clock()
        lead = self.lead_time() if lead is None else lead
        raised: list[TenderDeadlineNear] = []
        due = Tender.select().where(
            Tender.deadline.is_null(False)
            & (Tender.deadline > now)
            & (Tender.deadline <= now + lead)
            & Tender.status.not_in(sorted(CLOSED_STATUSES))
        )
        for tender in due:
            if tender.deadline_notice_for == tender.deadline:
                continue
            updated = (
                Tender.update(deadline_notice_for=tender.deadline)
                .where((Tender.id == tender.id) & (Tender.deadline == tender.deadline))
                .where(Tender.deadline_notice_for.is_null() | (Tender.deadline_notice_for != tender.deadline))
                .execute()
            )
            if not updated:
                continue  # another checker got there first
            event = TenderDeadlineNear(
                tender_id=tender.id,
                number=tender.number,
                title=tender.title,
                deadline=tender.deadline.replace(tzinfo=dt.UTC),
                responsible_id=tender.responsible_id,
            )
            raised.append(event)
            self._bus.publish(event)
        return raised

    # ---- lookups ---------------------------------------------------------------------------

    @staticmethod
    def _tender(tender_id: int) -> Tender:
        tender = Tender.get_or_none(Tender.id == tender_id)
        if tender is None:
            raise NotFoundError(f"tender {tender_id} does not exist")
        return tender

    @staticmethod
    def _group(group_id: int) -> CalculationGroup:
        group = CalculationGroup.get_or_none(CalculationGroup.id == group_id)
        if group is None:
            raise NotFoundError(f"calculation {group_id} does not exist")
        return group


async def watch_tenders(service: TenderService, *, interval: float = 300.0) -> None:
    """Every `interval` seconds: raise due deadline notices and let tenders catch up with their deals' stages."""
    while True:
        try:
            service.check_deadlines()
            service.follow_deal_stages()
        except Exception:  # a bad row must not stop the watch; the next round tries again
            log.exception("tender watch round failed")
        await asyncio.sleep(interval)
