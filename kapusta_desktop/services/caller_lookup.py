"""Who is calling: the caller's card from the LOCAL cache only (works while Bitrix24 is down).

The number Mango sends (digits with the country code, no plus) and the numbers
people typed into the CRM are both normalised to E.164, so the lookup is one
probe of the indexed phone table. A contact's own phone matches as "exact
number"; a company's phone as "company's main line" (that company's contacts
are then candidates too). With several matches the operator's earlier choice
for that number (a Setting) comes first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import phonenumbers

from kapusta_desktop.services.editing import NormalisedPhone, default_phone_normaliser
from kapusta_desktop.store.models import (
    CallRecord,
    Company,
    Contact,
    Deal,
    DealContact,
    Lead,
    Phone,
    Stage,
    Task,
    UserManager,
)
from kapusta_desktop.store.setting_values import get_value, set_value

REASON_EXACT = "exact number"
REASON_COMPANY_LINE = "company's main line"
REASON_LEAD = "lead's number"
CHOICE_KEY = "mango.caller_choice:"  # + e164 -> {"kind": ..., "id": ...}
MAX_DEALS = 8
MAX_TASKS = 8
MAX_CALLS = 5
OPEN_TASK_STATUSES = (2, 3, 4, 6)


@dataclass(frozen=True)
class DealBrief:
    id: int
    b24_id: int | None
    title: str
    stage_id: str
    stage_name: str
    amount: Decimal
    currency: str
    is_vip: bool
    responsible_id: int | None


@dataclass(frozen=True)
class TaskBrief:
    id: int
    title: str
    deadline: dt.datetime | None
    status: int


@dataclass(frozen=True)
class CallBrief:
    id: int
    started_at: dt.datetime
    direction: int
    result: str
    talk_seconds: int
    extension: str | None


@dataclass(frozen=True)
class CallerMatch:
    kind: str  # contact, company, lead
    id: int
    b24_id: int | None
    name: str
    reason: str
    company_id: int | None = None
    company_name: str | None = None
    is_vip: bool = False
    responsible_id: int | None = None
    responsible_name: str | None = None
    deals: tuple[DealBrief, ...] = ()
    tasks: tuple[TaskBrief, ...] = ()

    @property
    def key(self) -> dict[str, object]:
        return {"kind": self.kind, "id": self.id}


@dataclass(frozen=True)
class CallerCard:
    number: str | None  # as Mango sent it
    e164: str | None
    display: str  # formatted for people
    matches: tuple[CallerMatch, ...] = ()
    last_calls: tuple[CallBrief, ...] = ()
    remembered: bool = False  # the first match is the operator's earlier choice

    @property
    def best(self) -> CallerMatch | None:
        return self.matches[0] if self.matches else None

    @property
    def is_vip(self) -> bool:
        return any(m.is_vip for m in self.matches)

    @property
    def caller_name(self) -> str:
        return self.best.name if self.best else self.display


def pbx_number_to_e164(number: str | None, normalise: Callable[[str], NormalisedPhone | None]) -> str | None:
    """Mango sends digits with the country code and no plus; SIP URIs are not client numbers."""
    if not number:
        return None
    text = number.strip()
    if text.lower().startswith("sip:"):
        return None
    result = normalise(text)
    if (result is None or result.e164 is None) and text.isdigit() and len(text) >= 11:
        result = normalise("+" + text)  # a foreign number with its country code and no plus
    return result.e164 if result else None


def display_number(e164: str | None, raw: str | None) -> str:
    if e164:
        try:
            return phonenumbers.format_number(
                phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL
            )
        except phonenumbers.NumberParseException:
            return e164
    return raw or "unknown number"


class CallerLookup:
    def __init__(self, normalise: Callable[[str], NormalisedPhone | None] | None = None) -> None:
        self._normalise = normalise or default_phone_normaliser
        self._stage_names: dict[str, str] | None = None
        self._manager_names: dict[int, str] = {}

    def to_e164(self, number: str | None) -> str | None:
        return pbx_number_to_e164(number, self._normalise)

    def card(self, number: str | None) -> CallerCard:
        e164 = self.to_e164(number)
        display = display_number(e164, number)
        if e164 is None:
            return CallerCard(number=number, e164=None, display=display)
        matches = self._matches(e164)
        remembered = False
        choice = get_value(CHOICE_KEY + e164) if len(matches) > 1 else None
        if isinstance(choice, dict):
            for i, m in enumerate(matches):
                if m.kind == choice.get("kind") and m.id == choice.get("id"):
                    matches = [m, *matches[:i], *matches[i + 1 :]]
                    remembered = True
                    break
        return CallerCard(
            number=number,
            e164=e164,
            display=display,
            matches=tuple(matches),
            last_calls=self._last_calls(e164),
            remembered=remembered,
        )

    @staticmethod
    def remember_choice(e164: str, match: CallerMatch) -> None:
        set_value(CHOICE_KEY + e164, match.key)

    # ---- matching ---------------------------------------------------------------------------

    def _matches(self, e164: str) -> list[CallerMatch]:
        rows = list(Phone.select(Phone.owner_type, Phone.owner_id).where(Phone.e164 == e164).tuples())
        contacts = [oid for kind, oid in rows if kind == "contact"]
        companies = [oid for kind, oid in rows if kind == "company"]
        leads = [oid for kind, oid in rows if kind == "lead"]
        out: list[CallerMatch] = []
        seen_contacts: set[int] = set()
        # Skip empty probes: each query costs more to build than to run.
        for contact in self._rows(Contact, contacts):
            seen_contacts.add(contact.id)
            out.append(self._contact_match(contact, REASON_EXACT))
        for company in self._rows(Company, companies):
            out.append(self._company_match(company))
        for lead in Lead.select().where(Lead.id.in_(leads)) if leads else ():
            out.append(
                CallerMatch(
                    kind="lead",
                    id=lead.id,
                    b24_id=lead.b24_id,
                    name=lead.name or lead.title,
                    reason=REASON_LEAD,
                    company_name=lead.company_title,
                    responsible_id=lead.responsible_id,
                    responsible_name=self._manager_name(lead.responsible_id),
                )
            )
        return out

    @staticmethod
    def _rows(model: type[Contact] | type[Company], ids: list[int]) -> list:
        if not ids:
            return []
        return list(model.select().where(model.id.in_(ids), model.deleted == False))  # noqa: E712

    def _contact_match(self, contact: Contact, reason: str) -> CallerMatch:
        company = Company.get_or_none(Company.id == contact.company_id) if contact.company_id else None
        links = DealContact.select(DealContact.deal).where(DealContact.contact == contact.id)
        deal_ids = [d for (d,) in links.tuples()]
        # Two index probes (by id, by company) rather than one OR that SQLite would answer by a scan.
        found = list(Deal.select().where(Deal.id.in_(deal_ids))) if deal_ids else []
        if company is not None:
            found += list(Deal.select().where(Deal.company == company.id))
        deals = self._deal_briefs(found)
        tasks = self._task_briefs([d.id for d in deals], contact.id)
        responsible = deals[0].responsible_id if deals and deals[0].responsible_id else contact.responsible_id
        return CallerMatch(
            kind="contact",
            id=contact.id,
            b24_id=contact.b24_id,
            name=contact.full_name or (company.title if company else "") or "(no name)",
            reason=reason,
            company_id=company.id if company else None,
            company_name=company.title if company else None,
            is_vip=bool(company and company.is_vip) or any(d.is_vip for d in deals),
            responsible_id=responsible,
            responsible_name=self._manager_name(responsible),
            deals=tuple(deals),
            tasks=tuple(tasks),
        )

    def _company_match(self, company: Company) -> CallerMatch:
        deals = self._deal_briefs(
            list(Deal.select().where(Deal.company == company.id))
        )
        tasks = self._task_briefs([d.id for d in deals], None)
        responsible = deals[0].responsible_id if deals and deals[0].responsible_id else company.responsible_id
        return CallerMatch(
            kind="company",
            id=company.id,
            b24_id=company.b24_id,
            name=company.title,
            reason=REASON_COMPANY_LINE,
            company_id=company.id,
            company_name=company.title,
            is_vip=company.is_vip or any(d.is_vip for d in deals),
            responsible_id=responsible,
            responsible_name=self._manager_name(responsible),
            deals=tuple(deals),
            tasks=tuple(tasks),
        )

    def _deal_briefs(self, deals: list[Deal]) -> list[DealBrief]:
        names = self._stages()
        unique = {d.id: d for d in deals if not d.closed and not d.deleted}.values()
        newest = sorted(unique, key=lambda d: (d.date_create is not None, d.date_create, d.id), reverse=True)
        return [
            DealBrief(
                id=d.id,
                b24_id=d.b24_id,
                title=d.title,
                stage_id=d.stage_id,
                stage_name=names.get(d.stage_id, d.stage_id),
                amount=d.amount,
                currency=d.currency,
                is_vip=d.is_vip,
                responsible_id=d.responsible_id,
            )
            for d in list(newest)[:MAX_DEALS]
        ]

    @staticmethod
    def _task_briefs(deal_ids: list[int], contact_id: int | None) -> list[TaskBrief]:
        found: dict[int, Task] = {}
        if deal_ids:
            found.update((t.id, t) for t in Task.select().where(Task.deal.in_(deal_ids)))
        if contact_id is not None:
            found.update((t.id, t) for t in Task.select().where(Task.contact == contact_id))
        # Open/deleted are filtered here: with those (indexed, low-selectivity) columns in the WHERE,
        # SQLite without statistics may walk the `closed`/`deleted` index instead of the foreign key.
        found = {i: t for i, t in found.items() if t.status in OPEN_TASK_STATUSES and not t.deleted}
        far = dt.datetime.max
        rows = sorted(found.values(), key=lambda t: (t.deadline or far, t.id))[:MAX_TASKS]
        return [TaskBrief(id=t.id, title=t.title, deadline=t.deadline, status=t.status) for t in rows]

    @staticmethod
    def _last_calls(e164: str) -> list[CallBrief]:
        rows = (
            CallRecord.select()
            .where(CallRecord.e164 == e164)
            .order_by(CallRecord.started_at.desc())
            .limit(MAX_CALLS)
        )
        return [
            CallBrief(
                id=r.id,
                started_at=r.started_at,
                direction=r.direction,
                result=r.result,
                talk_seconds=r.talk_seconds,
                extension=r.extension,
            )
            for r in rows
        ]

    def _stages(self) -> dict[str, str]:
        if self._stage_names is None:
            self._stage_names = {s.status_id: s.name for s in Stage.select(Stage.status_id, Stage.name)}
        return self._stage_names

    def forget_cached_names(self) -> None:
        """Call after a sync changed stages or managers."""
        self._stage_names = None
        self._manager_names.clear()

    def _manager_name(self, manager_id: int | None) -> str | None:
        if manager_id is None:
            return None
        if manager_id not in self._manager_names:
            row = UserManager.get_or_none(UserManager.id == manager_id)
            self._manager_names[manager_id] = row.name if row else f"#{manager_id}"
        return self._manager_names[manager_id]
