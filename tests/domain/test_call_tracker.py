from __future__ import annotations

import random

import pytest

from kapusta_desktop.domain.call_tracker import CallFinished, CallTracker, LegAnswered, LegEnded, LegRinging, Transition
from kapusta_desktop.integrations.mango.events import CallEvent, SummaryEvent, parse_event
from kapusta_desktop.sandbox.mango import scenarios
from kapusta_desktop.sandbox.mango.scenarios import ScriptedEvent


def run(events: list[ScriptedEvent], tracker: CallTracker | None = None) -> list[Transition]:
    tracker = tracker or CallTracker()
    out: list[Transition] = []
    for e in events:
        if e.route.startswith("events/call") or e.route == "events/summary":
            ev = parse_event(e.route, e.payload)
            assert isinstance(ev, CallEvent | SummaryEvent)
            out.extend(tracker.apply(ev))
    return out


def of(kind: type, ts: list[Transition]) -> list:
    return [t for t in ts if isinstance(t, kind)]


def test_answered_incoming_call_in_order() -> None:
    ts = run(scenarios.incoming(client="79161234567", extension="101", rng=random.Random(1)))
    assert [type(t) for t in ts] == [LegRinging, LegAnswered, LegEnded, CallFinished]
    ring, fin = ts[0], ts[-1]
    assert isinstance(ring, LegRinging) and ring.extension == "101" and ring.client_number == "79161234567"
    assert ring.direction == 1
    assert isinstance(fin, CallFinished) and fin.result == "answered" and fin.talk_seconds == 60
    assert fin.client_number == "79161234567" and fin.extension == "101" and fin.rung_extensions == ("101",)


def test_missed_call() -> None:
    ts = run(scenarios.incoming(client="79161234567", extension="101", answered=False, rng=random.Random(2)))
    [fin] = of(CallFinished, ts)
    assert fin.result == "missed" and fin.talk_seconds == 0 and fin.answered_at is None
    assert of(LegAnswered, ts) == []


@pytest.mark.parametrize("seed", range(25))
def test_shuffled_and_duplicated_delivery_gives_one_call_and_the_right_final_state(seed: int) -> None:
    rng = random.Random(seed)
    events = scenarios.queue(client="74951112233", extensions=["101", "102", "103"], answered_by="102", rng=rng)
    ts = run(scenarios.shuffle_and_duplicate(events, rng, duplicates=0.7))
    [fin] = of(CallFinished, ts)
    assert fin.result == "answered" and fin.extension == "102" and fin.client_number == "74951112233"
    # Never more than one ringing per leg, however the events arrived.
    rung = [t.call_id for t in of(LegRinging, ts)]
    assert len(rung) == len(set(rung)) <= 3
    assert len(of(LegAnswered, ts)) <= 1


def test_queue_in_order_rings_three_extensions_once_each() -> None:
    tracker = CallTracker()
    events = scenarios.queue(client="74951112233", extensions=["101", "102", "103"], answered_by=None,
                             rng=random.Random(3))
    ts = run(events + events, tracker)  # the whole call replayed
    assert sorted(t.extension for t in of(LegRinging, ts)) == ["101", "102", "103"]
    [fin] = of(CallFinished, ts)
    assert fin.result == "missed" and set(fin.rung_extensions) == {"101", "102", "103"}
    assert tracker.calls == {} and tracker.dropped >= len(events)


def test_stale_event_after_a_later_one_is_dropped() -> None:
    events = scenarios.incoming(client="79161234567", extension="101", rng=random.Random(4))
    appeared, connected, disconnected = events[0], events[1], events[2]
    tracker = CallTracker()
    ts = run([disconnected, connected, appeared], tracker)
    assert [type(t) for t in ts] == [LegEnded]  # ended first: the older states are history
    assert tracker.dropped == 2


def test_connected_before_appeared_still_rings_once_then_answers() -> None:
    events = scenarios.incoming(client="79161234567", extension="101", rng=random.Random(5))
    ts = run([events[1], events[0]])
    assert [type(t) for t in ts] == [LegRinging, LegAnswered]


def test_transfer_rings_the_second_extension_and_ends_answered_there() -> None:
    ts = run(scenarios.transfer(client="79161234567", first="101", second="104", rng=random.Random(6)))
    rings = of(LegRinging, ts)
    assert [r.extension for r in rings] == ["101", "104"] and rings[1].transferred
    [fin] = of(CallFinished, ts)
    assert fin.extension == "104" and fin.result == "answered"


def test_callback_is_outgoing_with_the_client_number_and_command_id() -> None:
    ts = run(scenarios.callback(extension="101", client="79161234567", command_id="cb-9", rng=random.Random(7)))
    rings = of(LegRinging, ts)
    assert rings and all(r.direction == 2 and r.command_id == "cb-9" for r in rings)
    [fin] = of(CallFinished, ts)
    assert fin.direction == 2 and fin.client_number == "79161234567" and fin.command_id == "cb-9"
    assert fin.result == "answered"


def test_outgoing_call_does_not_ring_anyone() -> None:
    ts = run(scenarios.outgoing(extension="101", client="79161234567", rng=random.Random(8)))
    assert of(LegRinging, ts) == []
    [ans] = of(LegAnswered, ts)
    assert ans.extension == "101" and ans.direction == 2
    [fin] = of(CallFinished, ts)
    assert fin.direction == 2 and fin.client_number == "79161234567" and fin.extension == "101"


def test_summary_first_closes_the_call_and_later_events_are_ignored() -> None:
    events = scenarios.incoming(client="79161234567", extension="101", rng=random.Random(9))
    ts = run([events[-1], *events[:-1]])
    assert [type(t) for t in ts] == [CallFinished]


def test_expire_closes_a_call_whose_summary_never_came() -> None:
    tracker = CallTracker()
    events = scenarios.incoming(client="79161234567", extension="101", rng=random.Random(10))
    run(events[:-1], tracker)
    assert tracker.expire(events[-2].payload["timestamp"] + 10) == []
    [fin] = tracker.expire(events[-2].payload["timestamp"] + 1000)
    assert isinstance(fin, CallFinished) and fin.inferred and fin.result == "answered" and fin.talk_seconds == 60
    assert run(events[-1:], tracker) == []  # the late summary does not finish it twice
