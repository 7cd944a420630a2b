"""Team mode pushing: many desks drain one shared outbox under one shared Bitrix24 request budget.

N desk processes (each a Pusher on its own PostgreSQL connection, its client taking requests from the
shared `request_budget` row) push M new companies from one outbox to the Bitrix24 sandbox, which
enforces the portal's real leaky bucket (2/s, 50). The shared bucket starts full, so the figure is the
sustained rate, not the first burst. Prints team_pushes_per_s, the requests per second, and the
sandbox's QUERY_LIMIT_EXCEEDED answers (must be 0) and duplicate creates (must be 0).

The database: KAPUSTA_BENCH_PG_URL or KAPUSTA_TEST_PG_URL (a server URL; a fresh database is created on
it and dropped after), else a throw-away server from tools/pg_test_server.sh.

    .venv/bin/python bench/team_push.py                        # 10 desks, 2000 records
    .venv/bin/python bench/team_push.py --desks 3 --records 300
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RATE, BURST = 2.0, 50  # the portal's standard plan
BUDGET_KEY = "bitrix24:bench"


async def desk_main(db_url: str, webhook_url: str, worker_id: str) -> int:
    """One desk: wait for "go" on stdin, push until the shared outbox is empty, print "done"."""
    from kapusta_desktop.integrations.bitrix24.auth import WebhookAuth
    from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
    from kapusta_desktop.integrations.bitrix24.limits import LimitConfig
    from kapusta_desktop.services.sync.push import Pusher
    from kapusta_desktop.store.db import init_db
    from kapusta_desktop.store.outbox import pending_count
    from kapusta_desktop.store.request_budget import SharedRequestBudget

    init_db(db_url)
    from kapusta_desktop.services.team_sync import TEAM_HEADROOM

    limits = LimitConfig(rate=RATE, burst=BURST, headroom=TEAM_HEADROOM)  # a team desk's defaults
    budget = SharedRequestBudget.open(db_url, key=BUDGET_KEY, rate=limits.rate, capacity=limits.burst - limits.headroom)
    client = Bitrix24Client(WebhookAuth(webhook_url), limits=limits, limiter=budget, max_retries=0)
    pusher = Pusher(client, worker_id=worker_id, backoff_base=0.5, backoff_max=2.0, max_records_per_round=50)
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    try:
        while pending_count("bitrix24"):
            await pusher.push_all()
            await asyncio.sleep(0.05)
        print("done", flush=True)
        return 0
    finally:
        await client.aclose()
        budget.close()


def _seed(records: int) -> None:
    from kapusta_desktop.store.models import Company, OutboxEntry

    db = Company._meta.database
    with db.atomic():
        for start in range(0, records, 1000):
            count = min(1000, records - start)
            Company.insert_many([{"title": f"ООО Бенч {start + n}", "sync_state": "pending",
                                  "origin_id": str(uuid.uuid4())} for n in range(count)]).execute()
        ids = [cid for (cid,) in Company.select(Company.id).order_by(Company.id).tuples()]
        for start in range(0, len(ids), 1000):
            OutboxEntry.insert_many([{"target": "bitrix24", "entity_type": "company", "entity_id": cid,
                                      "op": "create", "payload": {}} for cid in ids[start:start + 1000]]).execute()


async def measure(db_url: str, desks: int, records: int) -> dict[str, float]:
    """Push `records` new companies from `desks` desk processes; the figures `report` prints (bench/team.py too)."""
    from kapusta_desktop.sandbox.bitrix24.server import Bitrix24Sandbox
    from kapusta_desktop.store.db import close_db, init_db
    from kapusta_desktop.store.request_budget import SharedRequestBudget

    init_db(db_url)
    _seed(records)
    from kapusta_desktop.services.team_sync import TEAM_HEADROOM

    budget = SharedRequestBudget.open(db_url, key=BUDGET_KEY, rate=RATE, capacity=BURST - TEAM_HEADROOM)
    async with Bitrix24Sandbox(companies=1, rate=RATE, burst=BURST) as sb:
        before = len(sb.rows("company"))
        procs = [await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--desk", db_url, sb.webhook_url, f"bench-desk-{n}", cwd=ROOT,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE) for n in range(desks)]
        try:
            for proc in procs:
                assert proc.stdout is not None
                line = await asyncio.wait_for(proc.stdout.readline(), 120)
                if line.strip() != b"ready":
                    raise RuntimeError("a desk did not start")
            budget.fill()  # the sustained rate, not the first burst
            budget.close()
            requests_before = sb.stats.requests
            started = time.perf_counter()
            for proc in procs:
                assert proc.stdin is not None
                proc.stdin.write(b"go\n")
                await proc.stdin.drain()
            for proc in procs:
                await asyncio.wait_for(proc.communicate(), 3600)
            elapsed = time.perf_counter() - started
        finally:
            for proc in procs:
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()
        created = len(sb.rows("company")) - before
        requests = sb.stats.requests - requests_before
        result = {"desks": desks, "records": records, "pushes_per_s": created / elapsed,
                  "requests_per_s": requests / elapsed, "query_limit_exceeded": sb.stats.query_limit_exceeded,
                  "duplicate_creates": sb.stats.commands["crm.company.add"] - records, "elapsed": elapsed}
    close_db()
    return result


def report(result: dict[str, float], prefix: str = "") -> None:
    """team_pushes_per_s as is; the other lines under `prefix` (bench/team.py prints its own desks and events)."""
    print(f"{prefix}desks: {result['desks']}")
    print(f"{prefix}records: {result['records']}")
    print(f"team_pushes_per_s: {result['pushes_per_s']:.1f}")
    print(f"team_requests_per_s: {result['requests_per_s']:.2f} (portal drains {RATE:.0f}/s)")
    print(f"{prefix}query_limit_exceeded: {result['query_limit_exceeded']}")
    print(f"{prefix}duplicate_creates: {result['duplicate_creates']}")
    print(f"{prefix}elapsed: {result['elapsed']:.1f} s")


async def run(db_url: str, desks: int, records: int) -> None:
    report(await measure(db_url, desks, records))


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--desk":
        return asyncio.run(desk_main(*sys.argv[2:5]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", type=int, default=10)
    parser.add_argument("--records", type=int, default=2000)
    args = parser.parse_args()
    # bench/team.py (beside this script, so on sys.path when run as one) finds or starts the server.
    from team import fresh_database, server_url

    cleanup: list[Callable[[], object]] = []
    try:
        asyncio.run(run(fresh_database(server_url(cleanup), cleanup), args.desks, args.records))
    finally:
        for step in reversed(cleanup):
            step()
    return 0


if __name__ == "__main__":
    sys.exit(main())
