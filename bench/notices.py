"""500 Telegram notices to 20 chats (5 of them groups) through the real notifier, worker and client.

The Bot API sandbox runs in its own thread with Telegram's documented limits and
answers 429 whenever they are broken. Prints how many arrived, duplicates, the
429s the sandbox answered, the wall time, and the floor the limits allow.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/notices.py          # 500 notices
    NOTICES_N=100 QT_QPA_PLATFORM=offscreen .venv/bin/python bench/notices.py  # a quick check
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kapusta_desktop.domain.events import MissedCall
from kapusta_desktop.domain.notice_rules import NoticeConfig, NoticeKind, NoticeRule
from kapusta_desktop.integrations.telegram.client import TelegramClient
from kapusta_desktop.sandbox.telegram.runner import ThreadedTelegramSandbox
from kapusta_desktop.sandbox.telegram.server import DEFAULT_TOKEN, FloodLimits, TelegramSandbox
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.notice_worker import NoticeWorker
from kapusta_desktop.services.notifier import Notifier, save_config
from kapusta_desktop.store.db import close_db, init_db
from kapusta_desktop.store.models import Notice, UserManager

CHATS = 20
GROUPS = 5


def floor_seconds(per_chat: Counter[int], total: int, limits: FloodLimits) -> float:
    """The least time Telegram's limits allow for this load (first send at 0, no burst credit)."""
    worst = (total - 1) / limits.global_count * limits.global_window if total else 0.0
    for chat, n in per_chat.items():
        times: list[float] = []
        for k in range(n):
            t = times[-1] + 1 / limits.per_chat_rate if times else 0.0
            if chat < 0 and k >= limits.group_count:
                t = max(t, times[k - limits.group_count] + limits.group_window)
            times.append(t)
        worst = max(worst, times[-1] if times else 0.0)
    return worst


async def run(n: int) -> None:
    limits = FloodLimits()  # Telegram's limits, with the short per-chat burst it tolerates
    sandbox = TelegramSandbox(limits=limits)
    chat_ids = [-(4000 + i) for i in range(GROUPS)] + [7_000_000 + i for i in range(CHATS - GROUPS)]
    for chat in chat_ids:
        sandbox.add_chat(chat)
    with tempfile.TemporaryDirectory() as tmp, ThreadedTelegramSandbox(sandbox) as server:
        init_db(Path(tmp) / "bench.sqlite3")
        try:
            managers = [UserManager.create(name=f"Менеджер {i}", telegram_id=str(c)) for i, c in enumerate(chat_ids)]
            save_config(NoticeConfig().with_rule(NoticeRule(NoticeKind.MISSED_CALL, to_responsible=True)))
            bus = EventBus()
            notifier = Notifier(bus)
            for i in range(n):
                notifier.handle(
                    MissedCall(entry_id=f"bench-{i}", number=f"+7495{i:07d}", caller=f"Клиент {i}", company=None,
                               deal_id=None, responsible_id=managers[i % CHATS].id, extension=None)
                )
            async with TelegramClient(DEFAULT_TOKEN, base_url=server.base_url) as client:
                worker = NoticeWorker(client, bus)
                started = time.monotonic()
                await worker.run_until_idle(timeout=3600)
                wall = time.monotonic() - started
            states = Counter(notice.state for notice in Notice.select())
        finally:
            close_db()
    delivered = sandbox.delivered()
    copies = Counter((m.chat_id, m.text) for m in delivered)
    per_chat = Counter(m.chat_id for m in delivered)
    print(f"notices: {n} count")
    print(f"delivered: {len(copies)}")
    print(f"duplicates: {sum(c - 1 for c in copies.values())}")
    print(f"sandbox_429: {sandbox.count_429()}")
    for reason, count in sorted(sandbox.too_many_reasons.items()):
        print(f"sandbox_429_{reason}: {count}")
    print(f"wall: {wall:.1f} s")
    print(f"floor: {floor_seconds(per_chat, len(delivered), limits):.1f} s")
    if states.get("sent", 0) != n:
        print(f"not sent: {n - states.get('sent', 0)} count")


def main() -> None:
    n = int(os.environ.get("NOTICES_N") or (sys.argv[1] if len(sys.argv) > 1 else 500))
    asyncio.run(run(n))


if __name__ == "__main__":
    main()
