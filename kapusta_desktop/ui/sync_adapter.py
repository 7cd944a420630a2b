"""The sync engine in the console: bus events -> Qt signals -> the main window's status bar and views.

`SyncRuntime(window, bus, client)` builds the engine, connects the toolbar's
Sync action (`window.syncRequested`), keeps the status bar live
(`set_connection_state`, `set_pending_count`, `set_last_sync`), reloads the
views after a cycle, adds the Conflicts view and lends the engine to the
window's `SyncActions` (the detail panel's retry/discard/conflict buttons). `app.py` calls `start()`
after the window is shown and `await stop()` before the store closes.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Signal

from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.sync.engine import SyncEngine
from kapusta_desktop.services.sync.status import RecordsChanged, SyncProgress, SyncStatus

log = logging.getLogger(__name__)
translate = QCoreApplication.translate  # a bare name lupdate also reads
# Progress names the kind of record being fetched; shown in the status bar.
_KINDS = {
    "company": QT_TRANSLATE_NOOP("SyncStatus", "companies"),
    "contact": QT_TRANSLATE_NOOP("SyncStatus", "contacts"),
    "deal": QT_TRANSLATE_NOOP("SyncStatus", "deals"),
    "task": QT_TRANSLATE_NOOP("SyncStatus", "tasks"),
    "lead": QT_TRANSLATE_NOOP("SyncStatus", "leads"),
}


class SyncSignals(QObject):
    """Qt face of the engine's plain events (published on the bus in the GUI thread)."""

    statusChanged = Signal(object)  # SyncStatus
    progress = Signal(str, int, int)  # kind, done, total (-1: unknown)
    recordsChanged = Signal()

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = [
            bus.subscribe(SyncStatus, self.statusChanged.emit),
            bus.subscribe(
                SyncProgress, lambda p: self.progress.emit(p.kind, p.done, -1 if p.total is None else p.total)
            ),
            bus.subscribe(RecordsChanged, lambda _e: self.recordsChanged.emit()),
        ]

    def close(self) -> None:
        while self._unsubscribe:
            self._unsubscribe.pop()()


def status_text(status: SyncStatus) -> tuple[str, str]:
    """(state for set_connection_state, text for the operator)."""
    if status.running:
        return "connecting", translate("SyncStatus", "syncing…")
    if status.refused:
        reason = status.last_error or translate("SyncStatus", "check the Bitrix24 connection in Settings")
        return "error", translate("SyncStatus", "refused: %1").replace("%1", reason)
    if status.online is None:
        return "connecting", translate("SyncStatus", "not synced yet")
    if not status.online:
        return "offline", translate("SyncStatus", "offline, %1 waiting").replace("%1", str(status.pending))
    if status.errors:
        return "error", translate("SyncStatus", "online, %1 refused").replace("%1", str(status.errors))
    if status.conflicts:
        return "online", translate("SyncStatus", "online, %1 conflicts").replace("%1", str(status.conflicts))
    if status.pulled_elsewhere:  # team mode: the shared cache is kept fresh by the desk holding the pull lease
        return "online", translate("SyncStatus", "online, another desk pulls for the team")
    return "online", translate("SyncStatus", "online")


