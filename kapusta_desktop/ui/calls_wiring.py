"""Puts the call desk into the console: listener, desk, pop-ups, Calls and Missed Calls views.

`app.py` builds one `CallsRuntime` after the main window and awaits `start()` /
`stop()` around the event loop. With Mango switched off or without key/salt
the views still show the history; no listener runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import peewee
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QAction

from kapusta_desktop.integrations.mango.demo import DEMO_KEY, DEMO_SALT
from kapusta_desktop.paths import resolve_profile
from kapusta_desktop.redact import redact
from kapusta_desktop.secret_store import MANGO_API_KEY, MANGO_API_SALT, SecretStore
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.call_desk import DESK_EXTENSIONS_KEY, CallDesk
from kapusta_desktop.services.desk_settings import DeskSettings
from kapusta_desktop.services.team_feed import (
    FEED_LABEL,
    desk_cursor_name,
    desk_extensions_source,
    start_team_feed,
    team_database_url,
)
from kapusta_desktop.store.relay_feed import RelayFeed
from kapusta_desktop.store.setting_values import get_value, set_value
from kapusta_desktop.ui.call_popup import PopupManager
from kapusta_desktop.ui.calls_view import CallsView, MissedCallsView

if TYPE_CHECKING:
    from kapusta_desktop.integrations.mango.listener import MangoListener

log = logging.getLogger(__name__)

DEMO_EXTENSION = "101"
FEED_WATCH_MS = 2_000  # how soon the status bar shows that the team's event feed was cut off
EXPIRE_EVERY_MS = 60_000  # calls whose summary never came are closed after the tracker's grace period
Simulate = Callable[[bool], Awaitable[int]]  # missed -> events accepted (the demo's call player)

translate = QCoreApplication.translate  # a bare name lupdate also reads


class CallsRuntime:
    def __init__(
        self, window: Any, bus: EventBus, database: peewee.Database | Any, *, demo: bool = False,
        secrets: SecretStore | None = None, desk_settings: DeskSettings | None = None,
    ) -> None:
        self.window = window
        self.demo = demo
        self.secrets = secrets  # the composition root passes the profile's store; None: the default one
        # Team desks share their settings: a desk's own extensions come from KAPUSTA_DESK_EXTENSIONS or, set in
        # the Settings dialog, its profile (`desk_settings`, re-read when saved: no restart needed).
        self.desk = CallDesk(bus, database, editing=getattr(window, "service", None),
                             desk_extensions=desk_extensions_source(desk_settings))
        self.popups = PopupManager(bus, self.desk)  # its portal URL is read in start(), once, not per ring
        if hasattr(window, "open_record"):
            self.popups.open_deal.connect(lambda deal_id: window.open_record("deal", deal_id))
        if hasattr(window, "statusBar"):
            self.popups.notice.connect(lambda text: window.statusBar().showMessage(text, 5000))
        self.calls_view = CallsView(self.desk, bus)
        self.missed_view = MissedCallsView(self.desk, bus)
        if hasattr(window, "add_view"):
            window.add_view("calls", translate("MainWindow", "Calls"), self.calls_view)
            window.add_view("missed_calls", translate("MainWindow", "Missed calls"), self.missed_view)
        self.listener: MangoListener | None = None
        self.team_feed: RelayFeed | None = None  # team mode: events from the relay through PostgreSQL
        self._expire_timer = QTimer()
        self._expire_timer.setInterval(EXPIRE_EVERY_MS)
        self._expire_timer.timeout.connect(self.expire_stale)
        self._feed_watch = QTimer()
        self._feed_watch.setInterval(FEED_WATCH_MS)
        self._feed_watch.timeout.connect(self._watch_feed)
        self._feed_state: str | None = None  # online / connecting / error, as last shown
        self._tasks: set[asyncio.Task[None]] = set()
        self.simulate_actions: list[QAction] = []

    def expire_stale(self) -> None:
        """Close calls whose summary never came: they are logged (and missed ones get their task) anyway."""
        try:
            self.desk.expire_stale()
        except Exception:  # a timer must keep ticking; the next round retries
            log.exception("closing stale calls failed")

    def add_simulation_actions(self, menu: Any, simulate: Simulate) -> list[QAction]:
        """The demo's "Simulate incoming call" / "Simulate missed call" (the player comes from app.py)."""
        for missed, text in ((False, QCoreApplication.translate("CallsRuntime", "Simulate incoming call")),
                             (True, QCoreApplication.translate("CallsRuntime", "Simulate missed call"))):
            action = QAction(text, menu)
            action.setObjectName("simulateMissedCall" if missed else "simulateIncomingCall")
            action.triggered.connect(lambda _checked=False, m=missed: self._simulate(simulate, m))
            menu.addAction(action)
            self.simulate_actions.append(action)
        return self.simulate_actions

    def _simulate(self, simulate: Simulate, missed: bool) -> None:
        async def run() -> None:
            try:
                await simulate(missed)
            except Exception as exc:
                log.warning("simulated call failed: %s", exc)
                if hasattr(self.window, "statusBar"):
                    text = QCoreApplication.translate("CallsRuntime", "Simulated call failed: %1")
                    text = text.replace("%1", str(exc))
                    self.window.statusBar().showMessage(text, 5000)

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _state(self, state: str, text: str) -> None:
        if hasattr(self.window, "set_connection_state"):
            self.window.set_connection_state("mango", state, text)

    async def start(self) -> None:
        if not (self.demo or get_value("mango.enabled", False)):
            return
        # Read here, not when built: the demo writes its sandbox portal's URL after build. A change made in
        # Settings restarts the desk, so the pop-ups need not re-read it on every ring.
        self.popups.portal_url = get_value("bitrix24.portal_url")
        team_url = None if self.demo else team_database_url()
        if team_url is not None:
            self._use_relay_for_commands()
            await self._start_team_feed(team_url)
            return
        secrets = self.secrets or SecretStore()
        key, salt = secrets.get(MANGO_API_KEY), secrets.get(MANGO_API_SALT)
        if self.demo and not (key and salt):
            key, salt = DEMO_KEY, DEMO_SALT
        if self.demo and not get_value(DESK_EXTENSIONS_KEY):
            set_value(DESK_EXTENSIONS_KEY, [DEMO_EXTENSION])  # the demo desk is the first sample manager's phone
        if not key or not salt:
            self._state("not_configured", translate("CallsRuntime", "no API key/salt"))
            return
        # aiohttp (~0.2 s to import) loads here, after the window is up, not while the console starts.
        from kapusta_desktop.integrations.mango.listener import (
            DEFAULT_BASE_PATH,
            DEFAULT_HOST,
            DEFAULT_PORT,
            MangoListener,
        )

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
            reason = str(exc.strerror or exc)
            self._state("error", translate("CallsRuntime", "listener cannot start: %1").replace("%1", reason))
            return
        self._state("online", translate("CallsRuntime", "listening on %1").replace("%1", self.listener.url))
        self._expire_timer.start()
        if self.desk.mango is None:  # click-to-call (Missed calls' "Call back") with the same key and salt
            from kapusta_desktop.integrations.mango.client import DEFAULT_BASE_URL, MangoClient

            self.desk.mango = MangoClient(api_key=key, api_salt=salt,
                                          base_url=str(get_value("mango.api_url", DEFAULT_BASE_URL)))

    def _use_relay_for_commands(self) -> None:
        """With KAPUSTA_RELAY_URL, click-to-call goes through the relay, which signs with the team's key and salt."""
        from kapusta_desktop.integrations.relay.desk_side import RelayConfigError, relay_access

        try:
            relay = relay_access(self.secrets or SecretStore())
        except RelayConfigError as exc:
            log.warning("click-to-call through the relay is off: %s", exc)
            return
        if relay is not None and self.desk.mango is None:
            self.desk.mango = relay.mango_client()

    async def _start_team_feed(self, url: str) -> None:
        """Team mode: the PBX posts to the relay; this desk follows the shared event log (no key/salt here)."""
        try:
            self.team_feed = await start_team_feed(self.desk, url, cursor_name=desk_cursor_name(resolve_profile().root))
        except Exception as exc:  # the shared database is unreachable: say so, the views still work
            reason = redact(str(exc).strip() or type(exc).__name__)
            log.warning("team event feed cannot start: %s", reason)
            self._state("error", translate("CallsRuntime", "listener cannot start: %1").replace("%1", reason))
            return
        self._feed_state = None
        self._feed_watch.start()
        self._watch_feed()
        self._expire_timer.start()

    def _watch_feed(self) -> None:
        """The status bar follows the feed's connection: a desk cut off from the team's database says so."""
        feed = self.team_feed
        if feed is None:
            return
        if feed.connected.is_set():
            state = "online"
        elif self._feed_state in (None, "connecting"):  # not connected yet since the start: no alarm
            state = "connecting"
        else:
            state = "error"
        if state == self._feed_state:
            return
        self._feed_state = state
        if state == "online":
            text = translate("CallsRuntime", "listening on %1").replace("%1", FEED_LABEL)
        elif state == "connecting":
            text = translate("CallsRuntime", "connecting to %1").replace("%1", FEED_LABEL)
        else:
            reason = feed.last_error or translate("CallsRuntime", "no answer")
            text = translate("CallsRuntime", "team event feed lost (%1): reconnecting, no call is missed")
            text = text.replace("%1", reason)
        self._state(state, text)

    async def stop(self) -> None:
        """Stop taking events first, then let the pop-ups go; safe to call twice."""
        self._expire_timer.stop()
        self._feed_watch.stop()
        for task in list(self._tasks):
            task.cancel()
        if self.team_feed is not None:
            await self.team_feed.stop()
            self.team_feed = None
        if self.listener is not None:
            await self.listener.stop()
            self.listener = None
        mango, self.desk.mango = self.desk.mango, None
        if mango is not None and hasattr(mango, "aclose"):
            await mango.aclose()
        self.popups.shutdown()
