"""The relay's event log also works on a SQLite cache (no lock, no NOTIFY): stored once, read after an id."""

from __future__ import annotations

import peewee

from kapusta_desktop.store.relay_events import (
    NewRelayEvent,
    canonical_hash,
    event_from_notification,
    events_after,
    fit_dedupe_key,
    latest_event_id,
    store_relay_event,
)


def test_stored_once_and_read_in_id_order(db: peewee.Database) -> None:
    first = NewRelayEvent("mango:events/call", "c-1|1|Appeared", {"call_id": "c-1"}, entry_id="e-1", call_id="c-1",
                          seq=1)
    second = NewRelayEvent("mango:events/summary", canonical_hash({"entry_id": "e-1"}), {"entry_id": "e-1"})
    a = store_relay_event(db, first, relay="r1")
    assert a is not None
    assert store_relay_event(db, first, relay="r2") is None
    b = store_relay_event(db, second)
    assert b is not None and b > a
    assert [e.id for e in events_after(db, 0)] == [a, b]
    assert [e.kind for e in events_after(db, a)] == ["mango:events/summary"]
    assert events_after(db, 0)[0].payload == {"call_id": "c-1"} and events_after(db, 0)[0].seq == 1
    assert latest_event_id(db) == b


def test_keys_and_hashes_are_stable_and_fit() -> None:
    assert canonical_hash({"a": 1, "b": [1, 2]}) == canonical_hash({"b": [1, 2], "a": 1})
    assert fit_dedupe_key("short") == "short"
    long_key = fit_dedupe_key("x" * 500)
    assert len(long_key) <= 200 and long_key == fit_dedupe_key("x" * 500) and long_key != fit_dedupe_key("y" * 500)


def test_an_id_only_or_broken_notification_means_read_the_table() -> None:
    assert event_from_notification("42") is None
    assert event_from_notification("{not json") is None
    assert event_from_notification('{"kind": "x"}') is None
    note = event_from_notification('{"id":7,"kind":"mango:events/call","entry_id":"e","call_id":"c","seq":2,'
                                   '"received_at":"2026-12-04T21:00:00","payload":{"seq":2}}')
    assert note is not None and (note.id, note.seq, note.payload) == (7, 2, {"seq": 2})
