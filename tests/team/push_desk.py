"""One desk's pusher for the shared-outbox test: `python -m tests.team.push_desk DB_URL WEBHOOK_URL WORKER MAX`.

Prints "ready" once connected, waits for a line on stdin (so every desk starts at once), pushes until the shared
outbox has nothing pending, then prints "done RECORDS".
"""

from __future__ import annotations

import asyncio
import sys
import time


async def main(db_url: str, webhook_url: str, worker_id: str, max_records: int) -> int:
    from kapusta_desktop.integrations.bitrix24.auth import WebhookAuth
    from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
    from kapusta_desktop.integrations.bitrix24.limits import LimitConfig
    from kapusta_desktop.services.sync.push import Pusher
    from kapusta_desktop.store.db import init_db
    from kapusta_desktop.store.outbox import pending_count

    init_db(db_url)
    client = Bitrix24Client(WebhookAuth(webhook_url), limits=LimitConfig(rate=1000, burst=1000), backoff_base=0.01)
    pusher = Pusher(client, worker_id=worker_id, backoff_base=0.0, backoff_max=0.0, max_records_per_round=max_records)
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    records = 0
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            report = await pusher.push_all()
            records += report.records
            if pending_count("bitrix24") == 0:
                print(f"done {records}", flush=True)
                return 0
            await asyncio.sleep(0.01)  # the rest is claimed by other desks: look again shortly
        return 1
    finally:
        await client.aclose()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))))
