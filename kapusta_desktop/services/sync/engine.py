"""The sync engine: pull + push on a schedule, status for the UI, offline as a normal state.

No Qt: it publishes `SyncStatus`, `SyncProgress`, `RecordsChanged` and the
domain events a pull learns (DealStageChanged, WebRequest, VipLead) on the
event bus; `ui/sync_adapter.py` turns them into signals.

A cycle pushes first (the operator's edits go out as soon as possible), then
pulls, then pushes again (merges may queue re-applied values). Every
`reconcile_every` cycles it also looks for records deleted in Bitrix24.

In team mode (desks sharing one PostgreSQL cache) a `pull_gate` (the team's
pull lease, store/pull_lease.py) decides which desk pulls: the others only
push, since the shared cache the one puller keeps fresh is theirs too. The
puller also reads single records a Bitrix24 event named (`pull_records`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from kapusta_desktop.domain.sync_state import SyncState
from kapusta_desktop.integrations.bitrix24.client import Bitrix24Client
from kapusta_desktop.integrations.bitrix24.errors import Bitrix24Error
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.sync.actions import discard_and_refresh
from kapusta_desktop.services.sync.cache import MODELS, EventRules, now_utc
from kapusta_desktop.services.sync.pull import Puller, PullReport, has_full_sync
from kapusta_desktop.services.sync.push import Pusher, PushReport
from kapusta_desktop.services.sync.status import RecordsChanged, SyncProgress, SyncStatus
from kapusta_desktop.store.outbox import pending_count

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 30.0


@dataclass
class SyncReport:
    pull: PullReport | None = None
    push: PushReport = field(default_factory=PushReport)
    reconciled: int = 0
    error: str | None = None  # the cycle stopped on this (Bitrix24 unreachable, refused auth, ...)
    requests: int = 0  # HTTP requests this cycle sent
    pulled_elsewhere: bool = False  # team mode: another desk holds the pull lease, this cycle only pushed

    @property
    def ok(self) -> bool:
        return self.error is None and self.push.permanent == 0 and (self.pull is None or self.pull.bad_rows == 0)


def count_states() -> tuple[int, int]:
    errors = conflicts = 0
    for model in MODELS.values():
        errors += model.select().where(model.sync_state == SyncState.ERROR.value).count()
        conflicts += model.select().where(model.sync_state == SyncState.CONFLICT.value).count()
    return errors, conflicts


class PullGate(Protocol):
    """Who pulls for a team: `try_hold()` keeps or takes the turn (True: this desk pulls), `release()` hands it on."""

    async def try_hold(self) -> bool: ...

    async def release(self) -> None: ...


class SyncEngine:
    def __init__(
        self,
        client: Bitrix24Client,
        bus: EventBus,
        *,
        interval: float = DEFAULT_INTERVAL,
        reconcile_every: int = 120,  # cycles: an hour at the default interval
        rules: EventRules | None = None,
        overlap: dt.timedelta = dt.timedelta(seconds=60),
        worker_id: str = "desk",
        call_logger: Callable[..., object] | None = None,
        connection_kind: str = "webhook",
        on_progress: Callable[[str, int, int | None], None] | None = None,
        push_backoff: tuple[float, float] = (2.0, 300.0),  # first retry delay, longest delay (seconds)
        pull_gate: PullGate | None = None,  # team mode: pull only while holding it; None: always pull
    ) -> None:
        if interval <= 0:
            raise ValueError("the sync interval must be positive")
        self.client = client
        self.bus = bus
        self.interval = interval
        self.reconcile_every = max(1, reconcile_every)
        self._extra_progress = on_progress
        self.puller = Puller(client, overlap=overlap, rules=rules, on_progress=self._progress)
        self.pusher = Pusher(client, worker_id=worker_id, call_logger=call_logger, connection_kind=connection_kind,
                             backoff_base=push_backoff[0], backoff_max=push_backoff[1])
        self.online: bool | None = None
        self.running = False
        self.last_sync: dt.datetime | None = None
        self.last_error: str | None = None
        self.refused = False
        self._cycles = 0
        self._lock = asyncio.Lock()
        self._loop_task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self.pull_gate = pull_gate
        self.leading: bool | None = None  # team mode: whether this desk is the team's puller (None: not asked yet)
        # Awaited when `leading` changes, before the cycle pulls (team mode: start or stop following Bitrix24 events).
        self.on_leading: Callable[[bool], Awaitable[None]] | None = None

    # ------------------------------------------------------------------ status

    def status(self) -> SyncStatus:
        errors, conflicts = count_states()
        return SyncStatus(online=self.online, running=self.running, pending=pending_count("bitrix24"),
                          errors=errors, conflicts=conflicts, last_sync=self.last_sync, last_error=self.last_error,
                          refused=self.refused, pulled_elsewhere=self.pull_gate is not None and self.leading is False)

    def publish_status(self) -> None:
        self.bus.publish(self.status())

    def _progress(self, kind: str, done: int, total: int | None) -> None:
        self.bus.publish(SyncProgress(kind, done, total))
        if self._extra_progress:
            self._extra_progress(kind, done, total)

    # ------------------------------------------------------------------ one cycle

    async def sync_now(self, *, full: bool = False, reconcile: bool = False) -> SyncReport:
        """One cycle; concurrent callers wait for the running one and then run theirs."""
        async with self._lock:
            self.running = True
            self.publish_status()
            report = SyncReport()
            before = self.client.stats.requests
            try:
                report.push.add(await self.pusher.push_all())
                if report.push.offline:
                    raise _Offline(report.push.last_error or "Bitrix24 did not answer")
                if await self._take_pull_turn():
                    refresh = full and has_full_sync()  # a full pull over a filled cache also looks for deletions
                    report.pull = await (self.puller.full() if full else self.puller.incremental())
                    self._cycles += 1
                    if reconcile or refresh or self._cycles % self.reconcile_every == 0:
                        report.reconciled = await self.puller.reconcile()
                        await self.puller.pull_users()
                        await self.puller.pull_stages()
                else:
                    report.pulled_elsewhere = True  # the team's puller keeps the shared cache fresh
                report.push.add(await self.pusher.push_all())
                if report.push.offline:
                    raise _Offline(report.push.last_error or "Bitrix24 did not answer")
                self.online = True
                self.refused = False
                self.last_sync = now_utc()
                self.last_error = report.push.last_error if report.push.permanent else None
            except _Offline as exc:
                self._went_offline(report, str(exc))
            except Bitrix24Error as exc:
                self._went_offline(report, str(exc))
                self.refused = not exc.transient
            finally:
                self.running = False
                report.requests = self.client.stats.requests - before
            if report.error is not None and self.leading:
                # Bitrix24 unreachable or refusing this desk (its webhook?): another desk may get through.
                await self._hand_on_pull_turn()
            if report.pull is not None:
                for event in report.pull.events:
                    self.bus.publish(event)
            self.bus.publish(RecordsChanged(frozenset(MODELS)))
            self.publish_status()
            return report

    async def _take_pull_turn(self) -> bool:
        """Alone: always. In a team: only while this desk holds the pull lease (taken when free)."""
        if self.pull_gate is None:
            return True
        try:
            leading = await self.pull_gate.try_hold()
        except Exception:  # the lease could not be asked: do not pull beside a puller that may be running
            log.exception("sync: asking for the team's pull lease failed")
            leading = False
        if leading != self.leading:
            log.info("sync: %s", "this desk now pulls for the team" if leading else "another desk pulls for the team")
        if leading or leading != self.leading:  # told every cycle while leading: a hook that failed tries again
            self.leading = leading
            await self._tell_leading(leading)
        return leading

    async def _hand_on_pull_turn(self, *, leading: bool | None = False) -> None:
        """Stop pulling for the team and release the lease, so the next desk to ask takes it at once."""
        if self.pull_gate is None or not self.leading:
            return
        self.leading = leading
        await self._tell_leading(False)
        try:
            await self.pull_gate.release()
        except Exception:
            log.exception("sync: releasing the team's pull lease failed")

    async def _tell_leading(self, leading: bool) -> None:
        if self.on_leading is not None:
            try:
                await self.on_leading(leading)
            except Exception:  # following Bitrix24 events is a speed-up; the scheduled pulls go on without it
                log.exception("sync: the pull-turn hook failed")

    async def pull_records(
        self, changed: Mapping[str, Iterable[int]], deleted: Mapping[str, Iterable[int]] | None = None
    ) -> PullReport:
        """Read these records ({kind: Bitrix24 ids}) now and drop `deleted` ones, as pulls and reconcile would.

        What a Bitrix24 outgoing event asks for. Waits for a running cycle (a read cannot cross a push of the
        same record); a failure is logged and left to the next scheduled pull.
        """
        async with self._lock:
            report = PullReport()
            try:
                report = await self.puller.pull_records(changed)
            except Bitrix24Error as exc:
                log.info("sync: reading records named by Bitrix24 events failed: %s", exc)
            for kind, ids in (deleted or {}).items():
                report.deleted += self.puller.remove_records(kind, list(ids))
        for event in report.events:
            self.bus.publish(event)
        kinds = {k for k, ids in changed.items() if ids} | {k for k, ids in (deleted or {}).items() if ids}
        self.bus.publish(RecordsChanged(frozenset(kinds)))
        self.publish_status()
        return report

    async def discard(self, entity_type: str, record_id: int) -> int:
        """Drop a record's unsent changes and show Bitrix24's version of it again (one request).

        Waits for a running cycle, so the read-back cannot cross a push of the same record.
        """
        async with self._lock:
            n = await discard_and_refresh(self.client, entity_type, record_id)
        self.bus.publish(RecordsChanged(frozenset({entity_type})))
        self.publish_status()
        return n

    def _went_offline(self, report: SyncReport, reason: str) -> None:
        # Offline is normal: edits stay in the outbox and go out when Bitrix24 answers again.
        self.online = False
        self.last_error = reason
        report.error = reason
        log.info("sync: Bitrix24 unavailable: %s", reason)

    # ------------------------------------------------------------------ schedule

    def start(self) -> None:
        if self._loop_task is None or self._loop_task.done():
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # the GUI starts it between run_until_complete calls of its qasync loop
                loop = asyncio.get_event_loop_policy().get_event_loop()
            self._loop_task = loop.create_task(self._run(), name="sync-engine")

    def request_sync(self) -> None:
        """Run a cycle now instead of waiting for the timer (the toolbar's Sync now)."""
        self._wake.set()

    async def stop(self) -> None:
        task, self._loop_task = self._loop_task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
        await self._hand_on_pull_turn(leading=None)  # a stopped desk pulls no more: the next desk takes over now

    async def _run(self) -> None:
        while True:
            try:
                await self.sync_now()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a bug must not kill the schedule; it is logged and shown
                log.exception("sync cycle failed")
                self.last_error = f"sync failed: {type(exc).__name__}"
                self.publish_status()
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
            except TimeoutError:
                pass


class _Offline(Exception):
    pass
