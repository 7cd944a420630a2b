"""The call state machine: Mango events in, plain transitions out. Pure, no I/O.

A call (`entry_id`) has one or more legs (`call_id`): a queue or group call
rings several extensions, a transfer adds a leg, a callback is two legs (the
employee first, then the client with `from.taken_from_call_id`). The PBX sends
events in parallel, so they arrive out of order and sometimes twice: each leg
applies events in `seq` order, an exact repeat or an event older than one
already applied is dropped. `events/summary` is the final word: it finishes
the call, and anything arriving for that call afterwards is ignored.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from kapusta_desktop.domain.pbx_events import CallEvent, SummaryEvent

# How many finished calls we remember to recognise late or replayed events.
FINISHED_MEMORY = 10_000


@dataclass(frozen=True)
class LegRinging:
    entry_id: str
    call_id: str
    extension: str
    client_number: str | None
    line_number: str | None
    direction: int  # 1 incoming, 2 outgoing (callback / dialled), 0 internal
    transferred: bool
    command_id: str | None
    at: int


@dataclass(frozen=True)
class LegAnswered:
    entry_id: str
    call_id: str
    extension: str | None
    client_number: str | None
    direction: int
    at: int


@dataclass(frozen=True)
class LegEnded:
    entry_id: str
    call_id: str
    extension: str | None
    answered: bool
    disconnect_reason: int | None
    at: int


@dataclass(frozen=True)
class CallFinished:
    entry_id: str
    result: str  # "answered" | "missed"
    direction: int
    client_number: str | None
    extension: str | None  # who answered; for a missed call the first who missed it
    line_number: str | None
    started_at: int
    answered_at: int | None
    ended_at: int
    talk_seconds: int
    disconnect_reason: int | None
    rung_extensions: tuple[str, ...]
    command_id: str | None
    inferred: bool = False  # True when closed without a summary (see expire)


Transition = LegRinging | LegAnswered | LegEnded | CallFinished


@dataclass
class Leg:
    call_id: str
    seq: int = -1
    state: str = ""
    extension: str | None = None
    rang: bool = False
    answered: bool = False
    ended: bool = False
    answered_at: int | None = None


@dataclass
class TrackedCall:
    entry_id: str
    legs: dict[str, Leg] = field(default_factory=dict)
    seen: set[tuple[str, int, str]] = field(default_factory=set)
    client_number: str | None = None
    line_number: str | None = None
    direction: int = 1
    command_id: str | None = None
    first_at: int = 0
    last_at: int = 0

    @property
    def all_legs_ended(self) -> bool:
        return bool(self.legs) and all(leg.ended for leg in self.legs.values())


def _direction_and_client(ev: CallEvent) -> tuple[int, str | None]:
    """Which side is the outside party: the one without an extension."""
    if ev.command_id or ev.callback_initiator:
        # A callback we ordered: the employee leg has no outside party, the client leg calls out.
        return 2, (ev.to.number if ev.to.extension is None else None)
    if ev.from_.extension is None and ev.from_.number:
        return 1, ev.from_.number
    if ev.to.extension is None and ev.to.number:
        return 2, ev.to.number
    return 0, None


def _rung(call: TrackedCall) -> tuple[str, ...]:
    return tuple(dict.fromkeys(leg.extension for leg in call.legs.values() if leg.rang and leg.extension))


class CallTracker:
    def __init__(self) -> None:
        self.calls: dict[str, TrackedCall] = {}
        self._finished: OrderedDict[str, None] = OrderedDict()
        self.dropped = 0

    def is_finished(self, entry_id: str) -> bool:
        return entry_id in self._finished

    def apply(self, event: CallEvent | SummaryEvent) -> list[Transition]:
        if isinstance(event, SummaryEvent):
            return self._apply_summary(event)
        return self._apply_call(event)

    def _apply_call(self, ev: CallEvent) -> list[Transition]:
        if ev.entry_id in self._finished:
            self.dropped += 1
            return []
        call = self.calls.get(ev.entry_id)
        if call is None:
            call = self.calls[ev.entry_id] = TrackedCall(entry_id=ev.entry_id, first_at=ev.timestamp)
        mark = (ev.call_id, ev.seq, ev.call_state)
        if mark in call.seen:
            self.dropped += 1
            return []
        call.seen.add(mark)
        leg = call.legs.get(ev.call_id)
        if leg is None:
            leg = call.legs[ev.call_id] = Leg(call_id=ev.call_id)
        if ev.seq <= leg.seq or leg.ended:
            self.dropped += 1  # stale: a later state of this leg is already applied
            return []
        leg.seq = ev.seq
        leg.state = ev.call_state
        call.first_at = min(call.first_at or ev.timestamp, ev.timestamp) if ev.timestamp else call.first_at
        call.last_at = max(call.last_at, ev.timestamp)
        call.command_id = call.command_id or ev.command_id
        direction, client = _direction_and_client(ev)
        if ev.command_id:
            call.direction = 2
        if client and call.client_number is None:
            call.client_number = client
            call.direction = direction if not call.command_id else 2
        call.line_number = call.line_number or ev.to.line_number or ev.from_.line_number
        # The desk-side extension of this leg: the callee for incoming legs, the caller for outgoing ones.
        extension = ev.to.extension or (ev.from_.extension if ev.to.extension is None else None)
        leg.extension = leg.extension or extension
        out: list[Transition] = []
        if ev.call_state in ("Appeared", "Connected", "OnHold") and not leg.rang and ev.to.extension:
            leg.rang = True
            out.append(
                LegRinging(
                    entry_id=call.entry_id,
                    call_id=leg.call_id,
                    extension=ev.to.extension,
                    client_number=call.client_number,
                    line_number=call.line_number,
                    direction=call.direction,
                    transferred=ev.to.was_transferred or ev.from_.was_transferred or bool(ev.transfer),
                    command_id=ev.command_id or call.command_id,
                    at=ev.timestamp,
                )
            )
        if ev.call_state in ("Connected", "OnHold") and not leg.answered:
            leg.answered, leg.answered_at = True, ev.timestamp
            out.append(
                LegAnswered(
                    entry_id=call.entry_id,
                    call_id=leg.call_id,
                    extension=leg.extension,
                    client_number=call.client_number,
                    direction=call.direction,
                    at=ev.timestamp,
                )
            )
        if ev.call_state == "Disconnected":
            leg.ended = True
            out.append(
                LegEnded(
                    entry_id=call.entry_id,
                    call_id=leg.call_id,
                    extension=leg.extension,
                    answered=leg.answered,
                    disconnect_reason=ev.disconnect_reason,
                    at=ev.timestamp,
                )
            )
        return out

    def _apply_summary(self, s: SummaryEvent) -> list[Transition]:
        if s.entry_id in self._finished:
            self.dropped += 1
            return []
        call = self.calls.pop(s.entry_id, None)
        self._remember_finished(s.entry_id)
        out: list[Transition] = []
        if call is not None:
            # Legs still open get closed so the UI can let their pop-ups go.
            for leg in call.legs.values():
                if not leg.ended:
                    leg.ended = True
                    out.append(
                        LegEnded(s.entry_id, leg.call_id, leg.extension, leg.answered, s.disconnect_reason, s.end_time)
                    )
        if s.call_direction == 2:
            client, ext = s.to.number, s.from_.extension
        elif s.call_direction == 1:
            client, ext = s.from_.number, s.to.extension
        else:
            client, ext = (call.client_number if call else None), s.to.extension or s.from_.extension
        if client is None and call is not None:
            client = call.client_number
        rung = _rung(call) if call else ()
        out.append(
            CallFinished(
                entry_id=s.entry_id,
                result="answered" if s.answered else "missed",
                direction=s.call_direction,
                client_number=client,
                extension=ext,
                line_number=s.line_number or (call.line_number if call else None),
                started_at=s.create_time or (call.first_at if call else 0),
                answered_at=s.talk_time or None,
                ended_at=s.end_time,
                talk_seconds=s.talk_seconds,
                disconnect_reason=s.disconnect_reason,
                rung_extensions=rung,
                command_id=call.command_id if call else None,
            )
        )
        return out

    def expire(self, now: int, *, grace_seconds: int = 300) -> list[Transition]:
        """Close calls whose legs all ended long ago but whose summary never came."""
        out: list[Transition] = []
        for entry_id, call in list(self.calls.items()):
            if not call.all_legs_ended or now - call.last_at < grace_seconds:
                continue
            del self.calls[entry_id]
            self._remember_finished(entry_id)
            answered = [leg for leg in call.legs.values() if leg.answered]
            rung = _rung(call)
            first = answered[0] if answered else None
            out.append(
                CallFinished(
                    entry_id=entry_id,
                    result="answered" if answered else "missed",
                    direction=call.direction,
                    client_number=call.client_number,
                    extension=first.extension if first else (rung[0] if rung else None),
                    line_number=call.line_number,
                    started_at=call.first_at,
                    answered_at=first.answered_at if first else None,
                    ended_at=call.last_at,
                    talk_seconds=max(0, call.last_at - first.answered_at) if first and first.answered_at else 0,
                    disconnect_reason=None,
                    rung_extensions=rung,
                    command_id=call.command_id,
                    inferred=True,
                )
            )
        return out

    def _remember_finished(self, entry_id: str) -> None:
        self._finished[entry_id] = None
        while len(self._finished) > FINISHED_MEMORY:
            self._finished.popitem(last=False)
