"""Desks receive team events: LISTEN/NOTIFY while online, catch-up by id after a stop, each event once, in order."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import peewee
import pytest

from kapusta_desktop.domain.pbx_events import CallEvent, MangoEvent
from kapusta_desktop.integrations.mango.signing import signed_form
from kapusta_desktop.integrations.relay.desk_events import MangoEventDispatcher
from kapusta_desktop.integrations.relay.server import RelayServer
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.call_desk import CallDesk, CallEnded, CallRinging
from kapusta_desktop.store.db import open_database
from kapusta_desktop.store.models import RelayEvent, SyncCursor
from kapusta_desktop.store.relay_events import StoredRelayEvent
from kapusta_desktop.store.relay_feed import APPLICATION_NAME, RelayFeed
from tests.services.calls_fixtures import build_cache
from tests.waiting import until

KEY, SALT = "team-key", "team-salt"


def call_event(n: int, seq: int = 1, state: str = "Appeared", ext: str = "102") -> dict[str, Any]:
    return {"entry_id": f"entry-{n}", "call_id": f"call-{n}", "timestamp": 1767250800 + n, "seq": seq,
            "call_state": state, "location": "abonent", "from": {"number": "79161234567"},
            "to": {"extension": ext, "number": "74951234567"}}


@pytest.fixture
async def relay(pg_db: peewee.Database, pg_url: str) -> AsyncIterator[RelayServer]:
    server = RelayServer(open_database(pg_url), mango_api_key=KEY, mango_api_salt=SALT, port=0)
    await server.start()
    yield server
    await server.stop()


async def post_calls(url: str, events: list[dict[str, Any]]) -> None:
    async with httpx.AsyncClient() as client:
        for payload in events:
            r = await client.post(f"{url}/mango/events/call", data=signed_form(KEY, SALT, payload))
            assert r.status_code == 200


@pytest.mark.anyio
async def test_a_desk_feed_gets_events_by_notify_and_the_call_desk_pops_up(
    pg_db: peewee.Database, pg_url: str, relay: RelayServer
) -> None:
    build_cache()
    bus = EventBus()
    rung: list[CallRinging] = []
    ended: list[CallEnded] = []
    bus.subscribe(CallRinging, rung.append)
    bus.subscribe(CallEnded, ended.append)
    desk = CallDesk(bus, pg_db, desk_extensions=lambda: ["102"])
    # A long poll interval: only the NOTIFY can bring the event in quickly.
    feed = RelayFeed(pg_url, MangoEventDispatcher(desk.handle), cursor_name="desk-102", poll_seconds=60)
    await feed.start()
    try:
        await until(feed.connected.is_set)
        started = asyncio.get_running_loop().time()
        await post_calls(relay.url, [call_event(1)])
        await until(lambda: len(rung) == 1, timeout=5)
        assert asyncio.get_running_loop().time() - started < 2.0
        assert rung[0].extension == "102" and rung[0].entry_id == "entry-1"
        assert rung[0].card.best is not None and rung[0].card.best.name == "Сергеев Пётр"
        await post_calls(relay.url, [call_event(1, seq=2, state="Disconnected")])
        await until(lambda: len(ended) == 1, timeout=5)
    finally:
        await feed.stop()
    assert SyncCursor.get(SyncCursor.name == "relay_feed:desk-102").value == str(feed.applied_id)
    assert feed.applied_id == RelayEvent.select(peewee.fn.MAX(RelayEvent.id)).scalar()


@pytest.mark.anyio
async def test_a_stopped_desk_catches_up_after_restart_missing_nothing_and_repeating_nothing(
    pg_db: peewee.Database, pg_url: str, relay: RelayServer
) -> None:
    got: list[StoredRelayEvent] = []
    feed = RelayFeed(pg_url, got.append, cursor_name="desk-7", poll_seconds=60)
    await post_calls(relay.url, [call_event(0)])  # before the desk ever joined: not replayed
    await feed.start()
    await until(feed.connected.is_set)
    await post_calls(relay.url, [call_event(1)])
    await until(lambda: len(got) == 1)
    await feed.stop()

    await post_calls(relay.url, [call_event(n) for n in range(2, 12)])  # while the desk is offline
    # The desk restarts: a new feed object, only the cursor in the database remembers.
    again = RelayFeed(pg_url, got.append, cursor_name="desk-7", poll_seconds=60)
    await again.start()
    try:
        await until(lambda: len(got) == 11)
        await post_calls(relay.url, [call_event(n) for n in range(12, 15)])
        await until(lambda: len(got) == 14)
        await asyncio.sleep(0.2)  # nothing more arrives
    finally:
        await again.stop()
    assert [e.call_id for e in got] == [f"call-{n}" for n in range(1, 15)]
    ids = [e.id for e in got]
    assert ids == sorted(set(ids))


@pytest.mark.anyio
async def test_a_feed_survives_a_dropped_connection(pg_db: peewee.Database, pg_url: str, relay: RelayServer) -> None:
    import psycopg2

    got: list[StoredRelayEvent] = []
    feed = RelayFeed(pg_url, got.append, cursor_name="desk-drop", poll_seconds=60)
    await feed.start()
    try:
        await until(feed.connected.is_set)
        admin = psycopg2.connect(pg_url)
        admin.autocommit = True
        with admin.cursor() as cur:  # the server drops the desk's LISTEN connection
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = %s AND datname = current_database()", (APPLICATION_NAME,))
        admin.close()
        await until(lambda: not feed.connected.is_set(), timeout=5)
        await post_calls(relay.url, [call_event(n) for n in range(3)])  # sent while the desk reconnects
        await until(lambda: len(got) == 3, timeout=10)
    finally:
        await feed.stop()
    assert [e.call_id for e in got] == ["call-0", "call-1", "call-2"]


async def start_relay_process(pg_url: str, name: str) -> tuple[asyncio.subprocess.Process, str]:
    env = dict(os.environ, KAPUSTA_MANGO_API_KEY=KEY, KAPUSTA_MANGO_API_SALT=SALT)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kapusta_desktop", "relay", "--port", "0", "--database-url", pg_url, "--name", name,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, env=env,
    )
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
    match = re.search(r"listening on (http://\S+)", line)
    assert match, line
    return proc, match.group(1)


@pytest.mark.anyio
async def test_a_relay_killed_mid_stream_loses_no_event_that_got_a_200(pg_db: peewee.Database, pg_url: str) -> None:
    got: list[MangoEvent] = []
    feed = RelayFeed(pg_url, MangoEventDispatcher(got.append), cursor_name="desk-kill", poll_seconds=60)
    await feed.start()
    (proc_a, url_a), (proc_b, url_b) = await asyncio.gather(
        start_relay_process(pg_url, "relay-a"), start_relay_process(pg_url, "relay-b"))
    events = [call_event(n, seq=s, state=st) for n in range(40) for s, st in ((1, "Appeared"), (2, "Disconnected"))]
    acked: set[tuple[str, int]] = set()
    refused: list[dict[str, Any]] = []
    try:
        async with httpx.AsyncClient(timeout=10) as client:

            async def send(url: str, payload: dict[str, Any]) -> None:
                try:
                    r = await client.post(f"{url}/mango/events/call", data=signed_form(KEY, SALT, payload))
                except httpx.TransportError:
                    refused.append(payload)
                    return
                if r.status_code == 200:
                    acked.add((payload["call_id"], payload["seq"]))
                else:
                    refused.append(payload)

            sends = []
            for i, payload in enumerate(events):
                if i == len(events) // 2:
                    proc_b.send_signal(signal.SIGKILL)  # mid-stream, with requests in flight
                sends.append(asyncio.create_task(send(url_a if i % 2 else url_b, payload)))
                await asyncio.sleep(0.003)
            await asyncio.gather(*sends)
            assert refused, "the killed relay should have refused something"
            # The PBX side (or the load balancer) tries again elsewhere: relay A takes the rest.
            for payload in list(refused):
                await send(url_a, payload)
    finally:
        for proc in (proc_a, proc_b):
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
            await proc.wait()
    assert proc_a.returncode == 0
    stored = {(r.call_id, r.seq) for r in RelayEvent.select()}
    assert acked <= stored
    assert stored == {(e["call_id"], e["seq"]) for e in events}
    assert RelayEvent.select().count() == len(events)
    try:
        await until(lambda: len(got) == len(events), timeout=10)
    finally:
        await feed.stop()
    legs = [(e.call_id, e.seq) for e in got if isinstance(e, CallEvent)]
    assert sorted(legs) == sorted(stored) and len(set(legs)) == len(legs)


@pytest.mark.anyio
async def test_a_call_to_102_pops_up_on_the_desk_of_102_only(
    pg_db: peewee.Database, pg_url: str, relay: RelayServer
) -> None:
    build_cache()
    rung: dict[str, list[CallRinging]] = {"101": [], "102": []}
    feeds = []
    for ext in rung:
        bus = EventBus()
        bus.subscribe(CallRinging, rung[ext].append)
        desk = CallDesk(bus, pg_db, desk_extensions=lambda ext=ext: [ext])
        feeds.append(RelayFeed(pg_url, MangoEventDispatcher(desk.handle), cursor_name=f"desk-{ext}", poll_seconds=60))
    for feed in feeds:
        await feed.start()
    try:
        await post_calls(relay.url, [call_event(1, ext="102"), call_event(2, ext="101"), call_event(3, ext="105")])
        top = RelayEvent.select(peewee.fn.MAX(RelayEvent.id)).scalar()
        await until(lambda: all(f.applied_id == top for f in feeds))
    finally:
        for feed in feeds:
            await feed.stop()
    assert [r.entry_id for r in rung["102"]] == ["entry-1"]
    assert [r.entry_id for r in rung["101"]] == ["entry-2"]


@pytest.mark.anyio
async def test_an_event_too_big_for_a_notification_is_read_from_the_table(
    pg_db: peewee.Database, pg_url: str, relay: RelayServer
) -> None:
    got: list[StoredRelayEvent] = []
    feed = RelayFeed(pg_url, got.append, cursor_name="desk-big", poll_seconds=60)
    await feed.start()
    try:
        await until(feed.connected.is_set)
        big = dict(call_event(2), sip_call_id="x" * 9000)  # NOTIFY then carries only the id
        await post_calls(relay.url, [call_event(1), big, call_event(3)])
        await until(lambda: len(got) == 3, timeout=5)
    finally:
        await feed.stop()
    assert [e.call_id for e in got] == ["call-1", "call-2", "call-3"]
    assert got[1].payload["sip_call_id"] == "x" * 9000


class Dialler:
    """Stands in for the Mango API client: hands out the command id the PBX would echo back."""

    def __init__(self, command_id: str) -> None:
        self.command_id = command_id
        self.calls: list[tuple[str, str]] = []

    async def callback(self, *, extension: str, to_number: str, line_number: str | None = None,
                       command_id: str | None = None) -> str:
        self.calls.append((extension, to_number))
        return self.command_id


@pytest.mark.anyio
async def test_a_callback_outcome_reaches_only_the_desk_that_dialled(
    pg_db: peewee.Database, pg_url: str, relay: RelayServer
) -> None:
    from kapusta_desktop.services.call_desk import CallbackOutcome
    from kapusta_desktop.services.team_feed import start_team_feed

    build_cache()
    outcomes: dict[str, list[CallbackOutcome]] = {"101": [], "102": []}
    desks: dict[str, CallDesk] = {}
    feeds = []
    for ext in outcomes:
        bus = EventBus()
        bus.subscribe(CallbackOutcome, outcomes[ext].append)
        desks[ext] = CallDesk(bus, pg_db, desk_extensions=lambda ext=ext: [ext], mango=Dialler(f"cmd-{ext}"))
        feeds.append(await start_team_feed(desks[ext], pg_url, cursor_name=f"desk-cb-{ext}", poll_seconds=60))
    try:
        assert await desks["101"].call_client("8 916 123-45-67") == "cmd-101"
        async with httpx.AsyncClient() as client:
            form = signed_form(KEY, SALT, {"command_id": "cmd-101", "result": 1000})
            assert (await client.post(f"{relay.url}/mango/result/callback", data=form)).status_code == 200
        top = RelayEvent.select(peewee.fn.MAX(RelayEvent.id)).scalar()
        await until(lambda: all(f.applied_id == top for f in feeds))
    finally:
        for feed in feeds:
            await feed.stop()
    assert [(o.command_id, o.ok, o.number) for o in outcomes["101"]] == [("cmd-101", True, "+79161234567")]
    assert outcomes["102"] == []
