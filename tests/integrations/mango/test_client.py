from __future__ import annotations

import json
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from kapusta_desktop.integrations.mango.client import (
    MangoApiError,
    MangoClient,
    MangoLockedOut,
    MangoRateLimited,
    RateLimiter,
)
from kapusta_desktop.integrations.mango.signing import sign

BASE = "https://pbx.test/vpbx/"


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _client(t: FakeTime, http: httpx.AsyncClient) -> MangoClient:
    return MangoClient(api_key="k", api_salt="s", base_url=BASE, http=http, clock=t.clock, sleep=t.sleep)


@pytest.mark.anyio
async def test_callback_sends_a_signed_compact_form() -> None:
    t = FakeTime()
    async with respx.mock(assert_all_called=True) as mock, httpx.AsyncClient() as http:
        route = mock.post(BASE + "commands/callback").respond(200, json={"result": 1000})
        command_id = await _client(t, http).callback(extension="101", to_number="79161234567", command_id="cb-1")
    assert command_id == "cb-1"
    form = {k: v[0] for k, v in parse_qs(route.calls[0].request.content.decode()).items()}
    assert form["vpbx_api_key"] == "k"
    assert form["json"] == '{"command_id":"cb-1","from":{"extension":"101"},"to_number":"79161234567"}'
    assert form["sign"] == sign("k", form["json"], "s")
    assert "s" not in form.values()


@pytest.mark.anyio
async def test_error_codes_raise_with_class_and_5xxx_is_retried() -> None:
    t = FakeTime()
    async with respx.mock() as mock, httpx.AsyncClient() as http:
        mock.post(BASE + "commands/call/hangup").mock(
            side_effect=[httpx.Response(200, json={"result": 5001}), httpx.Response(200, json={"result": 3319})]
        )
        with pytest.raises(MangoApiError) as err:
            await _client(t, http).hangup("C1")
    assert err.value.code == 3319 and err.value.code_class == 3310
    assert "call not found" in str(err.value)


@pytest.mark.anyio
async def test_429_is_waited_out_then_gives_up() -> None:
    t = FakeTime()
    limited = {"name": "Service Unavailable", "message": "Rate limit exceeded.", "code": 0, "status": 429}
    async with respx.mock() as mock, httpx.AsyncClient() as http:
        route = mock.post(BASE + "commands/callback").mock(
            side_effect=[httpx.Response(429, json=limited), httpx.Response(200, json={"result": 1000})]
        )
        await _client(t, http).callback(extension="101", to_number="7916")
        assert route.call_count == 2 and t.slept
        route.mock(return_value=httpx.Response(429, json=limited))
        with pytest.raises(MangoRateLimited):
            await _client(t, http).callback(extension="101", to_number="7916")


@pytest.mark.anyio
async def test_401_locks_the_client_out_for_two_minutes() -> None:
    t = FakeTime()
    async with respx.mock() as mock, httpx.AsyncClient() as http:
        route = mock.post(BASE + "commands/callback").respond(401)
        client = _client(t, http)
        with pytest.raises(MangoLockedOut):
            await client.callback(extension="101", to_number="7916")
        with pytest.raises(MangoLockedOut):
            await client.callback(extension="101", to_number="7916")
        assert route.call_count == 1  # the second never left the desk
        t.now += 121
        route.respond(200, json={"result": 1000})
        await client.callback(extension="101", to_number="7916")


@pytest.mark.anyio
async def test_users_are_parsed_and_non_json_is_an_error() -> None:
    t = FakeTime()
    body = {
        "users": [
            {
                "general": {"name": "Иван Петров", "email": "i@x.ru", "department": "Продажи"},
                "telephony": {"extension": 101, "numbers": [{"number": "sip:ivan@x.mangosip.ru", "protocol": "sip"}]},
                "groups": [5],
            }
        ]
    }
    async with respx.mock() as mock, httpx.AsyncClient() as http:
        route = mock.post(BASE + "config/users/request").respond(200, json=body)
        [user] = await _client(t, http).users()
        assert user.extension == "101" and user.name == "Иван Петров" and user.numbers == ("sip:ivan@x.mangosip.ru",)
        assert json.loads(parse_qs(route.calls[0].request.content.decode())["json"][0]) == {
            "ext_fields": ["general.mobile"]
        }
        route.respond(200, text="<html>oops</html>")
        with pytest.raises(MangoApiError, match="not JSON"):
            await _client(t, http).users()


@pytest.mark.anyio
async def test_rate_limiter_spaces_requests() -> None:
    t = FakeTime()
    limiter = RateLimiter(4, 1.0, clock=t.clock)
    start = t.now
    for _ in range(9):
        await limiter.acquire(t.sleep)
    # 9 requests at 4/s need at least two full windows.
    assert t.now - start >= 2.0


def test_client_needs_credentials() -> None:
    with pytest.raises(ValueError):
        MangoClient(api_key="", api_salt="s")
