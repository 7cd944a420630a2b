"""Domain events: facts services raise and notice rules (and the UI) react to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class DomainEvent:
    """Base class. `key` identifies the fact itself, so a repeat is recognisable."""

    at: dt.datetime = field(default_factory=_now, kw_only=True)

    @property
    def key(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class TenderCreated(DomainEvent):
    tender_id: int
    number: str
    title: str
    customer: str | None
    max_price: Decimal | None
    deadline: dt.datetime | None
    responsible_id: int | None

    @property
    def key(self) -> str:
        return f"tender-created:{self.tender_id}"


@dataclass(frozen=True)
class TenderDeadlineNear(DomainEvent):
    tender_id: int
    number: str
    title: str
    deadline: dt.datetime
    responsible_id: int | None

    @property
    def key(self) -> str:
        return f"tender-deadline:{self.tender_id}:{self.deadline.isoformat()}"


@dataclass(frozen=True)
class DealStageChanged(DomainEvent):
    deal_id: int
    b24_id: int | None
    title: str
    old_stage: str | None  # KAPUSTA stage: new, inwork, sent, won, lost
    new_stage: str
    amount: Decimal
    currency: str
    company: str | None
    responsible_id: int | None

    @property
    def key(self) -> str:
        return f"deal-stage:{self.deal_id}:{self.new_stage}"


@dataclass(frozen=True)
class VipLead(DomainEvent):
    entity_type: str  # deal, contact, lead
    entity_id: int
    b24_id: int | None
    title: str
    company: str | None
    amount: Decimal | None
    reason: str  # "vip company", "amount over threshold"
    responsible_id: int | None

    @property
    def key(self) -> str:
        return f"vip:{self.entity_type}:{self.entity_id}"


@dataclass(frozen=True)
class WebRequest(DomainEvent):
    entity_type: str  # lead or deal
    b24_id: int
    title: str
    name: str | None
    phone: str | None
    responsible_id: int | None

    @property
    def key(self) -> str:
        return f"web-request:{self.entity_type}:{self.b24_id}"


@dataclass(frozen=True)
class MissedCall(DomainEvent):
    entry_id: str
    number: str  # E.164 or as received
    caller: str | None  # matched name, if any
    company: str | None
    deal_id: int | None
    responsible_id: int | None
    extension: str | None

    @property
    def key(self) -> str:
        return f"missed-call:{self.entry_id}"
