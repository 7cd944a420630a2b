"""The tray icon: connection state at a glance, missed calls and sync errors as notifications.

With a system tray the desk keeps running when its window is closed (the
window hides; Quit in the tray menu ends it). Without one (offscreen, some
desktops) there is no icon and closing the window quits, as usual.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QSystemTrayIcon

from kapusta_desktop.domain.events import MissedCall
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.sync.status import SyncStatus
from kapusta_desktop.ui.sync_adapter import status_text
from kapusta_desktop.ui.sync_icons import icon

log = logging.getLogger(__name__)

STATE_ICONS = {"online": "synced", "connecting": "pending", "offline": "pending", "error": "error"}
MESSAGE_MS = 8000


translate = QCoreApplication.translate  # a bare name lupdate also reads


def tray_available() -> bool:
    return QSystemTrayIcon.isSystemTrayAvailable()


class DeskTray(QObject):
    """`available=None` asks the desktop; tests pass False (no tray) or True (with a tray)."""

    quitRequested = Signal()
    notified = Signal(str, str)  # title, text: every notification, shown or not (tests, logs)

    def __init__(self, window: QMainWindow, bus: EventBus, *, available: bool | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.available = tray_available() if available is None else available
        self.state = "not_configured"
        self.tooltip = "KAPUSTA desktop"
        self._errors = 0
        self._refused = False
        self._hidden_hint_shown = False
        self._unsubscribe: list[Callable[[], None]] = [
            bus.subscribe(SyncStatus, self._sync_status),
            bus.subscribe(MissedCall, self._missed_call),
        ]
        self.icon: QSystemTrayIcon | None = None
        if not self.available:
            return
        self.icon = QSystemTrayIcon(icon("app"), self)
        self.icon.setToolTip(self.tooltip)
        menu = QMenu(window)
        self.show_action = QAction(translate("DeskTray", "Show console"), menu)
        self.show_action.triggered.connect(self.show_window)
        self.quit_action = QAction(translate("DeskTray", "Quit"), menu)
        self.quit_action.triggered.connect(self.quitRequested)
        menu.addAction(self.show_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        self.menu = menu
        self.icon.setContextMenu(menu)
        self.icon.activated.connect(self._activated)
        self.icon.show()

    # ---- window ------------------------------------------------------------------------------

    def show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_window()

    def window_hidden(self) -> None:
        """The window was closed while the tray keeps the desk running: say so once."""
        if not self._hidden_hint_shown:
            self._hidden_hint_shown = True
            self.notify(translate("DeskTray", "KAPUSTA desktop is still running"),
                        translate("DeskTray", "Calls and sync go on. Quit from the tray menu."))

    # ---- events ------------------------------------------------------------------------------

    def notify(self, title: str, text: str, critical: bool = False) -> None:
        self.notified.emit(title, text)
        if self.icon is not None:
            kind = QSystemTrayIcon.MessageIcon.Critical if critical else QSystemTrayIcon.MessageIcon.Information
            self.icon.showMessage(title, text, kind, MESSAGE_MS)

    def _sync_status(self, status: SyncStatus) -> None:
        state, text = status_text(status)
        self.state = state
        self.tooltip = f"KAPUSTA desktop — Bitrix24: {text}"
        if self.icon is not None:
            self.icon.setToolTip(self.tooltip)
            self.icon.setIcon(icon(STATE_ICONS.get(state, "app")))
        if status.refused and not self._refused:
            self.notify(translate("DeskTray", "Bitrix24 refused the connection"), text, critical=True)
        elif status.errors > self._errors:
            self.notify(translate("DeskTray", "Bitrix24 refused changes"),
                        translate("DeskTray", "%1 records need attention: open the console.")
                        .replace("%1", str(status.errors)),
                        critical=True)
        self._refused = status.refused
        self._errors = status.errors

    def _missed_call(self, event: MissedCall) -> None:
        who = event.caller or event.number
        if event.company:
            who += f" ({event.company})"
        self.notify(translate("DeskTray", "Missed call"), who)

    def close(self) -> None:
        """Unsubscribe and take the icon away; safe to call twice."""
        while self._unsubscribe:
            self._unsubscribe.pop()()
        if self.icon is not None:
            self.icon.hide()
            self.icon.setContextMenu(None)
            self.icon = None


class WindowCloseWatcher(QObject):
    """Tells the composition root that the main window was closed (after the window handled the close)."""

    def __init__(self, parent: QObject, on_close: Callable[[], None]) -> None:
        super().__init__(parent)
        self._on_close = on_close

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            QTimer.singleShot(0, self._on_close)  # the window saves its state and hides first
        return False
