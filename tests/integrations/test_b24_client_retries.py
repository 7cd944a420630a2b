"""Per-call retry limits: one request's setting never leaks into concurrent calls on the same client."""

from __future__ import annotations

import asyncio

import pytest

from kapusta_desktop.integrations.bitrix24 import Bitrix24Client, LimitConfig, WebhookAuth
from kapusta_desktop.integrations.bitrix24 import errors as e
from kapusta_desktop.sandbox.bitrix24 import Bitrix24Sandbox, FaultConfig

FAST = LimitConfig(rate=1000, burst=1000, operating_fallback_pause=0.05)


@pytest.mark.anyio
async def test_retries_override_is_per_call_and_leaves_concurrent_calls_alone() -> None:
    async with (
        Bitrix24Sandbox(companies=2, rate=1000, burst=1000, faults=FaultConfig(error_500=1.0)) as sb,
        Bitrix24Client(WebhookAuth(sb.webhook_url), limits=FAST, max_retries=3, backoff_base=0.02,
                       backoff_max=0.05, seed=3) as c,
    ):
        outcomes = await asyncio.gather(
            c.batch({"a": ("crm.deal.get", {"id": 1})}, retries=0),
            c.call("user.current"),
            c.call("crm.deal.get", {"id": 1}, retries=1),
            return_exceptions=True,
        )
        assert all(isinstance(o, e.ServerError) for o in outcomes)
        assert c.stats.methods["batch"] == 1  # no retry at all
        assert c.stats.methods["user.current"] == 4  # the client's own limit: 1 + 3 retries
        assert c.stats.methods["crm.deal.get"] == 2  # 1 + 1
        assert c.max_retries == 3
        assert sb.stats.requests == 7
        with pytest.raises(ValueError):
            await c.call("user.current", retries=-1)
