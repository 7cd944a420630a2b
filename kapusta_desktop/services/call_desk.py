"""The call desk: verified Mango events -> call tracker -> caller cards, call records, missed calls.

No Qt here. The desk publishes plain events on the bus (CallRinging with the
caller's card, CallAnswered, CallTakenElsewhere (a colleague answered a call
that rang here), CallEnded, CallLogged, CallbackOutcome,
MissedCallsChanged, and the domain's MissedCall); `ui/` turns them into
signals. Pop-ups are raised only for incoming legs ringing at this desk's
extensions (setting `mango.desk_extensions`); every finished call with an
outside party becomes one CallRecord (unique by Mango's entry_id) and one
outbox entry (key `call-log:<entry_id>`), so a replayed call is logged once.

A missed call is an incoming call nobody answered (summary entry_result 0). It
becomes a callback task through the normal task create of the editing service
(responsible: the deal's or contact's manager, else the manager whose extension
rang, else the `mango.default_manager_id` setting) and a MissedCall event. An
open missed call closes by itself when a later call with that number is
answered or an outgoing call to it connects.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Protocol

import peewee

from kapusta_desktop.domain.call_tracker import CallFinished, CallTracker, LegAnswered, LegEnded, LegRinging
from kapusta_desktop.domain.events import MissedCall
from kapusta_desktop.domain.pbx_events import (
    CallEvent,
    CommandResult,
    MangoEvent,
    RecordAddedEvent,
    SummaryEvent,
)
from kapusta_desktop.integrations.mango import results
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.caller_lookup import CallerCard, CallerLookup, CallerMatch
from kapusta_desktop.services.editing import (
    ContactInput,
    DealInput,
    EditingService,
    PhoneInput,
    TaskInput,
    ValidationError,
)
from kapusta_desktop.services.sync.status import RecordsChanged
from kapusta_desktop.store.models import CallRecord, Company, Contact, Deal, Pipeline, Stage, Task, UserManager
from kapusta_desktop.store.outbox import enqueue
from kapusta_desktop.store.setting_values import get_value

log = logging.getLogger(__name__)

DESK_EXTENSIONS_KEY = "mango.desk_extensions"
DEFAULT_MANAGER_KEY = "mango.default_manager_id"
CALLBACK_DEADLINE = dt.timedelta(hours=1)

# Task templates the pop-up offers: key -> (title, deadline from now).
TASK_TEMPLATES: dict[str, tuple[str, dt.timedelta]] = {
    "call_back": ("Перезвонить клиенту", dt.timedelta(hours=2)),
    "send_offer": ("Отправить коммерческое предложение", dt.timedelta(days=1)),
}


# ---- what the desk publishes -------------------------------------------------------------------


@dataclass(frozen=True)
class CallRinging:
    entry_id: str
    call_id: str
    extension: str
    card: CallerCard
    transferred: bool = False


@dataclass(frozen=True)
class CallAnswered:
    entry_id: str
    call_id: str
    extension: str | None
    at: dt.datetime


class DialError(ValueError):
    """Click-to-call cannot start here; `reason` says why (the UI words it for the operator)."""

    NOT_CONNECTED = "not_connected"
    NOT_A_NUMBER = "not_a_number"
    NO_EXTENSION = "no_extension"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class CallTakenElsewhere:
    """A call that popped up here was answered at another extension: who took it (a colleague, maybe another desk)."""

    entry_id: str
    extension: str | None
    manager_name: str | None


@dataclass(frozen=True)
class CallEnded:
    entry_id: str
    call_id: str
    extension: str | None
    answered: bool


@dataclass(frozen=True)
class CallerUpdated:
    """The card of a ringing call changed (a contact was created from it, a choice was made)."""

    entry_id: str
    card: CallerCard


@dataclass(frozen=True)
class CallLogged:
    entry_id: str
    record_id: int
    result: str
    direction: int


@dataclass(frozen=True)
class CallbackOutcome:
    command_id: str
    ok: bool
    code: int
    text: str
    number: str | None


@dataclass(frozen=True)
class MissedCallsChanged:
    pass


class CallbackSender(Protocol):
    async def callback(
        self, *, extension: str, to_number: str, line_number: str | None = None, command_id: str | None = None
    ) -> str: ...


def _utc(ts: int | None) -> dt.datetime | None:
    if not ts:
        return None
    return dt.datetime.fromtimestamp(ts, dt.UTC).replace(tzinfo=None)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _first_stage() -> str:
    """The first stage of the default pipeline (a new deal starts there)."""
    row = (
        Stage.select(Stage.status_id)
        .join(Pipeline)
        .where(Pipeline.b24_id == 0)
        .order_by(Stage.sort, Stage.id)
        .first()
    )
    return row.status_id if row else "NEW"


class CallDesk:
    def __init__(
        self,
        bus: EventBus,
        database: peewee.Database,
        *,
        editing: EditingService | None = None,
        lookup: CallerLookup | None = None,
        desk_extensions: Callable[[], Collection[str]] | None = None,
        mango: CallbackSender | None = None,
        clock: Callable[[], dt.datetime] = _now,
    ) -> None:
        self.bus = bus
        self._db = database
        self.editing = editing or EditingService(database)
        self.lookup = lookup or CallerLookup()
        self._desk_extensions = desk_extensions or (lambda: [str(x) for x in get_value(DESK_EXTENSIONS_KEY, [])])
        self.mango = mango
        self._clock = clock
        self.tracker = CallTracker()
        self._cards: dict[str, CallerCard] = {}  # entry_id -> card of a call that popped up here
        self._popped: set[tuple[str, str]] = set()  # (entry_id, call_id) legs shown at this desk
        self._callbacks: dict[str, str] = {}  # command_id -> number, for the outcome text
        # The lookup keeps stage and manager names between calls: a sync may have renamed or added some.
        bus.subscribe(RecordsChanged, lambda _event: self.lookup.forget_cached_names())

    # ---- events in ----------------------------------------------------------------------------

    def handle(self, event: MangoEvent) -> None:
        """The listener's callback: every verified event goes through here."""
        if isinstance(event, CallEvent | SummaryEvent):
            for t in self.tracker.apply(event):
                self._on_transition(t)
        elif isinstance(event, RecordAddedEvent):
            self._on_recording(event)
        elif isinstance(event, CommandResult):
            self._on_result(event)

    def expire_stale(self, now: int | None = None) -> None:
        """Close calls whose summary never came (call every minute or so)."""
        now = now if now is not None else int(self._clock().replace(tzinfo=dt.UTC).timestamp())
        for t in self.tracker.expire(now):
            self._on_transition(t)

    def _on_transition(self, t: object) -> None:
        if isinstance(t, LegRinging):
            if t.direction != 1 or t.extension not in set(self._desk_extensions()):
                return
            card = self._cards.get(t.entry_id)
            if card is None:
                card = self._cards[t.entry_id] = self.lookup.card(t.client_number)
            self._popped.add((t.entry_id, t.call_id))
            self.bus.publish(CallRinging(t.entry_id, t.call_id, t.extension, card, t.transferred))
        elif isinstance(t, LegAnswered):
            if (t.entry_id, t.call_id) in self._popped:
                self.bus.publish(CallAnswered(t.entry_id, t.call_id, t.extension, _utc(t.at) or self._clock()))
            elif t.entry_id in self._cards and t.extension not in set(self._desk_extensions()):
                self.bus.publish(CallTakenElsewhere(t.entry_id, t.extension, self._manager_name(t.extension)))
        elif isinstance(t, LegEnded):
            if (t.entry_id, t.call_id) in self._popped:
                self._popped.discard((t.entry_id, t.call_id))
                self.bus.publish(CallEnded(t.entry_id, t.call_id, t.extension, t.answered))
        elif isinstance(t, CallFinished):
            self._popped = {leg for leg in self._popped if leg[0] != t.entry_id}
            card = self._cards.pop(t.entry_id, None)
            self.finish(t, card)

    # ---- finished calls -----------------------------------------------------------------------

    def finish(self, t: CallFinished, card: CallerCard | None = None) -> CallRecord | None:
        """Store the call once and queue its log; a missed incoming call gets a callback task."""
        if t.direction not in (1, 2) or not t.client_number:
            return None  # internal calls are not CRM traffic
        if CallRecord.select().where(CallRecord.entry_id == t.entry_id).exists():
            return None
        card = card or self.lookup.card(t.client_number)
        match = card.best
        deal_id = match.deals[0].id if match and match.deals else None
        missed = t.result == "missed" and t.direction == 1
        task: Task | None = None
        try:
            with self._db.atomic():
                record = CallRecord.create(
                    entry_id=t.entry_id,
                    direction=t.direction,
                    from_number=t.client_number if t.direction == 1 else t.extension,
                    to_number=t.extension if t.direction == 1 else t.client_number,
                    e164=card.e164,
                    extension=t.extension,
                    line_number=t.line_number,
                    started_at=_utc(t.started_at) or self._clock(),
                    answered_at=_utc(t.answered_at),
                    ended_at=_utc(t.ended_at) or self._clock(),
                    talk_seconds=t.talk_seconds,
                    result=t.result,
                    disconnect_reason=t.disconnect_reason,
                    contact=match.id if match and match.kind == "contact" else None,
                    company=match.company_id if match and match.kind in ("contact", "company") else None,
                    deal=deal_id,
                    manager=self._manager_for_extension(t.extension),
                    command_id=t.command_id,
                    sync_state="pending",
                )
                enqueue(
                    target="bitrix24",
                    entity_type="call",
                    entity_id=record.id,
                    op="log_call",
                    payload={"entry_id": t.entry_id, "result": t.result, "direction": t.direction},
                    key=f"call-log:{t.entry_id}",
                )
                if t.result == "answered" and card.e164:
                    self._close_missed(card.e164, before=record.started_at, exclude=record.id)
                if missed:
                    task = self._callback_task(t, card, match, deal_id)
                    if task is not None:
                        record.callback_task = task.id
                        record.save()
        except peewee.IntegrityError:
            return None  # another desk on a shared cache stored this call first
        self.bus.publish(CallLogged(t.entry_id, record.id, t.result, t.direction))
        if missed:
            self.bus.publish(
                MissedCall(
                    entry_id=t.entry_id,
                    number=card.e164 or t.client_number,
                    caller=match.name if match else None,
                    company=match.company_name if match else None,
                    deal_id=deal_id,
                    responsible_id=task.responsible_id if task else None,
                    extension=t.extension,
                )
            )
        if missed or t.result == "answered":
            self.bus.publish(MissedCallsChanged())
        return record

    def _manager_name(self, extension: str | None) -> str | None:
        if not extension:
            return None
        row = UserManager.get_or_none(UserManager.mango_extension == extension, UserManager.active == True)  # noqa: E712
        return row.name if row else None

    def _manager_for_extension(self, extension: str | None) -> int | None:
        if not extension:
            return None
        row = UserManager.get_or_none(UserManager.mango_extension == extension, UserManager.active == True)  # noqa: E712
        return row.id if row else None

    def _responsible_for_missed(self, t: CallFinished, match: CallerMatch | None) -> int | None:
        if match and match.responsible_id:
            return match.responsible_id
        for ext in (t.extension, *t.rung_extensions):
            manager = self._manager_for_extension(ext)
            if manager:
                return manager
        default = get_value(DEFAULT_MANAGER_KEY)
        try:
            return int(default) if default is not None else None
        except (TypeError, ValueError):
            return None

    def _callback_task(
        self, t: CallFinished, card: CallerCard, match: CallerMatch | None, deal_id: int | None
    ) -> Task | None:
        responsible = self._responsible_for_missed(t, match)
        who = f"{match.name} ({card.display})" if match else card.display
        try:
            return self.editing.save_task(
                None,
                TaskInput(
                    title=f"Перезвонить: {who}"[:255],
                    deadline=self._clock() + CALLBACK_DEADLINE,
                    responsible_id=responsible,
                    deal_id=deal_id,
                    description=f"Пропущенный звонок с {card.display}"
                    + (f" на добавочный {t.extension}" if t.extension else "")
                    + f". Mango entry_id {t.entry_id}.",
                ),
            )
        except ValidationError as exc:
            log.warning("missed call %s: no callback task (%s)", t.entry_id, exc)
            return None

    def _close_missed(self, e164: str, *, before: dt.datetime, exclude: int) -> int:
        return (
            CallRecord.update(callback_closed_at=self._clock())
            .where(
                CallRecord.e164 == e164,
                CallRecord.result == "missed",
                CallRecord.direction == 1,
                CallRecord.callback_closed_at.is_null(),
                CallRecord.started_at <= before,
                CallRecord.id != exclude,
            )
            .execute()
        )

    # ---- recordings and command results -------------------------------------------------------

    def _on_recording(self, ev: RecordAddedEvent) -> None:
        record = CallRecord.get_or_none(CallRecord.entry_id == ev.entry_id)
        if record is None:
            log.info("recording %s for an unknown call %s ignored", ev.recording_id, ev.entry_id)
            return
        if record.recording_id == ev.recording_id:
            return
        with self._db.atomic():
            record.recording_id = ev.recording_id
            record.save()
            enqueue(
                target="bitrix24",
                entity_type="call",
                entity_id=record.id,
                op="log_call",
                payload={"entry_id": ev.entry_id, "recording_id": ev.recording_id},
                key=f"call-recording:{ev.entry_id}:{ev.recording_id}",
            )

    def issued_command(self, command_id: str) -> bool:
        """Whether this desk started that command (a team desk hears every desk's command results)."""
        return command_id in self._callbacks

    def _on_result(self, ev: CommandResult) -> None:
        if ev.command != "callback":
            return
        number = self._callbacks.pop(ev.command_id, None)
        ok = results.is_ok(ev.result) or results.is_normal_call_end(ev.result)
        self.bus.publish(CallbackOutcome(ev.command_id, ok, ev.result, results.describe(ev.result), number))

    # ---- operator actions ---------------------------------------------------------------------

    async def call_client(self, number: str, *, extension: str | None = None) -> str:
        """Click-to-call: ring this desk's phone, then the client. Returns the command_id."""
        if self.mango is None:
            raise DialError(DialError.NOT_CONNECTED, "Mango Office is not connected")
        e164 = self.lookup.to_e164(number)
        if e164 is None:
            raise DialError(DialError.NOT_A_NUMBER, f"not a phone number: {number!r}")
        extension = extension or next(iter(self._desk_extensions()), None)
        if not extension:
            raise DialError(DialError.NO_EXTENSION, "this desk has no extension set (mango.desk_extensions)")
        command_id = await self.mango.callback(extension=extension, to_number=e164.lstrip("+"))
        self._callbacks[command_id] = e164
        return command_id

    def choose_match(self, entry_id: str | None, card: CallerCard, match: CallerMatch) -> CallerCard:
        """The operator picked one of several matches: remember it for that number."""
        if card.e164:
            self.lookup.remember_choice(card.e164, match)
        new = self.lookup.card(card.number)
        if entry_id and entry_id in self._cards:
            self._cards[entry_id] = new
            self.bus.publish(CallerUpdated(entry_id, new))
        return new

    def create_contact_from_call(
        self, entry_id: str | None, card: CallerCard, *, name: str, with_deal: bool = False
    ) -> Contact:
        """Unknown number: one click makes a contact (and optionally a deal) with the number filled in."""
        responsible = self._manager_for_extension(next(iter(self._desk_extensions()), None))
        if responsible is None:
            default = get_value(DEFAULT_MANAGER_KEY)
            responsible = int(default) if isinstance(default, int | str) and str(default).isdigit() else None
        with self._db.atomic():
            contact = self.editing.save_contact(
                None,
                ContactInput(
                    name=name.strip() or card.display,
                    phones=[PhoneInput(value=card.e164 or card.number or "", value_type="WORK")],
                    responsible_id=responsible,
                ),
            )
            if with_deal:
                self.editing.save_deal(
                    None,
                    DealInput(
                        title=f"Звонок {card.display}",
                        stage_id=_first_stage(),
                        contact_ids=[contact.id],
                        responsible_id=responsible,
                    ),
                )
        new = self.lookup.card(card.number)
        if entry_id and entry_id in self._cards:
            self._cards[entry_id] = new
        if entry_id:
            self.bus.publish(CallerUpdated(entry_id, new))
        return contact

    def create_task_from_template(self, template: str, *, deal_id: int, responsible_id: int | None = None) -> Task:
        if template not in TASK_TEMPLATES:
            raise ValueError(f"unknown task template {template!r}")
        title, due = TASK_TEMPLATES[template]
        deal = Deal.get_or_none(Deal.id == deal_id)
        if deal is None:
            raise ValueError("this deal is not in the cache")
        return self.editing.save_task(
            None,
            TaskInput(
                title=f"{title}: {deal.title}"[:255],
                deadline=self._clock() + due,
                responsible_id=responsible_id or deal.responsible_id,
                deal_id=deal_id,
            ),
        )

    # ---- lists --------------------------------------------------------------------------------

    @staticmethod
    def missed_calls(*, open_only: bool = True, limit: int = 500) -> list[CallRecord]:
        q = _with_parties().where(CallRecord.result == "missed", CallRecord.direction == 1)
        if open_only:
            q = q.where(CallRecord.callback_closed_at.is_null())
        return list(q.order_by(CallRecord.started_at.desc()).limit(limit))

    def close_missed(self, record_id: int) -> None:
        CallRecord.update(callback_closed_at=self._clock()).where(
            CallRecord.id == record_id, CallRecord.callback_closed_at.is_null()
        ).execute()
        self.bus.publish(MissedCallsChanged())

    @staticmethod
    def call_history(
        *,
        result: str | None = None,
        direction: int | None = None,
        number: str | None = None,
        since: dt.datetime | None = None,
        limit: int = 500,
    ) -> list[CallRecord]:
        q = _with_parties()
        if result:
            q = q.where(CallRecord.result == result)
        if direction is not None:
            q = q.where(CallRecord.direction == direction)
        if number:
            digits = "".join(ch for ch in number if ch.isdigit())
            if digits:
                q = q.where(CallRecord.e164.contains(digits))
        if since is not None:
            q = q.where(CallRecord.started_at >= since)
        return list(q.order_by(CallRecord.started_at.desc()).limit(limit))


def _with_parties() -> peewee.ModelSelect:
    """Call records with the contact, company and callback task the Calls views show, in one query (not one each)."""
    return (
        CallRecord.select(CallRecord, Contact, Company, Task)
        .join(Contact, peewee.JOIN.LEFT_OUTER, on=(CallRecord.contact == Contact.id))
        .switch(CallRecord)
        .join(Company, peewee.JOIN.LEFT_OUTER, on=(CallRecord.company == Company.id))
        .switch(CallRecord)
        .join(Task, peewee.JOIN.LEFT_OUTER, on=(CallRecord.callback_task == Task.id))
    )