class SyncRuntime:
    def __init__(self, window: Any, bus: EventBus, engine: SyncEngine) -> None:
        from kapusta_desktop.ui.conflicts_view import ConflictsView

        self.window = window
        self.engine = engine
        self.team: Any = None  # services/team_sync.TeamSync in team mode: closed with the runtime
        self.follower: Any = None  # services/team_pull.Bitrix24EventFollower in team mode: stopped with the runtime
        self.signals = SyncSignals(bus)
        self.signals.statusChanged.connect(self._show_status)
        self.signals.progress.connect(self._show_progress)
        self.signals.recordsChanged.connect(self._reload)
        if hasattr(window, "syncRequested"):
            window.syncRequested.connect(engine.request_sync)
        self.conflicts_view = ConflictsView(on_changed=engine.request_sync)
        self.signals.recordsChanged.connect(self.conflicts_view.reload)
        self.actions = getattr(window, "sync_actions", None)  # the detail panels' retry/discard/conflict buttons
        if self.actions is not None:
            self.actions.attach(engine)
            self.actions.recordChanged.connect(self.conflicts_view.reload)
        if hasattr(window, "add_view"):
            window.add_view("conflicts", QCoreApplication.translate("MainWindow", "Conflicts"), self.conflicts_view)

    def start(self) -> None:
        """Start the schedule; must run inside the qasync loop."""
        self.engine.start()

    async def stop(self) -> None:
        if self.actions is not None:
            self.actions.detach()  # from now on the panels act on the cache alone
            self.actions.recordChanged.disconnect(self.conflicts_view.reload)
            await self.actions.wait()  # a discard reading Bitrix24 finishes before the client closes
        await self.engine.stop()  # hands the team's pulling on (and stops following Bitrix24 events)
        if self.follower is not None:
            await self.follower.close()
        await self.engine.client.aclose()
        if self.team is not None:
            self.team.close()
        self.signals.close()

    def _show_status(self, status: SyncStatus) -> None:
        state, text = status_text(status)
        if hasattr(self.window, "set_connection_state"):
            self.window.set_connection_state("bitrix24", state, text)
        if hasattr(self.window, "set_pending_count"):
            self.window.set_pending_count(status.pending)
        if hasattr(self.window, "set_last_sync") and status.last_sync is not None:
            self.window.set_last_sync(status.last_sync)

    def _show_progress(self, kind: str, done: int, total: int) -> None:
        if hasattr(self.window, "statusBar"):
            of = f"/{total}" if total >= 0 else ""
            self.window.statusBar().showMessage(
                translate("SyncStatus", "Sync: %1 %2")
                .replace("%1", translate("SyncStatus", _KINDS.get(kind, kind)))
                .replace("%2", f"{done}{of}"),
                3000,
            )

    def _reload(self) -> None:
        if hasattr(self.window, "reload_views"):
            try:
                self.window.reload_views()
            except Exception:  # a view failing to reload must not stop the sync status
                log.exception("reloading views after sync failed")


def setup_error_text(exc: Any) -> str:
    """The status bar's words for a services/bitrix24_connection.ConnectionSetupError, naming the fields."""
    from kapusta_desktop.secret_store import BITRIX24_WEBHOOK
    from kapusta_desktop.services.bitrix24_connection import MISSING, TEAM_OAUTH
    from kapusta_desktop.services.settings_fields import FIELDS

    if exc.reason == TEAM_OAUTH:
        return translate(
            "SyncStatus",
            "OAuth cannot be shared by a team's desks (a refresh on one desk cuts off the others): "
            "connect the team through the relay or use a webhook",
        )
    labels = {f.key: f.label for f in FIELDS}
    # The labels are the Settings dialog's own (listed for lupdate in ui/settings_labels.py).
    names = ", ".join(translate("SettingsField", labels.get(name, name)) for name in exc.fields)
    if exc.reason == MISSING:
        if tuple(exc.fields) == (BITRIX24_WEBHOOK,):
            return translate("SyncStatus", "no webhook saved")
        return translate("SyncStatus", "OAuth is not set up, missing: %1 (Settings, Bitrix24)").replace("%1", names)
    return translate("SyncStatus", "not valid: %1 (Settings, Bitrix24)").replace("%1", names)


