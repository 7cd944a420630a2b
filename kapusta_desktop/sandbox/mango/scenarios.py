"""Scripted PBX call scenarios as the events the real PBX would POST.

Each scenario is a list of (route, payload) in the order things happen;
`shuffle_and_duplicate` mimics the PBX's parallel, unordered, repeated
delivery. Pure data: the sender and the API server put them on the wire.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ScriptedEvent:
    route: str  # "events/call", "events/summary", "result/callback", ...
    payload: dict[str, Any]
    delay: float = 0.0  # seconds after the previous event, for paced playback


def new_id(rng: random.Random, prefix: str) -> str:
    raw = f"{prefix}:{rng.randrange(10**8, 10**9)}:{rng.randrange(10**8, 10**9)}".encode()
    return base64.b64encode(raw).decode()


class _Script:
    def __init__(self, entry_id: str, start: int) -> None:
        self.entry_id = entry_id
        self.now = start
        self.events: list[ScriptedEvent] = []
        self._seq: dict[str, int] = {}

    def call(self, call_id: str, state: str, delay: float = 0.0, **fields: Any) -> None:
        seq = self._seq[call_id] = self._seq.get(call_id, 0) + 1
        payload: dict[str, Any] = {
            "entry_id": self.entry_id,
            "call_id": call_id,
            "timestamp": self.now,
            "seq": seq,
            "call_state": state,
        }
        payload.update({k: v for k, v in fields.items() if v is not None})
        self.events.append(ScriptedEvent("events/call", payload, delay))

    def tick(self, seconds: int) -> None:
        self.now += seconds


def _summary(script: _Script, *, direction: int, frm: dict[str, Any], to: dict[str, Any], line: str,
             create: int, forward: int, talk: int, end: int, talked: bool, reason: int) -> ScriptedEvent:
    return ScriptedEvent(
        "events/summary",
        {
            "entry_id": script.entry_id,
            "call_direction": direction,
            "from": frm,
            "to": to,
            "line_number": line,
            "create_time": create,
            "forward_time": forward,
            "talk_time": talk if talked else 0,
            "end_time": end,
            "entry_result": 1 if talked else 0,
            "disconnect_reason": reason,
        },
    )


def incoming(
    *,
    client: str,
    extension: str,
    line: str = "74957654321",
    answered: bool = True,
    ring_seconds: int = 5,
    talk_seconds: int = 60,
    start: int = 1_767_250_800,
    rng: random.Random | None = None,
    pace: float = 0.0,
) -> list[ScriptedEvent]:
    """A client calls the line; it rings at one extension, which answers or not."""
    rng = rng or random.Random()
    s = _Script(new_id(rng, "entry"), start)
    leg = new_id(rng, "leg")
    frm = {"number": client}
    to = {"extension": extension, "number": f"sip:{extension}@demo.mangosip.ru", "line_number": line}
    s.call(leg, "Appeared", location="abonent", **{"from": frm, "to": to})
    s.tick(ring_seconds)
    create = s.events[0].payload["timestamp"]
    if answered:
        s.call(leg, "Connected", delay=pace * ring_seconds, location="abonent", **{"from": frm, "to": to})
        talk_at = s.now
        s.tick(talk_seconds)
        s.call(leg, "Disconnected", delay=pace * talk_seconds, location="abonent", disconnect_reason=1110,
               **{"from": frm, "to": to})
    else:
        talk_at = 0
        s.call(leg, "Disconnected", delay=pace * ring_seconds, location="abonent", disconnect_reason=1110,
               **{"from": frm, "to": to})
    s.events.append(
        _summary(s, direction=1, frm=frm, to={"extension": extension, "number": to["number"]}, line=line,
                 create=create, forward=create, talk=talk_at, end=s.now, talked=answered, reason=1110)
    )
    return s.events


def queue(
    *,
    client: str,
    extensions: list[str],
    answered_by: str | None,
    line: str = "74957654321",
    group: str = "1",
    start: int = 1_767_250_800,
    rng: random.Random | None = None,
    pace: float = 0.0,
) -> list[ScriptedEvent]:
    """A queue call: the client waits in the queue, then every agent's extension rings at once."""
    rng = rng or random.Random()
    s = _Script(new_id(rng, "entry"), start)
    frm = {"number": client}
    qleg = new_id(rng, "queue")
    s.call(qleg, "Appeared", location="queue", **{"from": frm, "to": {"acd_group": group, "line_number": line}})
    s.tick(2)
    legs = {ext: new_id(rng, f"leg{ext}") for ext in extensions}
    for ext, leg in legs.items():
        s.call(leg, "Appeared", delay=pace, location="abonent",
               **{"from": frm, "to": {"extension": ext, "line_number": line, "acd_group": group}})
    create = start
    s.tick(6)
    talk_at = 0
    for ext, leg in legs.items():
        to = {"extension": ext, "line_number": line, "acd_group": group}
        if ext == answered_by:
            s.call(leg, "Connected", delay=pace * 3, location="abonent", **{"from": frm, "to": to})
            talk_at = s.now
        else:
            s.call(leg, "Disconnected", location="abonent", disconnect_reason=1111 if answered_by else 1110,
                   **{"from": frm, "to": to})
    s.call(qleg, "Disconnected", location="queue", disconnect_reason=1110,
           **{"from": frm, "to": {"acd_group": group, "line_number": line}})
    if answered_by:
        s.tick(45)
        s.call(legs[answered_by], "Disconnected", delay=pace * 5, location="abonent", disconnect_reason=1110,
               **{"from": frm, "to": {"extension": answered_by, "line_number": line, "acd_group": group}})
    first = answered_by or extensions[0]
    s.events.append(
        _summary(s, direction=1, frm=frm, to={"extension": first}, line=line, create=create, forward=create + 2,
                 talk=talk_at, end=s.now, talked=answered_by is not None, reason=1110)
    )
    return s.events


