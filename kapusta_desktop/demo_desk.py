"""The demo desk's outside world: loopback Bitrix24 and Telegram sandboxes, demo settings, in-memory secrets.

Used only by the composition root for `--demo` / "Explore the demo". The demo
profile (`<profile>/demo`) is a separate cache; it starts empty every time and
is filled by the real sync from the Bitrix24 sandbox, so what the operator
sees went through the same client, pull and cache code as production.
Its secrets (the sandbox webhook, the sandbox bot token, the demo Mango pair)
go to a MemoryKeyring the caller passes in, never to the OS keyring.
"""

from __future__ import annotations

import logging
from typing import Any

from kapusta_desktop import secret_store as ss
from kapusta_desktop.integrations.mango.demo import DEMO_KEY, DEMO_SALT
from kapusta_desktop.paths import Profile

log = logging.getLogger(__name__)

DEMO_TEAM_CHAT = -1001000000001  # the sandbox's "sales team" supergroup every demo notice goes to
DEFAULT_LISTENER_PORT = 8765  # what `simulate-call --demo` posts to


def reset_demo_cache(profile: Profile) -> None:
    """The sandboxes live in memory, so the demo cache starts empty each run and the first sync fills it."""
    if not profile.demo:
        raise ValueError("only a demo profile's cache is thrown away")
    for suffix in ("", "-wal", "-shm"):
        path = profile.db_path.with_name(profile.db_path.name + suffix)
        path.unlink(missing_ok=True)


def demo_listener_port(wanted: int | None) -> int:
    """The port asked for; else 8765 when it is free (so `simulate-call --demo` reaches it); else any free one."""
    if wanted is not None:
        return wanted
    from kapusta_desktop.services.settings import port_problem

    return DEFAULT_LISTENER_PORT if port_problem("127.0.0.1", DEFAULT_LISTENER_PORT) is None else 0


class DemoSandboxes:
    """`await start(secrets)` runs the sandboxes and writes the demo settings; `await stop()` is safe twice."""

    def __init__(self, *, companies: int | None = None, listener_port: int | None = None) -> None:
        self.companies = companies
        self.listener_port = listener_port
        self.bitrix24: Any = None
        self.telegram: Any = None
        self.pbx: Any = None  # the Mango API sandbox: click-to-call rings the demo desk back through its listener
        self.webhook_url: str | None = None

    async def start(self, secrets: ss.SecretStore) -> None:
        if secrets.status().kind is not ss.BackendKind.MEMORY:
            raise RuntimeError("demo secrets must go to an in-memory keyring")
        from kapusta_desktop.commands._sync_demo import start_demo_portal
        from kapusta_desktop.sandbox.telegram.runner import TelegramSandboxServer
        from kapusta_desktop.sandbox.telegram.server import TelegramSandbox
        from kapusta_desktop.store.setting_values import set_value

        self.bitrix24, self.webhook_url = await start_demo_portal(self.companies)
        bot = TelegramSandbox()
        bot.add_chat(DEMO_TEAM_CHAT, title="KAPUSTA sales team (demo)")
        self.telegram = await TelegramSandboxServer(bot).start()
        from kapusta_desktop.sandbox.mango.api import MangoApiSandbox

        # pace 1: a click-to-call plays in real time (the desk's phone rings, then the client answers)
        self.pbx = MangoApiSandbox(api_key=DEMO_KEY, api_salt=DEMO_SALT, pace=1.0)
        await self.pbx.start()

        secrets.set(ss.BITRIX24_WEBHOOK, self.webhook_url)
        secrets.set(ss.TELEGRAM_TOKEN, bot.token)
        secrets.set(ss.MANGO_API_KEY, DEMO_KEY)
        secrets.set(ss.MANGO_API_SALT, DEMO_SALT)
        chats = [str(DEMO_TEAM_CHAT)]
        rules = {kind: {"enabled": True, "to_responsible": False, "chats": chats}
                 for kind in ("tender_created", "tender_deadline", "deal_sent", "deal_won", "vip_lead",
                              "web_request", "missed_call")}
        for key, value in {
            "bitrix24.enabled": True,
            "bitrix24.auth_mode": "webhook",
            "bitrix24.portal_url": self.bitrix24.base_url,
            "telegram.enabled": True,
            "telegram.api_url": self.telegram.base_url,
            "telegram.team_chats": chats,
            "mango.enabled": True,
            "mango.listener_host": "127.0.0.1",
            "mango.listener_port": demo_listener_port(self.listener_port),
            "mango.api_url": self.pbx.base_url,
            "notices.config": {"rules": rules, "portal_url": self.bitrix24.base_url},
        }.items():
            set_value(key, value)
        log.info("demo sandboxes: Bitrix24 at %s, Telegram at %s", self.bitrix24.base_url, self.telegram.base_url)

    @property
    def telegram_messages(self) -> list[Any]:
        return list(self.telegram.sandbox.messages) if self.telegram is not None else []

    def connect_pbx(self, listener_url: str) -> None:
        """Where the demo PBX plays a click-to-call's events: the desk's listener, once it listens."""
        if self.pbx is not None:
            self.pbx.listener_url = listener_url.rstrip("/")

    async def stop(self) -> None:
        pbx, self.pbx = self.pbx, None
        if pbx is not None:
            await pbx.stop()
        telegram, self.telegram = self.telegram, None
        bitrix24, self.bitrix24 = self.bitrix24, None
        if telegram is not None:
            await telegram.stop()
        if bitrix24 is not None:
            await bitrix24.stop()
