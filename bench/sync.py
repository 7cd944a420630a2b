"""Sync benchmark against the Bitrix24 sandbox at the portal's default limits (2/s, burst 50).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/sync.py          # 1,000 edits; full pull of 100k/100k/30k
    SYNC_BENCH_SCALE=0.05 .venv/bin/python bench/sync.py              # a quick check: full pull at 5 %

Prints:
  push_requests / push_wall     1,000 local edits (of 1,000 deals) pushed through the outbox (target <= 25 requests)
  idle_pull_requests            an incremental pull that finds nothing (target 1)
  full_pull_wall / full_pull_rss  the first sync of 100,000 deals, 100,000 contacts, 30,000 companies into an
                                empty cache, measured in a child process (so the sandbox's memory is not counted)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path


async def _pull_child(url: str, db_path: str) -> None:
    # bench/console.py is beside this script (on sys.path when run as one); VmHWM, not ru_maxrss: Linux carries
    # the parent's peak across fork + exec, and the parent holds the 230k-row sandbox.
    from console import peak_rss_mb

    from kapusta_desktop.integrations.bitrix24 import Bitrix24Client, LimitConfig, WebhookAuth
    from kapusta_desktop.services.sync.pull import Puller
    from kapusta_desktop.store.db import init_db

    init_db(db_path)
    client = Bitrix24Client(WebhookAuth(url), limits=LimitConfig())
    started = time.perf_counter()
    report = await Puller(client).full()
    wall = time.perf_counter() - started
    await client.aclose()
    rss_mb = peak_rss_mb()
    print(f"rows {sum(report.rows.values())} requests {client.stats.requests} bad {report.bad_rows}",
          file=sys.stderr)
    print(f"{wall:.3f} {rss_mb:.1f}")


async def bench_push_and_idle(tmp: Path, edits: int) -> None:
    from kapusta_desktop.integrations.bitrix24 import Bitrix24Client, LimitConfig, WebhookAuth
    from kapusta_desktop.sandbox.bitrix24 import Bitrix24Sandbox
    from kapusta_desktop.services.bus import EventBus
    from kapusta_desktop.services.editing import DealInput, EditingService
    from kapusta_desktop.services.sync.engine import SyncEngine
    from kapusta_desktop.store.db import close_db, init_db
    from kapusta_desktop.store.models import Deal, DealContact

    db = init_db(tmp / "push.sqlite3")
    limits = LimitConfig()
    companies = max(1, edits // 6 + 1)  # six deals per company: enough distinct deals to edit
    async with Bitrix24Sandbox(companies=companies, rate=limits.rate, burst=limits.burst) as sb:
        client = Bitrix24Client(WebhookAuth(sb.webhook_url), limits=limits)
        # A short look-back so the idle pull below is past it (the default is 60 s after the cursor moves).
        engine = SyncEngine(client, EventBus(), overlap=dt.timedelta(seconds=10))
        first = await engine.sync_now(full=True)
        if first.error:
            raise SystemExit(f"first sync failed: {first.error}")
        editing = EditingService(db)
        for deal in Deal.select().order_by(Deal.id).limit(edits):
            links = [x.contact_id for x in DealContact.select().where(DealContact.deal == deal.id)]
            editing.save_deal(deal.id, DealInput(
                title=deal.title + " ✓", stage_id=deal.stage_id, amount=deal.amount + Decimal("1"),
                currency=deal.currency, company_id=deal.company_id, contact_ids=links,
                responsible_id=deal.responsible_id, comment=deal.comment))
        await asyncio.sleep(25)  # let the bucket drain, as between two timer ticks
        before = client.stats.requests
        started = time.perf_counter()
        push = await engine.pusher.push_all()
        wall = time.perf_counter() - started
        if push.permanent or push.transient:
            raise SystemExit(f"push failed: {push.last_error}")
        print(f"push_requests: {client.stats.requests - before}")
        print(f"push_wall: {wall:.2f} s")
        await engine.puller.incremental()  # our own changes come back once
        await asyncio.sleep(11)  # nothing changes for a while: the desk is idle
        before = client.stats.requests
        await engine.puller.incremental()
        print(f"idle_pull_requests: {client.stats.requests - before}")
        await client.aclose()
    close_db()


async def bench_full_pull(tmp: Path, scale: float) -> None:
    from kapusta_desktop.domain.sample_data import generate
    from kapusta_desktop.integrations.bitrix24 import LimitConfig
    from kapusta_desktop.sandbox.bitrix24 import Bitrix24Sandbox

    deals, contacts, companies = int(100_000 * scale), int(100_000 * scale), int(30_000 * scale)
    data = generate(companies=companies, contacts=contacts, deals=deals, tasks=0, leads=0)
    limits = LimitConfig()
    async with Bitrix24Sandbox(data=data, rate=limits.rate, burst=limits.burst) as sb:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--pull-child", sb.webhook_url, str(tmp / "full.sqlite3"),
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await proc.communicate()
        if proc.returncode != 0:
            raise SystemExit("full pull child failed")
        wall, rss = out.decode().split()
        print(f"full_pull_wall: {float(wall):.1f} s")
        print(f"full_pull_rss: {float(rss):.0f} MB")


async def main() -> None:
    scale = float(os.environ.get("SYNC_BENCH_SCALE", "1"))
    edits = int(os.environ.get("SYNC_BENCH_EDITS", "1000"))
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        await bench_push_and_idle(tmp, edits)
        await bench_full_pull(tmp, scale)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--pull-child":
        asyncio.run(_pull_child(sys.argv[2], sys.argv[3]))
    else:
        asyncio.run(main())