def transfer(
    *,
    client: str,
    first: str,
    second: str,
    line: str = "74957654321",
    start: int = 1_767_250_800,
    rng: random.Random | None = None,
    pace: float = 0.0,
) -> list[ScriptedEvent]:
    """`first` answers, then transfers the client to `second`, who answers."""
    rng = rng or random.Random()
    s = _Script(new_id(rng, "entry"), start)
    frm = {"number": client}
    leg1, leg2 = new_id(rng, "leg1"), new_id(rng, "leg2")
    to1 = {"extension": first, "line_number": line}
    s.call(leg1, "Appeared", location="abonent", **{"from": frm, "to": to1})
    s.tick(3)
    s.call(leg1, "Connected", delay=pace * 3, location="abonent", **{"from": frm, "to": to1})
    talk_at = s.now
    s.tick(20)
    s.call(leg1, "OnHold", delay=pace * 5, location="abonent", **{"from": frm, "to": to1})
    to2 = {"extension": second, "line_number": line, "was_transferred": True}
    s.call(leg2, "Appeared", location="abonent", transfer="consultative",
           **{"from": {"number": client, "was_transferred": True}, "to": to2})
    s.tick(4)
    s.call(leg1, "Disconnected", delay=pace * 3, location="abonent", disconnect_reason=1181,
           **{"from": frm, "to": to1})
    s.call(leg2, "Connected", location="abonent", **{"from": frm, "to": to2})
    s.tick(30)
    s.call(leg2, "Disconnected", delay=pace * 5, location="abonent", disconnect_reason=1110,
           **{"from": frm, "to": to2})
    s.events.append(
        _summary(s, direction=1, frm=frm, to={"extension": second}, line=line, create=start, forward=start,
                 talk=talk_at, end=s.now, talked=True, reason=1110)
    )
    return s.events


