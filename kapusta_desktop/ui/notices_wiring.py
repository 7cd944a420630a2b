"""Puts Telegram notices into the console: the notifier on the bus, the send worker, the Notices view.

`app.py` builds one `NoticesRuntime` after the main window and awaits `start()` /
`stop()` around the event loop. Without a bot token, notices are still queued
(and shown as waiting); the worker starts once a token is configured.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QCoreApplication

from kapusta_desktop.integrations.relay.desk_side import RelayConfigError, relay_access
from kapusta_desktop.integrations.telegram.client import TelegramClient
from kapusta_desktop.integrations.telegram.errors import TelegramConfigError
from kapusta_desktop.secret_store import TELEGRAM_TOKEN, SecretStore
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.notice_worker import NoticeWorker
from kapusta_desktop.services.notifier import Notifier
from kapusta_desktop.store.setting_values import get_value
from kapusta_desktop.ui.notices_view import NoticesView

log = logging.getLogger(__name__)
API_URL_SETTING = "telegram.api_url"  # only to point at a sandbox; the default is api.telegram.org


class NoticesRuntime:
    def __init__(self, window: Any, bus: EventBus, *, secrets: SecretStore | None = None) -> None:
        self.window = window
        self.bus = bus
        self.secrets = secrets  # the composition root passes the profile's store; None: the default one
        self.worker: NoticeWorker | None = None
        self.client: TelegramClient | None = None
        self.notifier = Notifier(bus, on_queued=self._wake)
        self.notifier.attach()  # queue notices from the first event on, token or not
        self.view = NoticesView(bus, retry=self.notifier.retry, resume_chat=self.notifier.resume_target)
        if hasattr(window, "add_view"):
            window.add_view("notices", QCoreApplication.translate("MainWindow", "Notices"), self.view)

    def _wake(self) -> None:
        if self.worker is not None:
            self.worker.wake()

    def _state(self, state: str, text: str) -> None:
        if hasattr(self.window, "set_connection_state"):
            self.window.set_connection_state("telegram", state, text)

    async def start(self) -> None:
        if not get_value("telegram.enabled", True):
            self._state("off", QCoreApplication.translate("NoticesRuntime", "notices off"))
            return
        try:
            # A team desk with KAPUSTA_RELAY_URL sends through the relay, which holds the bot token.
            relay = relay_access(self.secrets or SecretStore())
            if relay is not None:
                self.client = relay.telegram_client()
            else:
                token = (self.secrets or SecretStore()).get(TELEGRAM_TOKEN)
                kwargs: dict[str, Any] = {}
                api_url = get_value(API_URL_SETTING)
                if api_url:
                    kwargs["base_url"] = str(api_url)
                self.client = TelegramClient(token or "", **kwargs)
        except TelegramConfigError:  # the only one here: no bot token (the client's text is for logs, in English)
            self._state("not_configured", QCoreApplication.translate("NoticesRuntime", "no bot token saved"))
            return
        except RelayConfigError as exc:
            self._state("not_configured", str(exc))
            return
        self.worker = NoticeWorker(self.client, self.bus)
        self.worker.start()
        self._state("ok", QCoreApplication.translate("NoticesRuntime", "sending notices"))

    async def stop(self) -> None:
        """Stop taking events, then stop sending; unsent notices stay queued for the next start."""
        self.notifier.detach()
        self.view.detach()
        if self.worker is not None:
            await self.worker.stop()
            self.worker = None
        if self.client is not None:
            await self.client.aclose()
            self.client = None
