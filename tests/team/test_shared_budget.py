"""One Bitrix24 request budget for the team: desks together stay under the portal's leaky bucket."""

from __future__ import annotations

import asyncio
import time

import peewee
import pytest

from kapusta_desktop.integrations.bitrix24.auth import WebhookAuth
from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
from kapusta_desktop.integrations.bitrix24.errors import QueryLimitExceeded
from kapusta_desktop.integrations.bitrix24.limits import LimitConfig
from kapusta_desktop.sandbox.bitrix24.server import Bitrix24Sandbox
from kapusta_desktop.store.db import open_database
from kapusta_desktop.store.request_budget import SharedRequestBudget

RATE, BURST = 5.0, 10
LIMITS = LimitConfig(rate=RATE, burst=BURST)  # headroom 1: the desks keep at most 9 in the portal's bucket
DESKS, REQUESTS_EACH = 3, 8


def _client(url: str, limiter: object | None, *, retries: int) -> Bitrix24Client:
    return Bitrix24Client(WebhookAuth(url), limits=LIMITS, limiter=limiter, max_retries=retries,
                          backoff_base=0.01, backoff_max=0.05)


async def _desk(client: Bitrix24Client) -> None:
    try:
        for _ in range(REQUESTS_EACH):
            await client.call("user.current")
    finally:
        await client.aclose()


@pytest.mark.anyio
async def test_three_desks_sharing_one_budget_never_overflow_the_portal(pg_url: str, pg_db: peewee.Database) -> None:
    budgets = [SharedRequestBudget.open(pg_url, key="bitrix24:sandbox", rate=LIMITS.rate,
                                        capacity=LIMITS.burst - LIMITS.headroom) for _ in range(DESKS)]
    try:
        async with Bitrix24Sandbox(companies=1, rate=RATE, burst=BURST) as sb:
            clients = [_client(sb.webhook_url, budget, retries=0) for budget in budgets]
            # Connected and warm first (a cold first answer is slow), then both buckets drain empty.
            await asyncio.gather(*(client.call("user.current") for client in clients))
            await asyncio.sleep(DESKS / RATE + 0.1)
            started = time.monotonic()
            await asyncio.gather(*(_desk(client) for client in clients))
            elapsed = time.monotonic() - started
            assert sb.stats.query_limit_exceeded == 0
            assert sb.stats.requests == DESKS * (REQUESTS_EACH + 1)
    finally:
        for budget in budgets:
            budget.close()
    # 24 requests where one bucket lets 9 through at once: the other 15 had to wait for the drain (3 s).
    assert DESKS * REQUESTS_EACH > BURST
    assert elapsed >= (DESKS * REQUESTS_EACH - (BURST - 1)) / RATE * 0.9


@pytest.mark.anyio
async def test_without_the_shared_budget_the_same_desks_overflow_the_portal() -> None:
    # The control: each desk's own bucket is within the limit, together they are not.
    async with Bitrix24Sandbox(companies=1, rate=RATE, burst=BURST) as sb:
        results = await asyncio.gather(*(_desk(_client(sb.webhook_url, None, retries=0)) for _ in range(DESKS)),
                                       return_exceptions=True)
        assert sb.stats.query_limit_exceeded > 0
        assert any(isinstance(r, QueryLimitExceeded) for r in results)


def test_the_bucket_row_drains_at_the_rate_and_fills_on_overflow(pg_url: str, pg_db: peewee.Database) -> None:
    budget = SharedRequestBudget(open_database(pg_url), key="bitrix24:one", rate=2.0, capacity=3)
    other = SharedRequestBudget(open_database(pg_url), key="bitrix24:one", rate=2.0, capacity=3)
    try:
        assert [budget.try_take(), other.try_take(), budget.try_take()] == [True, True, True]
        assert not other.try_take()  # full for everyone
        assert 0.3 < other.delay_for_next() <= 0.5
        time.sleep(0.55)  # one request drains at 2/s
        assert other.try_take()
        assert not budget.try_take()
        budget.fill()
        assert budget.level == pytest.approx(3.0, abs=0.1)
        # Another portal has its own bucket.
        assert SharedRequestBudget(open_database(pg_url), key="bitrix24:two", rate=2.0, capacity=3).try_take()
    finally:
        budget.close()
        other.close()


def test_a_shared_budget_needs_postgresql(db: peewee.Database) -> None:
    with pytest.raises(ValueError, match="PostgreSQL"):
        SharedRequestBudget(db, key="bitrix24:x", rate=2.0, capacity=50)
