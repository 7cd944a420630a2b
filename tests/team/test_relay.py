"""The team relay against a real PostgreSQL: verified events stored once across relays, NOTIFY, health."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import peewee
import pytest

from kapusta_desktop.integrations.mango.signing import signed_form
from kapusta_desktop.integrations.relay.server import RelayServer
from kapusta_desktop.store.db import open_database
from kapusta_desktop.store.models import RelayEvent
from kapusta_desktop.store.relay_events import CHANNEL, event_from_notification

KEY, SALT, TOKEN = "team-key", "team-salt", "b24-app-token-123"


def call_event(n: int, state: str = "Appeared", *, seq: int | None = None, ext: str = "102") -> dict[str, Any]:
    return {
        "entry_id": f"entry-{n}",
        "call_id": f"call-{n}",
        "timestamp": 1767250800 + n,
        "seq": seq if seq is not None else 1,
        "call_state": state,
        "location": "abonent",
        "from": {"number": "79161234567"},
        "to": {"extension": ext, "number": "74951234567"},
    }


async def start_relay(pg_url: str, **kw: Any) -> RelayServer:
    relay = RelayServer(open_database(pg_url), mango_api_key=KEY, mango_api_salt=SALT,
                        b24_application_token=TOKEN, port=0, **kw)
    await relay.start()
    return relay


@pytest.fixture
async def relays(pg_db: peewee.Database, pg_url: str) -> AsyncIterator[list[RelayServer]]:
    pair = [await start_relay(pg_url, name="relay-a"), await start_relay(pg_url, name="relay-b")]
    yield pair
    for relay in pair:
        await relay.stop()


def stored() -> list[RelayEvent]:
    return list(RelayEvent.select().order_by(RelayEvent.id))


@pytest.mark.anyio
async def test_signed_events_posted_to_two_relays_twice_are_stored_once_each(relays: list[RelayServer]) -> None:
    a, b = relays
    events = [call_event(n, state, seq=seq) for n in range(10) for seq, state in ((1, "Appeared"), (2, "Connected"))]
    summary = {"entry_id": "entry-0", "call_direction": 1, "from": {"number": "79161234567"},
               "to": {"extension": "102"}, "talk_time": 30, "entry_result": 1}
    async with httpx.AsyncClient() as client:
        posts = []
        for payload in events:
            form = signed_form(KEY, SALT, payload)
            for relay in (a, b, a):  # a duplicate on each relay and one on the same relay
                posts.append(client.post(f"{relay.url}/mango/events/call", data=form))
        for relay in (a, b):
            posts.append(client.post(f"{relay.url}/mango/events/summary", data=signed_form(KEY, SALT, summary)))
        answers = await asyncio.gather(*posts)
    assert [r.status_code for r in answers] == [200] * len(answers)
    rows = stored()
    assert len(rows) == len(events) + 1
    keys = {(r.call_id, r.seq, r.payload.get("call_state")) for r in rows if r.kind == "mango:events/call"}
    assert keys == {(e["call_id"], e["seq"], e["call_state"]) for e in events}
    assert [r.kind for r in rows].count("mango:events/summary") == 1
    assert a.stats.stored + b.stats.stored == len(events) + 1
    assert a.stats.duplicates + b.stats.duplicates == 2 * len(events) + 1
    assert {r.relay for r in rows} <= {"relay-a", "relay-b"}


@pytest.mark.anyio
async def test_a_forged_sign_or_foreign_key_is_refused_and_nothing_is_stored(relays: list[RelayServer]) -> None:
    relay = relays[0]
    good = signed_form(KEY, SALT, call_event(1))
    forged = dict(good, sign="0" * 64)
    foreign = signed_form("other-key", SALT, call_event(1))
    tampered = dict(good, json=good["json"].replace("102", "101"))
    async with httpx.AsyncClient() as client:
        for form in (forged, foreign, tampered, {"json": good["json"]}):
            r = await client.post(f"{relay.url}/mango/events/call", data=form)
            assert r.status_code == 403, form
        bad_json = signed_form(KEY, SALT, {"entry_id": "x"})  # signed, but not a call event
        assert (await client.post(f"{relay.url}/mango/events/call", data=bad_json)).status_code == 400
        assert (await client.post(f"{relay.url}/mango/events/nope", data=good)).status_code == 404
        check = await client.post(f"{relay.url}/mango/events/call", data={})  # the PBX's connection check
        assert check.status_code == 200
    assert stored() == []
    assert relay.stats.forged == 4 and relay.stats.malformed == 1 and relay.stats.checks == 1


@pytest.mark.anyio
async def test_bitrix24_events_need_the_application_token(relays: list[RelayServer]) -> None:
    relay = relays[0]
    base = {"event": "ONCRMDEALUPDATE", "data[FIELDS][ID]": "42", "ts": "1767250800", "auth[domain]": "b.bitrix24.ru"}
    async with httpx.AsyncClient() as client:
        wrong = await client.post(f"{relay.url}/bitrix24", data=dict(base, **{"auth[application_token]": "nope"}))
        missing = await client.post(f"{relay.url}/bitrix24", data=base)
        assert (wrong.status_code, missing.status_code) == (403, 401)
        assert stored() == []
        ok = await client.post(f"{relay.url}/bitrix24", data=dict(base, **{"auth[application_token]": TOKEN}))
        again = await client.post(f"{relay.url}/bitrix24", data=dict(base, **{"auth[application_token]": TOKEN}))
        assert (ok.status_code, again.status_code) == (200, 200)
        nameless = dict(base, event="bad name!", **{"auth[application_token]": TOKEN})
        assert (await client.post(f"{relay.url}/bitrix24", data=nameless)).status_code == 400
    rows = stored()
    assert len(rows) == 1
    assert rows[0].kind == "bitrix24:ONCRMDEALUPDATE" and rows[0].entry_id == "42"
    assert rows[0].payload == {"event": "ONCRMDEALUPDATE", "data": {"FIELDS": {"ID": "42"}}, "ts": "1767250800",
                               "domain": "b.bitrix24.ru"}
    assert TOKEN not in str(rows[0].payload)


@pytest.mark.anyio
async def test_a_relay_without_a_bitrix24_token_refuses_bitrix24_events(pg_db: peewee.Database, pg_url: str) -> None:
    relay = RelayServer(open_database(pg_url), mango_api_key=KEY, mango_api_salt=SALT, port=0)
    await relay.start()
    try:
        async with httpx.AsyncClient() as client:
            r = await client.post(f"{relay.url}/bitrix24",
                                  data={"event": "ONCRMDEALADD", "auth[application_token]": "anything"})
        assert r.status_code == 403
    finally:
        await relay.stop()
    assert stored() == []


@pytest.mark.anyio
async def test_each_stored_event_is_notified_with_its_id(relays: list[RelayServer], pg_url: str) -> None:
    import psycopg2

    listener = psycopg2.connect(pg_url)
    listener.autocommit = True
    try:
        with listener.cursor() as cur:
            cur.execute(f"LISTEN {CHANNEL}")
        async with httpx.AsyncClient() as client:
            form = signed_form(KEY, SALT, call_event(7))
            for relay in relays:
                assert (await client.post(f"{relay.url}/mango/events/call", data=form)).status_code == 200
        await asyncio.sleep(0.2)
        listener.poll()
        notes = [event_from_notification(n.payload) for n in listener.notifies]
        [row] = stored()
        assert len(notes) == 1  # the duplicate was neither stored nor notified
        assert notes[0] is not None and notes[0].id == row.id and notes[0].payload == row.payload
        assert (notes[0].kind, notes[0].call_id, notes[0].seq) == ("mango:events/call", "call-7", 1)
    finally:
        listener.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.anyio
async def test_health_is_200_with_the_database_and_503_without(relays: list[RelayServer]) -> None:
    dead = RelayServer(open_database(f"postgresql://kapusta:x@127.0.0.1:{_closed_port()}/none"),
                       mango_api_key=KEY, mango_api_salt=SALT, port=0, base_path="/kapusta")
    await dead.start()
    try:
        async with httpx.AsyncClient() as client:
            up = await client.get(f"{relays[0].url}/health")
            down = await client.get(f"{dead.url}/health")
            post = await client.post(f"{dead.url}/mango/events/call", data=signed_form(KEY, SALT, call_event(1)))
        assert up.status_code == 200 and up.json()["status"] == "ok"
        assert down.status_code == 503 and down.json()["status"] == "database unavailable"
        assert "x@" not in down.text
        assert post.status_code == 503  # never 200 for an event that was not stored
        assert dead.url.endswith("/kapusta")
    finally:
        await dead.stop()
