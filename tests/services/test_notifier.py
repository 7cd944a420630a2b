"""Whole notice flows: domain event -> Notice + outbox -> worker -> real client -> Bot API sandbox."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from kapusta_desktop.domain.events import DealStageChanged, MissedCall
from kapusta_desktop.domain.notice_rules import NoticeConfig, NoticeKind, NoticeRule, QuietHours
from kapusta_desktop.integrations.telegram.client import TelegramClient
from kapusta_desktop.integrations.telegram.limiter import Limits
from kapusta_desktop.sandbox.telegram.runner import TelegramSandboxServer
from kapusta_desktop.sandbox.telegram.server import DEFAULT_TOKEN, FloodLimits, TelegramSandbox
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.notice_events import (
    NoticeSent,
    TelegramTargetMigrated,
    TelegramTargetStopped,
    TelegramTokenRejected,
)
from kapusta_desktop.services.notice_worker import NoticeWorker
from kapusta_desktop.services.notifier import Notifier, load_config, save_config
from kapusta_desktop.store.models import Notice, OutboxEntry, TelegramTarget, UserManager

pytestmark = pytest.mark.anyio
FAST = 0.02  # every limit on a 50x faster clock
PORTAL = "https://acme.bitrix24.ru"
MANAGER_CHAT = 5550001
TEAM = -4001


@pytest.fixture
async def server() -> AsyncIterator[TelegramSandboxServer]:
    sandbox = TelegramSandbox(limits=FloodLimits().scaled(FAST))
    sandbox.add_chat(MANAGER_CHAT, title="Иванова")
    sandbox.add_chat(TEAM, title="Продажи")
    async with TelegramSandboxServer(sandbox) as srv:
        yield srv


@pytest.fixture
async def client(server: TelegramSandboxServer) -> AsyncIterator[TelegramClient]:
    async with TelegramClient(
        DEFAULT_TOKEN,
        base_url=server.base_url,
        limits=Limits().scaled(FAST),
        connect_backoff=0.0,
        timeout=httpx.Timeout(2.0, read=0.3),
    ) as c:
        yield c


class Recorder:
    def __init__(self, bus: EventBus) -> None:
        self.events: list[Any] = []
        bus.subscribe(object, self.events.append)

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]


@pytest.fixture
def bus(db: object) -> EventBus:
    UserManager.create(name="Иванова <Анна> & Ко", telegram_id=str(MANAGER_CHAT))
    cfg = NoticeConfig(portal_url=PORTAL)
    for kind in NoticeKind:
        cfg = cfg.with_rule(NoticeRule(kind, chats=(str(TEAM),)))
    save_config(cfg)
    return EventBus()


def won(deal_id: int = 1, title: str = "Охрана склада") -> DealStageChanged:
    return DealStageChanged(
        deal_id=deal_id,
        b24_id=100 + deal_id,
        title=title,
        old_stage="sent",
        new_stage="won",
        amount=Decimal("150000"),
        currency="RUB",
        company="ООО <Рога & Копыта>",
        responsible_id=1,
    )


def worker(client: TelegramClient, bus: EventBus, **kw: Any) -> NoticeWorker:
    return NoticeWorker(client, bus, retry_base=0.01, **kw)


async def test_event_is_delivered_exactly_once_per_chat(
    server: TelegramSandboxServer, client: TelegramClient, bus: EventBus
) -> None:
    notifier = Notifier(bus)
    notifier.attach()
    event = won()
    for _ in range(3):
        bus.publish(event)  # a replayed sync hears the same fact again
    w = worker(client, bus)
    await w.run_until_idle()
    bus.publish(event)
    await w.run_until_idle()
    sb = server.sandbox
    assert len(sb.delivered(MANAGER_CHAT)) == 1 and len(sb.delivered(TEAM)) == 1
    assert sb.count_requests("sendmessage") == 2
    assert Notice.select().count() == 2
    assert {n.state for n in Notice.select()} == {"sent"}
    assert OutboxEntry.select().where(OutboxEntry.state == "done").count() == 2


async def test_crm_names_are_escaped_and_shown_as_typed(
    server: TelegramSandboxServer, client: TelegramClient, bus: EventBus
) -> None:
    Notifier(bus).handle(won(title="<Склад> & «Ко»"))
    await worker(client, bus).run_until_idle()
    [msg] = server.sandbox.delivered(MANAGER_CHAT)
    assert "<Склад> & «Ко»" in msg.plain and "ООО <Рога & Копыта>" in msg.plain
    assert "Иванова <Анна> & Ко" in msg.plain
    assert msg.reply_markup == {
        "inline_keyboard": [[{"text": "Открыть сделку", "url": f"{PORTAL}/crm/deal/details/101/"}]]
    }


async def test_quiet_hours_hold_then_release(
    server: TelegramSandboxServer, client: TelegramClient, bus: EventBus
) -> None:
    cfg = load_config().with_rule(
        NoticeRule(NoticeKind.MISSED_CALL, chats=(str(TEAM),), quiet=QuietHours(dt.time(21, 0), dt.time(8, 0)))
    )
    save_config(cfg)
    night = dt.datetime(2025, 3, 12, 20, 0)  # 23:00 Moscow, naive UTC as the store keeps it
    clock = [night]
    Notifier(bus, clock=lambda: clock[0]).handle(
        MissedCall(
            entry_id="E1",
            number="+74951234567",
            caller=None,
            company=None,
            deal_id=None,
            responsible_id=1,
            extension="101",
        )
    )
    assert {n.state for n in Notice.select()} == {"held"}
    w = worker(client, bus, clock=lambda: clock[0])
    await w.run_until_idle()
    assert server.sandbox.delivered() == []
    clock[0] = dt.datetime(2025, 3, 13, 5, 0)  # 08:00 Moscow
    await w.run_until_idle()
    assert len(server.sandbox.delivered()) == 2
    assert {n.state for n in Notice.select()} == {"sent"}


async def test_migrated_group_gets_the_message_and_the_new_id_is_kept(
    server: TelegramSandboxServer, client: TelegramClient, bus: EventBus
) -> None:
    server.sandbox.set_state(TEAM, "migrated")
    rec = Recorder(bus)
    notifier = Notifier(bus)
    notifier.handle(won(1))
    w = worker(client, bus)
    await w.run_until_idle()
    new_id = f"-100{abs(TEAM)}"
    assert sorted(m.chat_id for m in server.sandbox.delivered()) == sorted([MANAGER_CHAT, int(new_id)])
    assert TelegramTarget.get(TelegramTarget.chat_id == str(TEAM)).migrated_to == new_id
    assert load_config().rule(NoticeKind.DEAL_WON).chats == (new_id,)
    assert rec.of(TelegramTargetMigrated) == [TelegramTargetMigrated(str(TEAM), new_id)]
    team_notice = Notice.get(Notice.chat_id == str(TEAM))
    assert team_notice.state == "sent" and team_notice.sent_chat_id == new_id
    # The next notice goes straight to the supergroup: the old id is never asked again.
    notifier.handle(won(2))
    await w.run_until_idle()
    assert server.sandbox.count_requests("sendmessage", TEAM) == 1
    assert len(server.sandbox.delivered(int(new_id))) == 2


async def test_429_pauses_only_the_chat_that_got_it(server: TelegramSandboxServer, bus: EventBus) -> None:
    sb = server.sandbox
    sb.limits = FloodLimits(per_chat_rate=1.0, per_chat_burst=1, global_count=1000, group_count=1000)
    async with TelegramClient(DEFAULT_TOKEN, base_url=server.base_url, limits=Limits(per_chat_interval=0.0)) as rude:
        await rude.send_message(MANAGER_CHAT, "занимаю лимит чата")  # the next one within 1 s gets a 429
        rec = Recorder(bus)
        Notifier(bus).handle(won(1))
        started = time.monotonic()
        await worker(rude, bus).run_until_idle()
    assert sb.count_429(MANAGER_CHAT) == 1 and sb.count_429(TEAM) == 0
    assert len(sb.delivered(MANAGER_CHAT)) == 2 and len(sb.delivered(TEAM)) == 1
    sent = {e.chat_id: e for e in rec.of(NoticeSent)}
    assert set(sent) == {str(MANAGER_CHAT), str(TEAM)}
    # The team chat was not frozen behind the manager's pause.
    order = [e.chat_id for e in rec.of(NoticeSent)]
    assert order == [str(TEAM), str(MANAGER_CHAT)]
    assert time.monotonic() - started >= 0.9  # the manager's notice waited out retry_after


async def test_blocked_user_stops_the_target_and_tells_the_admin_once(
    server: TelegramSandboxServer, client: TelegramClient, bus: EventBus
) -> None:
    sb = server.sandbox
    sb.set_state(MANAGER_CHAT, "blocked")
    rec = Recorder(bus)
    notifier = Notifier(bus)
    for i in range(3):
        notifier.handle(won(i + 1))
    w = worker(client, bus)
    await w.run_until_idle()
    await w.run_until_idle()
    assert sb.count_requests("sendmessage", MANAGER_CHAT) == 1  # no retry loop
    assert len(sb.delivered(TEAM)) == 3
    stopped = rec.of(TelegramTargetStopped)
    assert stopped == [TelegramTargetStopped(str(MANAGER_CHAT), "Forbidden: bot was blocked by the user")]
    states = [n.state for n in Notice.select().where(Notice.chat_id == str(MANAGER_CHAT))]
    assert states == ["stopped"] * 3
    # A new event for that chat is recorded as stopped without asking Telegram.
    notifier.handle(won(9))
    await w.run_until_idle()
    assert sb.count_requests("sendmessage", MANAGER_CHAT) == 1
    # The user unblocks the bot; the admin resumes the chat: everything waiting goes out once.
    sb.set_state(MANAGER_CHAT, "ok")
    assert notifier.resume_target(str(MANAGER_CHAT)) == 4
    await w.run_until_idle()
    assert len(sb.delivered(MANAGER_CHAT)) == 4


async def test_restart_with_notices_queued(
    server: TelegramSandboxServer, client: TelegramClient, bus: EventBus, temp_profile: Any
) -> None:
    from kapusta_desktop.store.db import close_db, init_db

    Notifier(bus).handle(won(1))
    Notifier(bus).handle(won(2))
    # The previous run died in the middle of one request.
    first = Notice.select().order_by(Notice.id).first()
    first.state = "sending"
    first.save()
    close_db()
    init_db(Path(temp_profile.db_path))  # the program starts again
    w = worker(client, EventBus())
    await w.run_until_idle()
    assert len(server.sandbox.delivered()) == 4
    assert {n.state for n in Notice.select()} == {"sent"}
    assert Notice.get_by_id(first.id).possible_duplicate


async def test_read_timeout_marks_uncertain_and_resends_once(
    server: TelegramSandboxServer, client: TelegramClient, bus: EventBus
) -> None:
    cfg = load_config().with_rule(NoticeRule(NoticeKind.DEAL_WON, to_responsible=False, chats=(str(TEAM),)))
    save_config(cfg)
    server.sandbox.delay_answers(TEAM, 0.6, count=1)
    notifier = Notifier(bus)
    notifier.handle(won(1))
    await worker(client, bus).run_until_idle()
    notice = Notice.get(Notice.chat_id == str(TEAM))
    assert notice.state == "sent" and notice.possible_duplicate and notice.attempts == 2
    assert len(server.sandbox.delivered(TEAM)) == 2  # the one duplicate we chose over a lost notice

    # Both answers lost: resent once, then left "uncertain" for a person to judge.
    server.sandbox.delay_answers(TEAM, 0.6, count=2)
    notifier.handle(won(2))
    await worker(client, bus).run_until_idle()
    second = Notice.get((Notice.chat_id == str(TEAM)) & (Notice.event_key == won(2).key))
    assert second.state == "uncertain" and second.attempts == 2 and "resent once" in second.error
    # The admin may still retry it by hand.
    notifier.retry(second.id)
    await worker(client, bus).run_until_idle()
    assert Notice.get_by_id(second.id).state == "sent"


async def test_bad_token_halts_sending_and_keeps_notices(server: TelegramSandboxServer, bus: EventBus) -> None:
    rec = Recorder(bus)
    Notifier(bus).handle(won(1))
    async with TelegramClient("123456789:AAHwrongWRONGwrongWRONGwrongWRONG_x", base_url=server.base_url) as bad:
        w = worker(bad, bus)
        await w.run_until_idle()
    assert w.halted and len(rec.of(TelegramTokenRejected)) == 1
    assert server.sandbox.count_requests("sendmessage") <= 2  # the two chats' first tries, no loop
    assert {n.state for n in Notice.select()} == {"pending"}
    async with TelegramClient(DEFAULT_TOKEN, base_url=server.base_url, limits=Limits().scaled(FAST)) as good:
        w.resume(good)
        await w.run_until_idle()
    assert {n.state for n in Notice.select()} == {"sent"}


async def test_running_worker_sends_new_notices_promptly(
    server: TelegramSandboxServer, client: TelegramClient, bus: EventBus
) -> None:
    import asyncio

    w = worker(client, bus)
    notifier = Notifier(bus, on_queued=w.wake)
    notifier.attach()
    w.start()
    try:
        bus.publish(won(1))
        for _ in range(100):
            if Notice.select().where(Notice.state == "sent").count() == 2:
                break
            await asyncio.sleep(0.02)
    finally:
        await w.stop()
    assert len(server.sandbox.delivered()) == 2
