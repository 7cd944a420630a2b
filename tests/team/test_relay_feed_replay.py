"""A desk that dies before its feed saved the cursor gets those events again on restart; that is harmless.

RelayFeed keeps its cursor once per delivered batch (store/relay_feed.py), so a crash mid-batch replays the
batch. The restarted desk's CallDesk starts empty, so to it the events are new (a call still ringing pops up
again, which is what the operator needs); what they left in the shared cache is keyed by the Mango entry id
and is not made twice.
"""

from __future__ import annotations

import random

import httpx
import peewee
import pytest

from kapusta_desktop.integrations.relay.server import RelayServer
from kapusta_desktop.sandbox.mango import scenarios
from kapusta_desktop.sandbox.mango.sender import pbx_form
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.call_desk import CallDesk, CallLogged, CallRinging
from kapusta_desktop.services.team_feed import start_team_feed
from kapusta_desktop.store.db import open_database
from kapusta_desktop.store.models import CallRecord, OutboxEntry, RelayEvent, Task
from kapusta_desktop.store.relay_feed import load_cursor, save_cursor
from tests.services.calls_fixtures import build_cache
from tests.waiting import until

KEY, SALT = "replay-key", "replay-salt"


@pytest.mark.anyio
async def test_events_replayed_after_a_crash_before_the_cursor_save_change_nothing_twice(
    pg_db: peewee.Database, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kapusta_desktop.store.relay_feed as relay_feed

    build_cache()
    missed = scenarios.incoming(client="79161234567", extension="102", answered=False, rng=random.Random(3))
    answered = scenarios.incoming(client="79161234567", extension="102", answered=True, rng=random.Random(4))
    recording = scenarios.ScriptedEvent("events/record/added", {
        "entry_id": answered[0].payload["entry_id"], "recording_id": "rec-1", "timestamp": 1767250900})
    events = missed + answered + [recording]
    relay = RelayServer(open_database(pg_url), mango_api_key=KEY, mango_api_salt=SALT, port=0)
    await relay.start()
    crashed = False

    def save_unless_crashed(name: str, value: int) -> None:
        if not crashed:
            save_cursor(name, value)

    monkeypatch.setattr(relay_feed, "save_cursor", save_unless_crashed)  # what the feed saves with
    try:
        rung: list[list[CallRinging]] = [[], []]
        logged: list[CallLogged] = []
        for run in range(2):
            bus = EventBus()
            bus.subscribe(CallRinging, rung[run].append)
            bus.subscribe(CallLogged, logged.append)
            desk = CallDesk(bus, pg_db, desk_extensions=lambda: ["102"])
            feed = await start_team_feed(desk, pg_url, cursor_name="desk-replay", poll_seconds=60)
            try:
                if run == 0:
                    crashed = True  # the cursor was saved at start; nothing the desk applies from now on is
                    async with httpx.AsyncClient() as client:
                        for event in events:
                            r = await client.post(f"{relay.url}/mango/{event.route}",
                                                  data=pbx_form(KEY, SALT, event.payload))
                            assert r.status_code == 200
                top = RelayEvent.select(peewee.fn.MAX(RelayEvent.id)).scalar()
                await until(lambda feed=feed, top=top: feed.applied_id == top)
                assert feed.delivered == len(events)  # the second run really got them all again
            finally:
                await feed.stop()
            crashed = False
    finally:
        await relay.stop()
    assert load_cursor("relay_feed:desk-replay") == top
    assert len(rung[0]) == len(rung[1]) == 2  # both calls rang 102 in each run of the desk
    assert len(logged) == 2  # stored by the first run only
    entries = sorted(e[0].payload["entry_id"] for e in (missed, answered))
    assert sorted(r.entry_id for r in CallRecord.select()) == entries
    record = CallRecord.get(CallRecord.entry_id == answered[0].payload["entry_id"])
    assert record.recording_id == "rec-1"
    outbox = sorted((e.op, e.key) for e in OutboxEntry.select().where(OutboxEntry.entity_type == "call"))
    assert outbox == sorted([("log_call", f"call-log:{entries[0]}"), ("log_call", f"call-log:{entries[1]}"),
                             ("log_call", f"call-recording:{record.entry_id}:rec-1")])
    assert [t.title for t in Task.select()] == ["Перезвонить: Сергеев Пётр (+7 916 123-45-67)"]
