"""Where a cached record stands with respect to Bitrix24."""

from __future__ import annotations

from enum import StrEnum


class SyncState(StrEnum):
    SYNCED = "synced"  # Bitrix24 has exactly what we show
    PENDING = "pending"  # a saved change waits in the outbox
    ERROR = "error"  # Bitrix24 refused the change; the reason is in sync_error
    CONFLICT = "conflict"  # Bitrix24 changed a field we changed too; ours is kept aside
