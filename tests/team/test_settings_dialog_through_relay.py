"""The Settings dialog of a desk in relay mode tests the relay and its forwarding, not the services directly.

Real PostgreSQL, a real RelayServer with the Bitrix24, Telegram and Mango sandboxes behind it, the dialog's own
checks (nothing injected) on the running asyncio loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import peewee
import pytest
from PySide6.QtWidgets import QLineEdit

from kapusta_desktop import secret_store as ss
from kapusta_desktop.integrations.relay.desk_side import RelayAccess
from kapusta_desktop.integrations.relay.server import RelayServer
from kapusta_desktop.sandbox.bitrix24.server import Bitrix24Sandbox
from kapusta_desktop.sandbox.mango.api import MangoApiSandbox
from kapusta_desktop.sandbox.telegram.runner import TelegramSandboxServer
from kapusta_desktop.sandbox.telegram.server import DEFAULT_TOKEN, TelegramSandbox
from kapusta_desktop.secret_store import MemoryKeyring, SecretStore
from kapusta_desktop.services.admin import AdminAccess, ScryptCost
from kapusta_desktop.services.relay_forwarding import ForwardingConfig, build_gateway
from kapusta_desktop.services.relay_settings import team_settings_applier
from kapusta_desktop.services.settings import SettingsService
from kapusta_desktop.store.relay_desks import add_desk, revoke_desk
from kapusta_desktop.ui.settings_dialog import SettingsDialog
from tests.waiting import until

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

MANGO_KEY, MANGO_SALT = "relay-mango-key-0001", "relay-mango-salt-0001"
FAST = ScryptCost(n=2**10, r=8, p=1)


@asynccontextmanager
async def relay_with(pg_db: peewee.Database, pg_url: str, *, telegram: bool) -> AsyncIterator[tuple[RelayServer,
                                                                                                       SecretStore]]:
    """A relay forwarding to the Bitrix24 and Mango sandboxes, and to Telegram's when `telegram`."""
    async with (
        Bitrix24Sandbox(companies=1) as b24,
        TelegramSandboxServer(TelegramSandbox()) as tg,
        MangoApiSandbox(api_key=MANGO_KEY, api_salt=MANGO_SALT) as mango,
    ):
        config = ForwardingConfig(database_url=pg_url, b24_webhook_url=b24.webhook_url,
                                  telegram_token=DEFAULT_TOKEN if telegram else None, telegram_api_url=tg.base_url,
                                  mango_api_key=MANGO_KEY, mango_api_salt=MANGO_SALT, mango_api_url=mango.base_url)
        secrets = SecretStore(MemoryKeyring())  # the relay host's keyring
        gateway = build_gateway(config, settings=team_settings_applier(secrets), auth_ttl=0.0)
        relay = RelayServer(pg_db, mango_api_key=MANGO_KEY, mango_api_salt=MANGO_SALT, port=0, desks=gateway)
        await relay.start()
        try:
            yield relay, secrets
        finally:
            await relay.stop()


def _dialog(qtbot: Any, relay: RelayServer, token: str) -> SettingsDialog:
    service = SettingsService(SecretStore(), AdminAccess(cost=FAST), relay=RelayAccess(relay.url, token))
    service.admin.set_initial_password("desk-admin-1")  # sets and unlocks
    dialog = SettingsDialog(service)  # the loop runs: the dialog asks the relay who this desk is at once
    qtbot.addWidget(dialog)
    return dialog


async def _check(dialog: SettingsDialog, name: str) -> str:
    dialog.start_check(name)
    await until(lambda: name not in dialog._tasks)
    return dialog.results[name].text()


def _edit(dialog: SettingsDialog, key: str) -> QLineEdit:
    editor = dialog.editors[key]
    assert isinstance(editor, QLineEdit)
    return editor


@pytest.mark.anyio
async def test_an_admin_desk_tests_each_service_through_the_relay_and_replaces_the_bot_token_there(
    qtbot: Any, qapp: Any, pg_db: peewee.Database, pg_url: str
) -> None:
    async with relay_with(pg_db, pg_url, telegram=True) as (relay, relay_secrets):
        dialog = _dialog(qtbot, relay, add_desk(pg_db, "boss", admin=True))
        await until(lambda: "relay" not in dialog._tasks)
        assert dialog.results["relay"].text() == (
            "Relay OK: desk “boss”, admin desk: yes; forwarding: Bitrix24, Telegram, Mango Office"
        )
        b24 = await _check(dialog, "bitrix24")
        assert b24.startswith("Through the relay: OK. Acts as ") and "missing scopes: none" in b24
        assert (await _check(dialog, "telegram")).startswith("Through the relay: OK. @")
        mango = await _check(dialog, "mango")
        assert mango.startswith("Through the relay: OK. ") and "PBX users: " in mango
        assert relay.desks is not None and relay.desks.forwarded == {"bitrix24": 3, "telegram": 1, "mango": 1}

        # The admin desk may replace the bot token: saved on the relay only; the Mango key stays the relay host's.
        assert _edit(dialog, ss.TELEGRAM_TOKEN).isEnabled() and not _edit(dialog, ss.MANGO_API_KEY).isEnabled()
        new_token = "987654321:" + "C" * 35
        _edit(dialog, ss.TELEGRAM_TOKEN).setText(new_token)
        # dialog.save() would block this loop, which also runs the relay: the same call, in a thread, no widgets.
        assert await asyncio.to_thread(dialog.service.apply, dialog.edited_texts()) == {}
        assert relay_secrets.get(ss.TELEGRAM_TOKEN) == new_token and SecretStore().get(ss.TELEGRAM_TOKEN) is None


@pytest.mark.anyio
async def test_a_plain_desk_sees_the_tokens_held_and_is_told_what_the_relay_does_not_forward(
    qtbot: Any, qapp: Any, pg_db: peewee.Database, pg_url: str
) -> None:
    async with relay_with(pg_db, pg_url, telegram=False) as (relay, _secrets):
        token = add_desk(pg_db, "desk-102")
        dialog = _dialog(qtbot, relay, token)
        await until(lambda: dialog.relay_desk is not None)
        assert "admin desk: no" in dialog.results["relay"].text()
        for key in (ss.BITRIX24_WEBHOOK, ss.TELEGRAM_TOKEN, ss.MANGO_API_SALT):
            assert not _edit(dialog, key).isEnabled() and _edit(dialog, key).placeholderText() == "held by the relay"
        assert await _check(dialog, "telegram") == (
            "Through the relay: Telegram forwarding is not configured on the relay."
        )
        assert relay.desks is not None and relay.desks.forwarded["telegram"] == 0

        assert revoke_desk(pg_db, "desk-102")
        assert (await _check(dialog, "bitrix24")).startswith("The relay refuses this desk: its token was revoked")
        assert relay.desks.forwarded["bitrix24"] == 0
        assert token not in dialog.results["bitrix24"].text()
