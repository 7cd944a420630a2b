"""What the sync engine tells the rest of the program (published on services/bus.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SyncStatus:
    """The whole picture after every change: the status bar shows this."""

    online: bool | None  # None: not tried yet
    running: bool
    pending: int  # outbox entries waiting for Bitrix24
    errors: int  # records Bitrix24 refused (sync_state error)
    conflicts: int  # records with a kept local value
    last_sync: dt.datetime | None  # naive UTC of the last successful pull + push
    last_error: str | None = None
    refused: bool = False  # Bitrix24 answered but refused the connection itself (webhook, scope, rights)
    pulled_elsewhere: bool = False  # team mode: another desk pulls into the shared cache, this one only pushes


@dataclass(frozen=True)
class SyncProgress:
    kind: str  # company, contact, deal, task, lead
    done: int
    total: int | None


@dataclass(frozen=True)
class RecordsChanged:
    """Rows changed by a pull or a push: views refresh these entity types."""

    entity_types: frozenset[str] = field(default_factory=frozenset)
