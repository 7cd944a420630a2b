"""The sync-state icon and tooltip every row and the detail panel show."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon

from kapusta_desktop.domain.sync_state import SyncState
from kapusta_desktop.resources import resource_path

_ICON_FILES = {
    SyncState.SYNCED.value: "synced.svg",
    SyncState.PENDING.value: "pending.svg",
    SyncState.ERROR.value: "error.svg",
    SyncState.CONFLICT.value: "conflict.svg",
}


@cache
def sync_icon(state: str) -> QIcon:
    name = _ICON_FILES.get(state, "error.svg")
    return QIcon(str(resource_path("icons", name)))


@cache
def icon(name: str) -> QIcon:
    return QIcon(str(resource_path("icons", f"{name}.svg")))


def sync_label(state: str) -> str:
    return {
        SyncState.SYNCED.value: QCoreApplication.translate("SyncState", "Synced"),
        SyncState.PENDING.value: QCoreApplication.translate("SyncState", "Pending"),
        SyncState.ERROR.value: QCoreApplication.translate("SyncState", "Error"),
        SyncState.CONFLICT.value: QCoreApplication.translate("SyncState", "Conflict"),
    }.get(state, state)


def sync_tooltip(state: str, error: str | None) -> str:
    if state == SyncState.SYNCED.value:
        return QCoreApplication.translate("SyncState", "Synced: Bitrix24 has exactly what you see.")
    if state == SyncState.PENDING.value:
        return QCoreApplication.translate("SyncState", "Pending: your change waits to be sent to Bitrix24.")
    if state == SyncState.ERROR.value:
        reason = error or QCoreApplication.translate("SyncState", "no reason given")
        return QCoreApplication.translate("SyncState", "Error: Bitrix24 refused the change: %1").replace("%1", reason)
    if state == SyncState.CONFLICT.value:
        return QCoreApplication.translate(
            "SyncState", "Conflict: Bitrix24 changed a field you changed too; your value is kept aside."
        )
    return state
