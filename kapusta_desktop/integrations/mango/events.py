"""Typed, lenient parsing of what the PBX POSTs to the listener.

The PBX is loose with types (`seq` and `extension` may be strings or numbers,
optional blocks may be missing or null), so every field is coerced here once
and the rest of the program sees plain dataclasses. A payload that lacks what
identifies it (`entry_id`, a known call state, ...) raises `EventFormatError`.
"""

from __future__ import annotations

from typing import Any

from kapusta_desktop.domain.pbx_events import (
    CALL_STATES,
    CallEvent,
    CommandResult,
    MangoEvent,
    Party,
    RecordAddedEvent,
    RecordingEvent,
    SummaryEvent,
)

__all__ = [
    "CALL_STATES",
    "CallEvent",
    "CommandResult",
    "EventFormatError",
    "MangoEvent",
    "Party",
    "RecordAddedEvent",
    "RecordingEvent",
    "SummaryEvent",
    "parse_event",
]


class EventFormatError(ValueError):
    """The signed payload is not an event we can read."""


def _s(value: Any) -> str | None:
    """A loose scalar as text; None, empty and containers become None."""
    if value is None or isinstance(value, dict | list | bool):
        return None
    text = str(value).strip()
    return text or None


def _i(value: Any, default: int | None = None) -> int | None:
    if value is None or isinstance(value, bool):
        return default
    try:
        return int(str(value).strip())
    except ValueError:
        try:
            return int(float(str(value).strip()))
        except ValueError:
            return default


def _b(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)


def _d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _require(d: dict[str, Any], name: str) -> str:
    value = _s(d.get(name))
    if value is None:
        raise EventFormatError(f"event has no {name}")
    return value


def parse_party(raw: Any) -> Party:
    d = _d(raw)
    return Party(
        number=_s(d.get("number")),
        extension=_s(d.get("extension")),
        line_number=_s(d.get("line_number")),
        acd_group=_s(d.get("acd_group")),
        taken_from_call_id=_s(d.get("taken_from_call_id")),
        was_transferred=_b(d.get("was_transferred")),
        hold_initiator=_b(d.get("hold_initiator")),
    )


def parse_call(d: dict[str, Any]) -> CallEvent:
    state = _s(d.get("call_state"))
    if state not in CALL_STATES:
        raise EventFormatError(f"unknown call_state {state!r}")
    dct = _d(d.get("dct"))
    return CallEvent(
        entry_id=_require(d, "entry_id"),
        call_id=_require(d, "call_id"),
        seq=_i(d.get("seq"), 0) or 0,
        call_state=state,
        timestamp=_i(d.get("timestamp"), 0) or 0,
        location=_s(d.get("location")),
        from_=parse_party(d.get("from")),
        to=parse_party(d.get("to")),
        disconnect_reason=_i(d.get("disconnect_reason")),
        transfer=_s(d.get("transfer")),
        sip_call_id=_s(d.get("sip_call_id")),
        command_id=_s(d.get("command_id")),
        callback_initiator=_s(d.get("callback_initiator")),
        dct_number=_s(dct.get("number")),
        dct_type=_i(dct.get("type")),
    )


def parse_summary(d: dict[str, Any]) -> SummaryEvent:
    return SummaryEvent(
        entry_id=_require(d, "entry_id"),
        call_direction=_i(d.get("call_direction"), 1) or 0,
        from_=parse_party(d.get("from")),
        to=parse_party(d.get("to")),
        line_number=_s(d.get("line_number")),
        create_time=_i(d.get("create_time"), 0) or 0,
        forward_time=_i(d.get("forward_time"), 0) or 0,
        talk_time=_i(d.get("talk_time"), 0) or 0,
        end_time=_i(d.get("end_time"), 0) or 0,
        entry_result=_i(d.get("entry_result"), 0) or 0,
        disconnect_reason=_i(d.get("disconnect_reason")),
    )


def parse_record_added(d: dict[str, Any]) -> RecordAddedEvent:
    return RecordAddedEvent(
        entry_id=_require(d, "entry_id"),
        recording_id=_require(d, "recording_id"),
        product_id=_s(d.get("product_id")),
        user_id=_s(d.get("user_id")),
        timestamp=_i(d.get("timestamp"), 0) or 0,
    )


def parse_recording(d: dict[str, Any]) -> RecordingEvent:
    return RecordingEvent(
        entry_id=_s(d.get("entry_id")),
        call_id=_s(d.get("call_id")),
        recording_id=_s(d.get("recording_id")),
        recording_state=_s(d.get("recording_state")),
        timestamp=_i(d.get("timestamp"), 0) or 0,
    )


def parse_result(command: str, d: dict[str, Any]) -> CommandResult:
    result = _i(d.get("result") if "result" in d else d.get("code"))
    if result is None:
        raise EventFormatError("command result has no result code")
    return CommandResult(command=command, command_id=_require(d, "command_id"), result=result)


def parse_event(route: str, payload: Any) -> MangoEvent:
    """`route` is the path below the base: "events/call", "result/callback", ..."""
    if not isinstance(payload, dict):
        raise EventFormatError("event json is not an object")
    route = route.strip("/")
    if route == "events/call":
        return parse_call(payload)
    if route == "events/summary":
        return parse_summary(payload)
    if route == "events/record/added":
        return parse_record_added(payload)
    if route == "events/recording":
        return parse_recording(payload)
    if route.startswith("result/") and len(route) > len("result/"):
        return parse_result(route[len("result/") :], payload)
    raise EventFormatError(f"unsupported event route {route!r}")
