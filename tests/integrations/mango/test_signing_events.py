from __future__ import annotations

import pytest

from kapusta_desktop.integrations.mango import results
from kapusta_desktop.integrations.mango.events import (
    CallEvent,
    CommandResult,
    EventFormatError,
    RecordAddedEvent,
    SummaryEvent,
    parse_event,
)
from kapusta_desktop.integrations.mango.signing import compact_json, sign, signed_form, verify

VECTOR_JSON = '{"command_id":"your-command-id","call_id":"<CALL_ID>"}'
VECTOR_SIGN = "2d1d01246f52cec1fdb44f2a4d7091dc54f67e318369c0628201d66b5d336ef0"


def test_sign_matches_the_vendor_test_vector() -> None:
    assert sign("<YOUR_API_KEY>", VECTOR_JSON, "<YOUR_API_SALT>") == VECTOR_SIGN
    assert compact_json({"command_id": "your-command-id", "call_id": "<CALL_ID>"}) == VECTOR_JSON


def test_verify_accepts_right_and_refuses_wrong_signs() -> None:
    assert verify("<YOUR_API_KEY>", VECTOR_JSON, "<YOUR_API_SALT>", VECTOR_SIGN)
    assert verify("<YOUR_API_KEY>", VECTOR_JSON, "<YOUR_API_SALT>", VECTOR_SIGN.upper())
    assert not verify("<YOUR_API_KEY>", VECTOR_JSON + " ", "<YOUR_API_SALT>", VECTOR_SIGN)
    assert not verify("<YOUR_API_KEY>", VECTOR_JSON, "other-salt", VECTOR_SIGN)
    assert not verify("<YOUR_API_KEY>", VECTOR_JSON, "<YOUR_API_SALT>", "")
    assert not verify("<YOUR_API_KEY>", VECTOR_JSON, "<YOUR_API_SALT>", None)
    assert not verify("<YOUR_API_KEY>", VECTOR_JSON, "<YOUR_API_SALT>", "Ф" * 64)


def test_signed_form_signs_exactly_the_json_it_sends() -> None:
    form = signed_form("k", "s", {"a": "Иван", "b": 1})
    assert form["json"] == '{"a":"Иван","b":1}'
    assert form["sign"] == sign("k", form["json"], "s")
    assert "s" not in form.values()


def test_call_event_is_parsed_leniently() -> None:
    ev = parse_event(
        "events/call",
        {
            "entry_id": "E1",
            "call_id": "C1",
            "seq": "3",
            "call_state": "Appeared",
            "timestamp": "1767250800",
            "location": "abonent",
            "from": {"number": 79161234567},
            "to": {"extension": 101, "number": "74951234567", "line_number": "74957654321", "was_transferred": "1"},
            "dct": None,
        },
    )
    assert isinstance(ev, CallEvent)
    assert ev.seq == 3 and ev.timestamp == 1767250800
    assert ev.from_.number == "79161234567"
    assert ev.to.extension == "101" and ev.to.was_transferred
    assert ev.disconnect_reason is None and ev.command_id is None


def test_missing_optional_blocks_are_fine_but_identity_is_required() -> None:
    ev = parse_event("/events/call/", {"entry_id": "E", "call_id": "C", "call_state": "Disconnected"})
    assert isinstance(ev, CallEvent) and ev.seq == 0 and ev.to.extension is None
    with pytest.raises(EventFormatError):
        parse_event("events/call", {"call_id": "C", "call_state": "Appeared"})
    with pytest.raises(EventFormatError):
        parse_event("events/call", {"entry_id": "E", "call_id": "C", "call_state": "Exploded"})
    with pytest.raises(EventFormatError):
        parse_event("events/call", ["not", "an", "object"])
    with pytest.raises(EventFormatError):
        parse_event("events/nonsense", {})


def test_summary_record_and_result() -> None:
    s = parse_event(
        "events/summary",
        {
            "entry_id": "E",
            "call_direction": "1",
            "from": {"number": "79161234567"},
            "to": {"extension": "102"},
            "create_time": 100,
            "forward_time": 101,
            "talk_time": "110",
            "end_time": 170,
            "entry_result": "1",
            "disconnect_reason": 1110,
        },
    )
    assert isinstance(s, SummaryEvent) and s.answered and s.talk_seconds == 60 and s.to.extension == "102"
    missed = parse_event("events/summary", {"entry_id": "E", "entry_result": 0, "talk_time": 0, "end_time": 9})
    assert isinstance(missed, SummaryEvent) and not missed.answered and missed.talk_seconds == 0
    r = parse_event("events/record/added", {"entry_id": "E", "recording_id": 555, "product_id": 1})
    assert isinstance(r, RecordAddedEvent) and r.recording_id == "555"
    c = parse_event("result/callback", {"command_id": "cb-1", "result": "1000"})
    assert isinstance(c, CommandResult) and c.command == "callback" and c.result == 1000
    with pytest.raises(EventFormatError):
        parse_event("result/callback", {"command_id": "cb-1"})


def test_result_codes_known_and_by_class() -> None:
    assert results.result_class(3102) == 3102
    assert results.result_class(3319) == 3310  # tens first, like 2219 -> 2210
    assert results.result_class(2219) == 2000  # no 2210/2200 in our table: the thousand
    assert results.result_class(3109) == 3100
    assert results.result_class(5999) == 5000
    assert "bad sign" in results.describe(3102)
    assert "class" in results.describe(3109)
    assert results.is_transient(5001) and not results.is_transient(3102)
