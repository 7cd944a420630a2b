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
from kapusta_desktop.store import caller_sql
from kapusta_desktop.store.models import Stage
from kapusta_desktop.store.phone_index import find_by_e164
from kapusta_desktop.store.setting_values import get_value, set_value

REASON_EXACT = "exact number"
REASON_COMPANY_LINE = "company's main line"
REASON_LEAD = "lead's number"
CHOICE_KEY = "mango.caller_choice:"  # + e164 -> {"kind": ..., "id": ...}
MAX_DEALS = caller_sql.MAX_DEALS
MAX_TASKS = caller_sql.MAX_TASKS
MAX_CALLS = caller_sql.MAX_CALLS
OPEN_TASK_STATUSES = caller_sql.OPEN_TASK_STATUSES


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


def _ids(rows: list[tuple[str, int]], kind: str) -> list[int]:
    return [owner_id for owner_type, owner_id in rows if owner_type == kind]


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
    # Hand-written SQL (store/caller_sql.py): one probe of the phone index, one per kind of owner,
    # then per match one query for its open deals and one for its open tasks.

    def _matches(self, e164: str) -> list[CallerMatch]:
        rows = [(p.owner_type, p.owner_id) for p in find_by_e164(e164)]
        out: list[CallerMatch] = []
        for row in caller_sql.contacts(_ids(rows, "contact")):
            out.append(self._contact_match(row))
        for row in caller_sql.companies(_ids(rows, "company")):
            out.append(self._company_match(row))
        for lead_id, b24_id, name, company_title, responsible in caller_sql.leads(_ids(rows, "lead")):
            out.append(
                CallerMatch(
                    kind="lead",
                    id=lead_id,
                    b24_id=b24_id,
                    name=name,
                    reason=REASON_LEAD,
                    company_name=company_title,
                    responsible_id=responsible,
                    responsible_name=self._manager_name(responsible),
                )
            )
        return out

    def _contact_match(self, row: caller_sql.ContactRow) -> CallerMatch:
        contact_id, b24_id, name, responsible_id, company_id, company_title, company_vip, _ = row
        deals = self._deal_briefs(caller_sql.open_deals_of_contact(contact_id, company_id))
        tasks = self._task_briefs([d.id for d in deals], contact_id)
        responsible = deals[0].responsible_id if deals and deals[0].responsible_id else responsible_id
        return CallerMatch(
            kind="contact",
            id=contact_id,
            b24_id=b24_id,
            name=name or company_title or "(no name)",
            reason=REASON_EXACT,
            company_id=company_id,
            company_name=company_title,
            is_vip=company_vip or any(d.is_vip for d in deals),
            responsible_id=responsible,
            responsible_name=self._manager_name(responsible),
            deals=tuple(deals),
            tasks=tuple(tasks),
        )

    def _company_match(self, row: caller_sql.CompanyRow) -> CallerMatch:
        company_id, b24_id, title, is_vip, responsible_id = row
        deals = self._deal_briefs(caller_sql.open_deals_of_company(company_id))
        tasks = self._task_briefs([d.id for d in deals], None)
        responsible = deals[0].responsible_id if deals and deals[0].responsible_id else responsible_id
        return CallerMatch(
            kind="company",
            id=company_id,
            b24_id=b24_id,
            name=title,
            reason=REASON_COMPANY_LINE,
            company_id=company_id,
            company_name=title,
            is_vip=is_vip or any(d.is_vip for d in deals),
            responsible_id=responsible,
            responsible_name=self._manager_name(responsible),
            deals=tuple(deals),
            tasks=tuple(tasks),
        )

    def _deal_briefs(self, rows: list[caller_sql.DealRow]) -> list[DealBrief]:
        names = self._stages()
        return [
            DealBrief(
                id=deal_id,
                b24_id=b24_id,
                title=title,
                stage_id=stage_id,
                stage_name=names.get(stage_id, stage_id),
                amount=amount,
                currency=currency,
                is_vip=is_vip,
                responsible_id=responsible_id,
            )
            for deal_id, b24_id, title, stage_id, amount, currency, is_vip, responsible_id in rows
        ]

    @staticmethod
    def _task_briefs(deal_ids: list[int], contact_id: int | None) -> list[TaskBrief]:
        return [
            TaskBrief(id=i, title=title, deadline=deadline, status=status)
            for i, title, deadline, status in caller_sql.open_tasks(deal_ids, contact_id)
        ]

    @staticmethod
    def _last_calls(e164: str) -> list[CallBrief]:
        return [
            CallBrief(id=i, started_at=at, direction=d, result=r, talk_seconds=talk, extension=ext)
            for i, at, d, r, talk, ext in caller_sql.last_calls(e164)
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
            # The manager table is small: read it whole once, and again only for an id we have not seen.
            self._manager_names.update(caller_sql.manager_names())
        return self._manager_names.get(manager_id, f"#{manager_id}")
