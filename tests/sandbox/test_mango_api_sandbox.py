"""The Mango PBX API sandbox over raw HTTP, checked against the reference (shared/reference/mango.md)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from aiohttp import web

from kapusta_desktop.sandbox.mango.api import MangoApiSandbox

KEY, SALT = "raw-key-0001", "raw-salt-0001"
RATE_LIMITED = {"name": "Service Unavailable", "message": "Rate limit exceeded.", "code": 0, "status": 429}


def form(payload: dict[str, Any] | str, key: str = KEY, salt: str = SALT) -> dict[str, str]:
    text = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    return {"vpbx_api_key": key, "sign": hashlib.sha256((key + text + salt).encode()).hexdigest(), "json": text}


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Collector:
    """A bare listener: keeps what the PBX POSTs, with the sign checked by hand."""

    def __init__(self, key: str, salt: str) -> None:
        self.key, self.salt = key, salt
        self.got: list[tuple[str, dict[str, Any]]] = []

    async def handle(self, request: web.Request) -> web.Response:
        data = await request.post()
        text = str(data["json"])
        assert data["vpbx_api_key"] == self.key
        assert data["sign"] == hashlib.sha256((self.key + text + self.salt).encode()).hexdigest()
        self.got.append((request.match_info["route"], json.loads(text)))
        return web.Response(text="ok")


@asynccontextmanager
async def collector(key: str = KEY, salt: str = SALT) -> AsyncIterator[tuple[Collector, str]]:
    c = Collector(key, salt)
    app = web.Application()
    app.router.add_post("/mango/{route:.+}", c.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield c, f"http://127.0.0.1:{runner.addresses[0][1]}/mango"
    finally:
        await runner.cleanup()


@pytest.mark.anyio
async def test_reference_test_vector_is_accepted_and_answered_at_the_listener() -> None:
    key, salt = "<YOUR_API_KEY>", "<YOUR_API_SALT>"
    text = '{"command_id":"your-command-id","call_id":"<CALL_ID>"}'
    sign = "2d1d01246f52cec1fdb44f2a4d7091dc54f67e318369c0628201d66b5d336ef0"
    async with collector(key, salt) as (events, url), MangoApiSandbox(api_key=key, api_salt=salt,
                                                                      listener_url=url) as pbx:
        async with httpx.AsyncClient() as http:
            r = await http.post(pbx.base_url + "commands/call/hangup",
                                data={"vpbx_api_key": key, "sign": sign, "json": text})
        assert r.status_code == 200 and r.json() == {"result": 1000}
        await pbx.idle()
    # The PBX never played that call: the outcome says "call not found".
    assert events.got == [("result/call/hangup", {"command_id": "your-command-id", "result": 3310})]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"vpbx_api_key": KEY, "sign": "0" * 64, "json": '{"command_id":"a","call_id":"b"}'}, 3102),
        ({"vpbx_api_key": KEY, "json": '{"command_id":"a","call_id":"b"}'}, 3103),
        (form({"command_id": "a"}), 3103),  # call_id missing
        (form('{"command_id": "a", '), 3400),
        (form("[1, 2]"), 3400),
        (form({"command_id": "a", "call_id": "b"}, key="someone-else"), 3105),
    ],
)
async def test_bad_requests_get_the_documented_result_codes(fields: dict[str, str], code: int) -> None:
    async with MangoApiSandbox(api_key=KEY, api_salt=SALT) as pbx, httpx.AsyncClient() as http:
        r = await http.post(pbx.base_url + "commands/call/hangup", data=fields)
        assert r.status_code == 200 and r.json() == {"result": code}
        r = await http.get(pbx.base_url + "commands/call/hangup")
        assert r.json() == {"result": 3101}


@pytest.mark.anyio
async def test_callback_plays_both_legs_then_the_outcome_and_summary() -> None:
    async with collector() as (events, url), MangoApiSandbox(api_key=KEY, api_salt=SALT, listener_url=url) as pbx:
        async with httpx.AsyncClient() as http:
            payload = {"command_id": "cb-1", "from": {"extension": "101"}, "to_number": "79161234567"}
            r = await http.post(pbx.base_url + "commands/callback", data=form(payload))
            assert r.json() == {"result": 1000}
            bad = {"command_id": "cb-2", "from": {"extension": "101"}, "to_number": "not a number"}
            assert (await http.post(pbx.base_url + "commands/callback", data=form(bad))).json() == {"result": 3200}
        await pbx.idle()
    calls = [p for route, p in events.got if route == "events/call"]
    first = calls[0]
    assert first["call_state"] == "Appeared" and first["to"]["extension"] == "101"
    client_leg = [p for p in calls if p["call_id"] != first["call_id"]]
    assert client_leg and all(p["from"]["taken_from_call_id"] == first["call_id"] for p in client_leg)
    assert client_leg[0]["to"]["number"] == "79161234567"
    assert all(p["command_id"] == "cb-1" for p in calls)
    assert calls.index(client_leg[0]) > calls.index(first)
    routes = [route for route, _ in events.got]
    assert ("result/callback", {"command_id": "cb-1", "result": 1000}) in events.got
    assert routes[-1] == "events/summary" and events.got[-1][1]["call_direction"] == 2


@pytest.mark.anyio
async def test_hangup_ends_a_live_call_with_reason_1181() -> None:
    async with collector() as (events, url), MangoApiSandbox(api_key=KEY, api_salt=SALT, listener_url=url,
                                                              pace=0.05) as pbx:
        async with httpx.AsyncClient() as http:
            payload = {"command_id": "cb-9", "from": {"extension": "102"}, "to_number": "74951234567"}
            await http.post(pbx.base_url + "commands/callback", data=form(payload))
            for _ in range(200):  # until the client answered (40 s of talk at pace 0.05 = 2 s left)
                connected = [p for r, p in events.got if r == "events/call" and p["call_state"] == "Connected"
                             and p.get("from", {}).get("taken_from_call_id")]
                if connected:
                    break
                await _sleep(0.01)
            leg = connected[0]["call_id"]
            r = await http.post(pbx.base_url + "commands/call/hangup", data=form({"command_id": "h-1", "call_id": leg}))
            assert r.json() == {"result": 1000}
        await pbx.idle()
    ended = [p for r, p in events.got if r == "events/call" and p["call_state"] == "Disconnected"]
    assert {p["call_id"] for p in ended} == {leg, connected[0]["from"]["taken_from_call_id"]}
    assert all(p["disconnect_reason"] == 1181 for p in ended)
    assert ("result/call/hangup", {"command_id": "h-1", "result": 1000}) in events.got
    summary = events.got[-1][1]
    assert events.got[-1][0] == "events/summary"
    assert summary["entry_result"] == 1 and summary["disconnect_reason"] == 1181


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


@pytest.mark.anyio
async def test_users_list_in_the_documented_shape() -> None:
    async with MangoApiSandbox(api_key=KEY, api_salt=SALT) as pbx, httpx.AsyncClient() as http:
        r = await http.post(pbx.base_url + "config/users/request", data=form({"ext_fields": ["general.mobile"]}))
        users = r.json()["users"]
        assert len(users) == len(pbx.managers) == 8
        first = users[0]
        assert set(first) == {"general", "telephony", "groups"}
        assert set(first["general"]) == {"name", "email", "department", "position", "mobile"}
        assert first["telephony"]["extension"] == "101"
        assert set(first["telephony"]["numbers"][0]) == {"number", "protocol", "status"}


@pytest.mark.anyio
async def test_rate_limits_answer_429_with_the_vendor_body() -> None:
    clock = FakeClock()
    async with MangoApiSandbox(api_key=KEY, api_salt=SALT, clock=clock) as pbx, httpx.AsyncClient() as http:
        async def hangup(i: int) -> httpx.Response:
            return await http.post(pbx.base_url + "commands/call/hangup",
                                   data=form({"command_id": f"h{i}", "call_id": f"c{i}"}))

        answers = [await hangup(i) for i in range(5)]
        assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
        assert answers[-1].json() == RATE_LIMITED
        clock.now += 1.0
        assert (await hangup(6)).status_code == 200

        users = [await http.post(pbx.base_url + "config/users/request", data=form({})) for _ in range(2)]
        assert [u.status_code for u in users] == [200, 429]
        clock.now += 1.5
        assert (await http.post(pbx.base_url + "config/users/request", data=form({}))).status_code == 429
        clock.now += 0.6
        assert (await http.post(pbx.base_url + "config/users/request", data=form({}))).status_code == 200

        clock.now += 5
        general = [await http.post(pbx.base_url + "stats/result", data=form({"key": "x"})) for _ in range(11)]
        assert [g.status_code for g in general].count(429) == 1 and general[-1].json() == RATE_LIMITED
    assert pbx.stats.rate_limited == {"commands/call/hangup": 1, "config/users/request": 2, "general": 1}


@pytest.mark.anyio
async def test_a_second_3xxx_within_two_minutes_locks_the_key_out() -> None:
    clock = FakeClock()
    bad = {"vpbx_api_key": KEY, "sign": "f" * 64, "json": "{}"}
    async with MangoApiSandbox(api_key=KEY, api_salt=SALT, clock=clock) as pbx, httpx.AsyncClient() as http:
        url = pbx.base_url + "config/users/request"
        assert (await http.post(url, data=bad)).json() == {"result": 3102}
        clock.now += 121  # the first error has aged out: no lock-out yet
        assert (await http.post(url, data=bad)).json() == {"result": 3102}
        clock.now += 3
        assert (await http.post(url, data=bad)).json() == {"result": 3102}
        locked = await http.post(url, data=form({}))
        assert locked.status_code == 401
        clock.now += 121
        assert (await http.post(url, data=form({}))).status_code == 200
