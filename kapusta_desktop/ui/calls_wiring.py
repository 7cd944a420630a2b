"""Puts the call desk into the console: listener, desk, pop-ups, Calls and Missed Calls views.

`app.py` builds one `CallsRuntime` after the main window and awaits `start()` /
`stop()` around the event loop. With Mango switched off or without key/salt
the views still show the history; no listener runs.
"""

from __future__ import annotations

import logging
from typing import Any

import peewee

from kapusta_desktop.integrations.mango.demo import DEMO_KEY, DEMO_SALT
from kapusta_desktop.integrations.mango.listener import DEFAULT_BASE_PATH, DEFAULT_HOST, DEFAULT_PORT, MangoListener
from kapusta_desktop.secret_store import MANGO_API_KEY, MANGO_API_SALT, SecretStore
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.call_desk import CallDesk
from kapusta_desktop.store.setting_values import get_value
from kapusta_desktop.ui.call_popup import PopupManager
from kapusta_desktop.ui.calls_view import CallsView, MissedCallsView

log = logging.getLogger(__name__)


class CallsRuntime:
    def __init__(
        self, window: Any, bus: EventBus, database: peewee.Database | Any, *, demo: bool = False,
        secrets: SecretStore | None = None,
    ) -> None:
        self.window = window
        self.demo = demo
        self.secrets = secrets  # the composition root passes the profile's store; None: the default one
        self.desk = CallDesk(bus, database, editing=getattr(window, "service", None))
        self.popups = PopupManager(bus, self.desk, portal_url=lambda: get_value("bitrix24.portal_url"))
        if hasattr(window, "open_record"):
            self.popups.open_deal.connect(lambda deal_id: window.open_record("deal", deal_id))
        if hasattr(window, "statusBar"):
            self.popups.notice.connect(lambda text: window.statusBar().showMessage(text, 5000))
        self.calls_view = CallsView(self.desk, bus)
        self.missed_view = MissedCallsView(self.desk, bus)
        if hasattr(window, "add_view"):
            window.add_view("calls", window.tr("Calls"), self.calls_view)
            window.add_view("missed_calls", window.tr("Missed calls"), self.missed_view)
        self.listener: MangoListener | None = None

    def _state(self, state: str, text: str) -> None:
        if hasattr(self.window, "set_connection_state"):
            self.window.set_connection_state("mango", state, text)

    async def start(self) -> None:
        if not (self.demo or get_value("mango.enabled", False)):
            return
        secrets = self.secrets or SecretStore()
        key, salt = secrets.get(MANGO_API_KEY), secrets.get(MANGO_API_SALT)
        if self.demo and not (key and salt):
            key, salt = DEMO_KEY, DEMO_SALT
        if not key or not salt:
            self._state("not_configured", "no API key/salt")
            return
        self.listener = MangoListener(
            api_key=key,
            api_salt=salt,
            on_event=self.desk.handle,
            host=str(get_value("mango.listener_host", DEFAULT_HOST)),
            port=int(get_value("mango.listener_port", DEFAULT_PORT)),
            base_path=str(get_value("mango.base_path", DEFAULT_BASE_PATH)),
        )
        try:
            await self.listener.start()
        except OSError as exc:
            self.listener = None
            self._state("error", f"listener cannot start: {exc.strerror or exc}")
            return
        self._state("online", f"listening on {self.listener.url}")

    async def stop(self) -> None:
        """Stop taking events first, then let the pop-ups go; safe to call twice."""
        if self.listener is not None:
            await self.listener.stop()
            self.listener = None
        self.popups.shutdown()
