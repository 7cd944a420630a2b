"""What the PBX reports, as plain typed values (parsed in integrations/mango/events.py).

Kept in the domain so the call tracker can reason about them without I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CALL_STATES = ("Appeared", "Connected", "OnHold", "Disconnected")


@dataclass(frozen=True)
class Party:
    number: str | None = None
    extension: str | None = None
    line_number: str | None = None
    acd_group: str | None = None
    taken_from_call_id: str | None = None
    was_transferred: bool = False
    hold_initiator: bool = False


@dataclass(frozen=True)
class CallEvent:
    """events/call: one state change of one leg (`call_id`) of a call (`entry_id`)."""

    entry_id: str
    call_id: str
    seq: int
    call_state: str
    timestamp: int = 0
    location: str | None = None
    from_: Party = field(default_factory=Party)
    to: Party = field(default_factory=Party)
    disconnect_reason: int | None = None
    transfer: str | None = None
    sip_call_id: str | None = None
    command_id: str | None = None
    callback_initiator: str | None = None
    dct_number: str | None = None
    dct_type: int | None = None


@dataclass(frozen=True)
class SummaryEvent:
    """events/summary: the final word on a whole call."""

    entry_id: str
    call_direction: int  # 0 internal, 1 incoming, 2 outgoing
    from_: Party
    to: Party
    line_number: str | None
    create_time: int
    forward_time: int
    talk_time: int
    end_time: int
    entry_result: int  # 1 talked, 0 missed
    disconnect_reason: int | None

    @property
    def answered(self) -> bool:
        return self.entry_result == 1

    @property
    def talk_seconds(self) -> int:
        if not self.talk_time or not self.end_time:
            return 0
        return max(0, self.end_time - self.talk_time)


@dataclass(frozen=True)
class RecordAddedEvent:
    """events/record/added: a recording of a call was saved."""

    entry_id: str
    recording_id: str
    product_id: str | None = None
    user_id: str | None = None
    timestamp: int = 0


@dataclass(frozen=True)
class RecordingEvent:
    """events/recording: recording state of a leg (started / completed)."""

    entry_id: str | None
    call_id: str | None
    recording_id: str | None
    recording_state: str | None
    timestamp: int = 0


@dataclass(frozen=True)
class CommandResult:
    """result/<command>: the outcome of a command we sent (callback, hangup, ...)."""

    command: str  # "callback", "call/hangup", ...
    command_id: str
    result: int


MangoEvent = CallEvent | SummaryEvent | RecordAddedEvent | RecordingEvent | CommandResult
