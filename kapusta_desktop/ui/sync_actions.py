"""The operator's answers to a refused change or a conflict, from the detail panel to the sync engine.

The main window owns one `SyncActions`; `SyncRuntime` attaches its engine when
Bitrix24 is set up and detaches it before stopping. With an engine, Retry and
"Apply mine again" queue the change and wake the engine, Discard goes through
`SyncEngine.discard` (it waits for a running cycle and reads the record back
from Bitrix24). Without one (no portal), Retry only queues and Discard puts the
pre-edit values back in the cache.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from kapusta_desktop.services.sync import actions

if TYPE_CHECKING:
    from kapusta_desktop.services.sync.engine import SyncEngine

log = logging.getLogger(__name__)
translate = QCoreApplication.translate  # a bare name lupdate also reads


class SyncActions(QObject):
    recordChanged = Signal(str, int)  # entity type, record id: the action is done; views re-read it
    failed = Signal(str, int, str)  # entity type, record id, what went wrong (for the operator)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine: SyncEngine | None = None
        self.tasks: set[asyncio.Task[Any]] = set()  # running discards (qasync does not keep them)
        self._busy: set[tuple[str, int]] = set()

    def attach(self, engine: SyncEngine) -> None:
        self.engine = engine

    def detach(self) -> None:
        self.engine = None

    def busy(self, entity_type: str, record_id: int) -> bool:
        """A discard of this record is still on its way."""
        return (entity_type, record_id) in self._busy

    # ---- errors -------------------------------------------------------------------------------

    def retry(self, entity_type: str, record_id: int) -> int:
        """Queue the refused change again; the next cycle (started now when sync runs) sends it."""
        try:
            n = actions.retry(entity_type, record_id)
        except actions.ActionError as exc:
            self.failed.emit(entity_type, record_id, str(exc))
            return 0
        if n == 0:
            self.failed.emit(entity_type, record_id,
                             translate("SyncActions", "Nothing of this record is waiting to be sent again."))
        elif self.engine is not None:
            self.engine.request_sync()
        self.recordChanged.emit(entity_type, record_id)
        return n

    def discard(self, entity_type: str, record_id: int) -> asyncio.Task[Any] | None:
        """Drop the unsent change; with an engine this runs as a task (returned) that reads Bitrix24's values."""
        engine = self.engine
        if engine is None:
            try:
                actions.discard_locally(entity_type, record_id)
            except actions.ActionError as exc:
                self.failed.emit(entity_type, record_id, str(exc))
            self.recordChanged.emit(entity_type, record_id)
            return None
        key = (entity_type, record_id)
        self._busy.add(key)
        task = asyncio.get_event_loop().create_task(self._discard(engine, entity_type, record_id),
                                                    name=f"discard-{entity_type}-{record_id}")
        self.tasks.add(task)
        task.add_done_callback(lambda t: (self.tasks.discard(t), self._busy.discard(key)))
        return task

    async def _discard(self, engine: SyncEngine, entity_type: str, record_id: int) -> None:
        try:
            await engine.discard(entity_type, record_id)
        except actions.ActionError as exc:  # the record went away meanwhile (a pull deleted it)
            self.failed.emit(entity_type, record_id, str(exc))
        except Exception as exc:  # a bug: logged, and the operator hears the change is still there
            log.exception("discarding %s %s failed", entity_type, record_id)
            self.failed.emit(entity_type, record_id, translate("SyncActions", "Discarding failed: %1").replace(
                "%1", type(exc).__name__))
        finally:
            self._busy.discard((entity_type, record_id))
        self.recordChanged.emit(entity_type, record_id)

    async def wait(self) -> None:
        """Let running discards finish (tests, shutdown)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    # ---- conflicts ----------------------------------------------------------------------------

    def apply_mine_again(self, entity_type: str, record_id: int) -> list[str]:
        """Every kept local value of the record goes back and is queued (as the Conflicts view does per field)."""
        try:
            names = actions.apply_mine_again(entity_type, record_id)
        except actions.ActionError as exc:
            self.failed.emit(entity_type, record_id, str(exc))
            names = []
        if names and self.engine is not None:
            self.engine.request_sync()
        self.recordChanged.emit(entity_type, record_id)
        return names

    def keep_theirs(self, entity_type: str, record_id: int) -> list[str]:
        try:
            names = actions.keep_theirs(entity_type, record_id)
        except actions.ActionError as exc:
            self.failed.emit(entity_type, record_id, str(exc))
            names = []
        self.recordChanged.emit(entity_type, record_id)
        return names
