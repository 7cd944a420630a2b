"""Our Mango client against the PBX API sandbox, with the events landing at a real listener and desk."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest

from kapusta_desktop.integrations.mango.client import MangoApiError, MangoClient, MangoRateLimited
from kapusta_desktop.integrations.mango.listener import MangoListener
from kapusta_desktop.sandbox.mango.api import MangoApiSandbox
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.call_desk import CallbackOutcome, CallDesk, CallLogged
from kapusta_desktop.store.models import CallRecord
from kapusta_desktop.store.setting_values import set_value
from tests.services.calls_fixtures import build_cache

KEY, SALT = "client-key-01", "client-salt-01"


@dataclass
class Rig:
    pbx: MangoApiSandbox
    client: MangoClient
    desk: CallDesk
    outcomes: list[CallbackOutcome]
    logged: list[CallLogged]


@asynccontextmanager
async def rig(db: object, *, pace: float = 0.0, client_answers: bool = True) -> AsyncIterator[Rig]:
    bus = EventBus()
    outcomes: list[CallbackOutcome] = []
    logged: list[CallLogged] = []
    bus.subscribe(CallbackOutcome, outcomes.append)
    bus.subscribe(CallLogged, logged.append)
    set_value("mango.desk_extensions", ["101"])
    desk = CallDesk(bus, db)  # type: ignore[arg-type]
    listener = MangoListener(api_key=KEY, api_salt=SALT, on_event=desk.handle, port=0)
    await listener.start()
    try:
        async with MangoApiSandbox(api_key=KEY, api_salt=SALT, listener_url=listener.url, pace=pace,
                                   client_answers=client_answers) as pbx:
            client = MangoClient(api_key=KEY, api_salt=SALT, base_url=pbx.base_url)
            desk.mango = client
            try:
                yield Rig(pbx, client, desk, outcomes, logged)
            finally:
                await client.aclose()
    finally:
        await listener.stop()


@pytest.mark.anyio
async def test_click_to_call_plays_the_callback_and_the_desk_shows_the_outcome(db) -> None:  # type: ignore[no-untyped-def]
    cache = build_cache()
    async with rig(db) as r:
        command_id = await r.desk.call_client("8 (916) 123-45-67")
        await r.pbx.idle()
    assert [(o.command_id, o.ok, o.code, o.number) for o in r.outcomes] == [(command_id, True, 1000, "+79161234567")]
    record = CallRecord.get()
    assert record.direction == 2 and record.result == "answered" and record.command_id == command_id
    assert record.extension == "101" and record.contact_id == cache.contact.id
    assert r.pbx.stats.delivery_failures == 0 and {s for *_, s in r.pbx.stats.delivered} == {200}


@pytest.mark.anyio
async def test_hangup_ends_the_client_leg_and_the_call_is_logged(db) -> None:  # type: ignore[no-untyped-def]
    build_cache()
    async with rig(db, pace=0.05) as r:
        await r.desk.call_client("79161234567")
        leg = None
        for _ in range(300):
            leg = next((p["call_id"] for route, p, _ in r.pbx.stats.delivered if route == "events/call"
                        and p["call_state"] == "Connected" and p["from"].get("taken_from_call_id")), None)
            if leg:
                break
            await asyncio.sleep(0.01)
        assert leg is not None
        hangup_id = await r.client.hangup(leg)
        await r.pbx.idle()
    results = [p for route, p, _ in r.pbx.stats.delivered if route == "result/call/hangup"]
    assert results == [{"command_id": hangup_id, "result": 1000}]
    record = CallRecord.get()
    assert record.result == "answered" and record.disconnect_reason == 1181
    assert len(r.logged) == 1


@pytest.mark.anyio
async def test_users_list_reads_the_sample_managers(db) -> None:  # type: ignore[no-untyped-def]
    async with rig(db) as r:
        users = await r.client.users()
        # config/users/request: one per 2 s; the client's own limiter waits, so the sandbox never says 429
        [one] = await r.client.users("103")
    assert [u.extension for u in users] == [m.extension for m in r.pbx.managers]
    manager = r.pbx.managers[2]
    assert one.name == f"{manager.name} {manager.last_name}" and one.email == manager.email
    assert one.numbers == ("sip:103@demo.mangosip.ru",) and one.groups and one.mobile
    assert r.pbx.stats.by_service["config/users/request"] <= 3  # at most a retry after a jittery 429


@pytest.mark.anyio
async def test_two_desks_bursting_on_one_key_meet_429_and_retry_through_it(db) -> None:  # type: ignore[no-untyped-def]
    async with rig(db) as r:
        impatient = [MangoClient(api_key=KEY, api_salt=SALT, base_url=r.pbx.base_url, max_retries=0)
                     for _ in range(2)]
        try:
            answers = await asyncio.gather(
                *(c.callback(extension="101", to_number="79161234567") for c in impatient for _ in range(4)),
                return_exceptions=True)
        finally:
            for c in impatient:
                await c.aclose()
        refused = [a for a in answers if isinstance(a, MangoRateLimited)]
        assert len(refused) == 4 and all(isinstance(a, str) for a in answers if a not in refused)
        await asyncio.sleep(1.0)
        patient = [MangoClient(api_key=KEY, api_salt=SALT, base_url=r.pbx.base_url) for _ in range(2)]
        try:
            ids = await asyncio.gather(*(c.hangup(f"leg-{i}") for c in patient for i in range(4)))
        finally:
            for c in patient:
                await c.aclose()
        await r.pbx.idle()
    assert len(set(ids)) == 8
    assert r.pbx.stats.rate_limited["commands/callback"] == 4 and r.pbx.stats.rate_limited["commands/call/hangup"] > 0


@pytest.mark.anyio
async def test_a_wrong_salt_is_refused_with_3102(db) -> None:  # type: ignore[no-untyped-def]
    async with rig(db) as r:
        forger = MangoClient(api_key=KEY, api_salt="not-the-salt", base_url=r.pbx.base_url)
        try:
            with pytest.raises(MangoApiError) as err:
                await forger.callback(extension="101", to_number="79161234567")
        finally:
            await forger.aclose()
        await r.pbx.idle()
    assert err.value.code == 3102 and "sign" in str(err.value).lower()
    assert r.pbx.stats.delivered == [] and CallRecord.select().count() == 0
