from __future__ import annotations

import httpx
import pytest
import respx

from kapusta_desktop.integrations.telegram.client import TelegramClient, check_token
from kapusta_desktop.integrations.telegram.errors import (
    TelegramChatNotFound,
    TelegramConfigError,
    TelegramForbidden,
    TelegramMaybeDelivered,
    TelegramMigrated,
    TelegramRetryAfter,
    TelegramTransientError,
    TelegramUnauthorized,
)
from kapusta_desktop.integrations.telegram.limiter import Limits, RateLimiter

pytestmark = pytest.mark.anyio
TOKEN = "987654321:AAExampleExampleExampleExample_12345"
SEND = f"https://api.telegram.org/bot{TOKEN}/sendMessage"
OK = {"ok": True, "result": {"message_id": 7, "chat": {"id": 42, "type": "private"}, "date": 0, "text": "x"}}


def client(**kw: object) -> TelegramClient:
    return TelegramClient(TOKEN, connect_backoff=0.0, limits=Limits(per_chat_interval=0.0), **kw)  # type: ignore[arg-type]


def test_token_precheck_never_echoes_the_token() -> None:
    with pytest.raises(TelegramConfigError, match="no Telegram bot token"):
        check_token("  ")
    with pytest.raises(TelegramConfigError) as info:
        check_token("12345:short")
    assert "short" not in str(info.value)
    assert check_token(f" {TOKEN} ") == TOKEN


@respx.mock
async def test_connect_error_is_retried_then_sent() -> None:
    route = respx.post(SEND).mock(side_effect=[httpx.ConnectError("refused"), httpx.Response(200, json=OK)])
    async with client() as c:
        sent = await c.send_message(42, "x")
    assert sent.message_id == 7 and route.call_count == 2


@respx.mock
async def test_connect_error_gives_up_as_transient_without_the_url() -> None:
    respx.post(SEND).mock(side_effect=httpx.ConnectError(f"refused {SEND}"))
    async with client(connect_retries=1) as c:
        with pytest.raises(TelegramTransientError) as info:
            await c.send_message(42, "x")
    assert TOKEN not in str(info.value)


@respx.mock
async def test_read_timeout_is_maybe_delivered_and_not_resent_blindly() -> None:
    route = respx.post(SEND).mock(side_effect=httpx.ReadTimeout("timed out"))
    async with client() as c:
        with pytest.raises(TelegramMaybeDelivered):
            await c.send_message(42, "x")
    assert route.call_count == 1


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (401, {"description": "Unauthorized"}, TelegramUnauthorized),
        (403, {"description": "Forbidden: bot was blocked by the user"}, TelegramForbidden),
        (400, {"description": "Bad Request: chat not found"}, TelegramChatNotFound),
        (
            400,
            {
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": -1001},
            },
            TelegramMigrated,
        ),
        (502, {"description": "Bad Gateway"}, TelegramTransientError),
    ],
)
@respx.mock
async def test_errors_are_typed(status: int, body: dict, error: type[Exception]) -> None:
    respx.post(SEND).mock(return_value=httpx.Response(status, json={"ok": False, "error_code": status, **body}))
    async with client() as c:
        with pytest.raises(error) as info:
            await c.send_message(42, "x")
    if isinstance(info.value, TelegramMigrated):
        assert info.value.new_chat_id == "-1001"


@respx.mock
async def test_long_429_is_handed_back_and_pauses_only_that_chat() -> None:
    body = {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 120",
        "parameters": {"retry_after": 120},
    }
    respx.post(SEND).mock(return_value=httpx.Response(429, json=body, headers={"Retry-After": "120"}))
    async with client(max_inline_wait=5) as c:
        with pytest.raises(TelegramRetryAfter) as info:
            await c.send_message(42, "x")
        assert info.value.retry_after == 120
        now = c.limiter._clock()
        assert c.limiter.earliest("42") >= now + 119
        assert c.limiter.earliest("43") <= now + 0.1  # only the even global spacing


def test_limiter_keeps_group_and_global_windows() -> None:
    t = [0.0]
    limiter = RateLimiter(Limits(margin=0.0, group_margin=0.0), clock=lambda: t[0])
    for _ in range(20):
        assert limiter.try_acquire("-5")
        t[0] += 1.0
    # The 21st group message waits until 60 s after the first.
    assert not limiter.try_acquire("-5")
    assert limiter.earliest("-5") == 60.0
    # A private chat: one per second.
    assert limiter.try_acquire("7") and not limiter.try_acquire("7")
    # 30/s overall, spread evenly rather than in one burst.
    t[0] = 100.0
    assert limiter.try_acquire("1000")
    assert not limiter.try_acquire("1001")
    for i in range(1, 30):
        t[0] = 100.0 + i / 30
        assert limiter.try_acquire(str(1000 + i))
    t[0] = 100.999
    assert not limiter.try_acquire("2000")
    t[0] = 101.0
    assert limiter.try_acquire("2000")
