"""A pusher process for the SIGKILL test: `python -m tests.sync.push_worker DB WEBHOOK_URL`.

Prints "ready" once set up, then pushes until the outbox is empty and prints "done".
"""

from __future__ import annotations

import asyncio
import sys


async def main(db_path: str, url: str) -> int:
    from kapusta_desktop.integrations.bitrix24.auth import WebhookAuth
    from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
    from kapusta_desktop.integrations.bitrix24.limits import LimitConfig
    from kapusta_desktop.services.sync.push import Pusher
    from kapusta_desktop.store.db import init_db
    from kapusta_desktop.store.outbox import pending_count

    init_db(db_path)
    client = Bitrix24Client(WebhookAuth(url), limits=LimitConfig(rate=1000, burst=1000), backoff_base=0.01)
    pusher = Pusher(client, worker_id="killable", backoff_base=0.0, backoff_max=0.0)
    print("ready", flush=True)
    try:
        for _ in range(200):
            await pusher.push_all()
            if pending_count("bitrix24") == 0:
                print("done", flush=True)
                return 0
        return 1
    finally:
        await client.aclose()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2])))
