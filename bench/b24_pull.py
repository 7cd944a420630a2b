"""Pull a large portal through the Bitrix24 client at the default limits.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/b24_pull.py            # 100k deals, 100k contacts, 30k companies
    B24_BENCH_SCALE=0.05 .venv/bin/python bench/b24_pull.py                 # a quick check at 5 %

Prints: wall, requests, rows_per_request, query_limit_exceeded, rate_floor
(the time the 2/s, burst-50 bucket alone forces for that many requests).
"""

from __future__ import annotations

import asyncio
import os
import time

from kapusta_desktop.domain.sample_data import generate
from kapusta_desktop.integrations.bitrix24 import Bitrix24Client, LimitConfig, WebhookAuth
from kapusta_desktop.sandbox.bitrix24 import Bitrix24Sandbox

SELECT = {
    "crm.deal.list": ["ID", "TITLE", "STAGE_ID", "CATEGORY_ID", "OPPORTUNITY", "CURRENCY_ID", "COMPANY_ID",
                      "CONTACT_ID", "ASSIGNED_BY_ID", "SOURCE_ID", "DATE_CREATE", "DATE_MODIFY", "ORIGIN_ID"],
    "crm.contact.list": ["ID", "NAME", "SECOND_NAME", "LAST_NAME", "POST", "COMPANY_ID", "ASSIGNED_BY_ID",
                         "DATE_MODIFY", "PHONE", "EMAIL"],
    "crm.company.list": ["ID", "TITLE", "ASSIGNED_BY_ID", "DATE_MODIFY", "PHONE", "EMAIL", "UF_*"],
}


async def main() -> None:
    scale = float(os.environ.get("B24_BENCH_SCALE", "1"))
    deals, contacts, companies = int(100_000 * scale), int(100_000 * scale), int(30_000 * scale)
    data = generate(companies=companies, contacts=contacts, deals=deals, tasks=0, leads=0)
    limits = LimitConfig()  # the portal's defaults: 2/s, burst 50
    async with Bitrix24Sandbox(data=data, rate=limits.rate, burst=limits.burst) as sb:
        client = Bitrix24Client(WebhookAuth(sb.webhook_url), limits=limits)
        rows = 0
        started = time.perf_counter()
        for method, select in SELECT.items():
            async for page in client.list_all(method, select=select):
                rows += len(page)
        wall = time.perf_counter() - started
        await client.aclose()
        expected = deals + contacts + companies
        if rows != expected:
            raise SystemExit(f"pulled {rows} rows, expected {expected}")
        requests = client.stats.requests
        print(f"rows: {rows} rows")
        print(f"wall: {wall:.1f} s")
        print(f"requests: {requests}")
        print(f"rows_per_request: {rows / requests:.0f}")
        print(f"query_limit_exceeded: {sb.stats.query_limit_exceeded}")
        print(f"rate_floor: {max(0, requests - limits.burst) / limits.rate:.1f} s")
        print(f"retries: {client.stats.retries}")


if __name__ == "__main__":
    asyncio.run(main())