def sync_runtime_from_settings(
    window: Any, bus: EventBus, *, webhook_url: str | None = None, secrets: Any = None,
    profile_root: Path | None = None, demo: bool = False,
) -> SyncRuntime | None:
    """The runtime for this desk's settings, or None (status bar says why) when Bitrix24 is not set up.

    `webhook_url` overrides the keyring (the demo's sandbox). Otherwise `bitrix24.auth_mode` picks the incoming
    webhook or the OAuth application (services/bitrix24_connection.py: refreshed tokens are saved back to the
    keyring; calls are then logged through telephony.externalcall.*); a team desk without the relay is refused
    OAuth, as its desks would invalidate each other's refresh token. The interval comes from
    `sync.interval_seconds`, the VIP amount from the notice rules. In team mode the desk pushes under its own
    name (host + `profile_root`) and shares the team's Bitrix24 request budget (services/team_sync.py); it pulls
    only while it holds the team's pull lease, and then also follows the relay's Bitrix24 events
    (services/team_pull.py).
    """
    from kapusta_desktop.domain.notice_rules import NoticeConfig, NoticeConfigError
    from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
    from kapusta_desktop.secret_store import SecretStore, SecretStoreError
    from kapusta_desktop.services.bitrix24_connection import (
        INVALID,
        Bitrix24Connection,
        ConnectionSetupError,
        bitrix24_connection,
        webhook_connection,
    )
    from kapusta_desktop.services.call_logging import push_call_log
    from kapusta_desktop.services.sync.cache import EventRules
    from kapusta_desktop.store.setting_values import get_value

    def say(state: str, text: str) -> None:
        if hasattr(window, "set_connection_state"):
            window.set_connection_state("bitrix24", state, text)

    relay = None
    if webhook_url is None:
        from kapusta_desktop.integrations.relay.desk_side import RelayConfigError, relay_access

        try:
            relay = relay_access(secrets or SecretStore())  # KAPUSTA_RELAY_URL: the relay holds the webhook
        except (RelayConfigError, SecretStoreError) as exc:
            say("not_configured", str(exc))
            return None
        if relay is not None and not get_value("bitrix24.enabled", False):
            return None
    connection: Bitrix24Connection | None = None  # None: through the relay, which holds the portal's connection
    url = relay.url if relay is not None else ""
    if relay is None:
        if webhook_url is None and not get_value("bitrix24.enabled", False):
            return None
        try:
            # Webhook or OAuth application, as the settings say; OAuth's refreshed tokens go back to the keyring.
            connection = (webhook_connection(webhook_url) if webhook_url is not None
                          else bitrix24_connection(secrets or SecretStore()))
        except ConnectionSetupError as exc:
            say("error" if exc.reason == INVALID else "not_configured", setup_error_text(exc))
            return None
        except SecretStoreError as exc:
            say("error", str(exc))
            return None
        url = connection.portal_url
    try:
        vip = NoticeConfig.from_json(get_value("notices.config")).vip_amount_threshold
    except NoticeConfigError:
        vip = None
    from kapusta_desktop.paths import resolve_profile
    from kapusta_desktop.services.team_sync import team_sync

    try:
        team = team_sync(url, profile_root or resolve_profile().root, shared_budget=relay is None, demo=demo)
    except Exception as exc:  # the shared database is down: say so rather than push without the team's budget
        log.warning("team sync set-up failed: %s", exc)
        say("error", str(exc))
        return None
    # Through the relay, the relay's one client keeps the team's budget; here only the desk's token is needed.
    client = (relay.bitrix24_client() if connection is None
              else Bitrix24Client(connection.auth, limiter=team.limiter))
    # Calls are logged as the connection allows: telephony.externalcall.* with OAuth, a CRM activity by webhook
    # (the relay holds a webhook).
    engine = SyncEngine(client, bus, interval=float(get_value("sync.interval_seconds", 30)),
                        rules=EventRules(vip_amount=vip), call_logger=push_call_log, worker_id=team.worker_id,
                        pull_gate=team.lease, connection_kind=connection.kind if connection is not None else "webhook")
    runtime = SyncRuntime(window, bus, engine)
    runtime.team = team
    if team.database_url is not None:
        from kapusta_desktop.services.team_pull import follow_bitrix24_events

        runtime.follower = follow_bitrix24_events(engine, team.database_url, cursor_name=team.worker_id + ":b24")
    return runtime
