from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from kapusta_desktop.domain.events import DealStageChanged
from kapusta_desktop.domain.notice_rules import NoticeConfig, NoticeKind, NoticeRule
from kapusta_desktop.sandbox.telegram.runner import TelegramSandboxServer
from kapusta_desktop.sandbox.telegram.server import DEFAULT_TOKEN
from kapusta_desktop.secret_store import TELEGRAM_TOKEN, SecretStore
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.notifier import save_config
from kapusta_desktop.store.models import Notice
from kapusta_desktop.store.setting_values import set_value
from kapusta_desktop.ui.notices_wiring import NoticesRuntime


class Window:
    def __init__(self) -> None:
        self.views: dict[str, object] = {}
        self.states: list[tuple[str, str, str]] = []

    def tr(self, text: str) -> str:
        return text

    def add_view(self, key: str, title: str, widget: object) -> None:
        self.views[key] = widget

    def set_connection_state(self, system: str, state: str, text: str) -> None:
        self.states.append((system, state, text))


EVENT = DealStageChanged(deal_id=1, b24_id=5, title="Склад", old_stage="sent", new_stage="won",
                         amount=Decimal("1"), currency="RUB", company=None, responsible_id=None)


@pytest.mark.anyio
async def test_runtime_queues_without_a_token_and_sends_with_one(qtbot, db) -> None:
    save_config(NoticeConfig().with_rule(NoticeRule(NoticeKind.DEAL_WON, chats=("-42",))))
    window, bus = Window(), EventBus()
    runtime = NoticesRuntime(window, bus)
    qtbot.addWidget(runtime.view)
    await runtime.start()
    assert window.states[-1] == ("telegram", "not_configured", "no bot token saved") and "notices" in window.views
    bus.publish(EVENT)
    assert [n.state for n in Notice.select()] == ["pending"]
    await runtime.stop()

    async with TelegramSandboxServer() as server:
        server.sandbox.add_chat(-42)
        SecretStore().set(TELEGRAM_TOKEN, DEFAULT_TOKEN)
        set_value("telegram.api_url", server.base_url)
        runtime = NoticesRuntime(window, bus)
        qtbot.addWidget(runtime.view)
        await runtime.start()
        try:
            for _ in range(100):
                if server.sandbox.delivered():
                    break
                await asyncio.sleep(0.02)
        finally:
            await runtime.stop()
        assert len(server.sandbox.delivered(-42)) == 1
        assert window.states[-1][:2] == ("telegram", "ok")