def callback(
    *,
    extension: str,
    client: str,
    command_id: str,
    answered: bool = True,
    line: str = "74957654321",
    start: int = 1_767_250_800,
    rng: random.Random | None = None,
    pace: float = 0.0,
) -> list[ScriptedEvent]:
    """commands/callback: the employee's extension rings first, then the client (two legs)."""
    rng = rng or random.Random()
    s = _Script(new_id(rng, "entry"), start)
    leg1, leg2 = new_id(rng, "cb1"), new_id(rng, "cb2")
    emp = {"extension": extension}
    to_emp = {"extension": extension, "line_number": line}
    s.call(leg1, "Appeared", location="abonent", command_id=command_id, callback_initiator=extension,
           **{"from": {"number": line}, "to": to_emp})
    s.tick(2)
    s.call(leg1, "Connected", delay=pace * 2, location="abonent", command_id=command_id,
           **{"from": {"number": line}, "to": to_emp})
    frm2 = {"extension": extension, "taken_from_call_id": leg1}
    to_client = {"number": client, "line_number": line}
    s.call(leg2, "Appeared", location="abonent", command_id=command_id, **{"from": frm2, "to": to_client})
    s.tick(5)
    talk_at = 0
    if answered:
        s.call(leg2, "Connected", delay=pace * 5, location="abonent", command_id=command_id,
               **{"from": frm2, "to": to_client})
        talk_at = s.now
        s.tick(40)
    s.call(leg2, "Disconnected", delay=pace * (5 if answered else 3), location="abonent", command_id=command_id,
           disconnect_reason=1120 if answered else 1111, **{"from": frm2, "to": to_client})
    s.call(leg1, "Disconnected", location="abonent", command_id=command_id, disconnect_reason=1120,
           **{"from": {"number": line}, "to": to_emp})
    s.events.append(ScriptedEvent("result/callback", {"command_id": command_id, "result": 1000}))
    s.events.append(
        _summary(s, direction=2, frm=emp, to={"number": client}, line=line, create=start, forward=start,
                 talk=talk_at, end=s.now, talked=answered, reason=1120 if answered else 1111)
    )
    return s.events


def outgoing(
    *,
    extension: str,
    client: str,
    answered: bool = True,
    line: str = "74957654321",
    start: int = 1_767_250_800,
    rng: random.Random | None = None,
    pace: float = 0.0,
) -> list[ScriptedEvent]:
    """The employee dials the client from the desk phone."""
    rng = rng or random.Random()
    s = _Script(new_id(rng, "entry"), start)
    leg = new_id(rng, "out")
    frm = {"extension": extension, "number": f"sip:{extension}@demo.mangosip.ru"}
    to = {"number": client, "line_number": line}
    s.call(leg, "Appeared", location="abonent", **{"from": frm, "to": to})
    s.tick(4)
    talk_at = 0
    if answered:
        s.call(leg, "Connected", delay=pace * 4, location="abonent", **{"from": frm, "to": to})
        talk_at = s.now
        s.tick(30)
    s.call(leg, "Disconnected", delay=pace * 5, location="abonent", disconnect_reason=1120,
           **{"from": frm, "to": to})
    s.events.append(
        _summary(s, direction=2, frm={"extension": extension}, to={"number": client}, line=line, create=start,
                 forward=start, talk=talk_at, end=s.now, talked=answered, reason=1120)
    )
    return s.events


def shuffle_and_duplicate(
    events: list[ScriptedEvent], rng: random.Random, *, duplicates: float = 0.5, keep_summary_last: bool = False
) -> list[ScriptedEvent]:
    """Deliver like the PBX may: out of order, some events twice (`duplicates` = share repeated)."""
    body = [e for e in events if not (keep_summary_last and e.route == "events/summary")]
    tail = [e for e in events if keep_summary_last and e.route == "events/summary"]
    out = list(body)
    out.extend(rng.sample(body, k=int(len(body) * duplicates)))
    rng.shuffle(out)
    return [ScriptedEvent(e.route, e.payload, 0.0) for e in out + tail]
