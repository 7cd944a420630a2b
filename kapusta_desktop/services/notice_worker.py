"""Drains telegram outbox entries through the one Telegram client and keeps Notice states true.

One lane (an asyncio task) per chat sends that chat's notices in order, so a
chat that must wait (its own limit, a 429) never holds up the others; the
client's limiter keeps every lane within Telegram's limits. Everything lives
in the outbox, so a restart resumes where the last run stopped; a notice left
mid-request by a crash is resent and flagged as a possible duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable

from kapusta_desktop.domain.notice_rules import NoticeConfig
from kapusta_desktop.integrations.telegram.client import TelegramClient
from kapusta_desktop.integrations.telegram.errors import (
    TelegramBadRequest,
    TelegramConfigError,
    TelegramError,
    TelegramMaybeDelivered,
    TelegramMigrated,
    TelegramRetryAfter,
    TelegramTargetRefused,
    TelegramUnauthorized,
)
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.notice_events import (
    NoticeFailed,
    NoticesChanged,
    NoticeSent,
    TelegramTargetMigrated,
    TelegramTargetStopped,
    TelegramTokenRejected,
)
from kapusta_desktop.services.notifier import TARGET, load_config, resolve_chat, save_config, utcnow
from kapusta_desktop.store.models import Notice, OutboxEntry, TelegramTarget

log = logging.getLogger(__name__)

MAX_MIGRATIONS = 3


class NoticeWorker:
    def __init__(
        self,
        client: TelegramClient,
        bus: EventBus,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        retry_base: float = 5.0,
        retry_max: float = 900.0,
        poll_interval: float = 30.0,
    ) -> None:
        self._client = client
        self._bus = bus
        self._clock = clock
        self._retry_base = retry_base
        self._retry_max = retry_max
        self._poll = poll_interval
        self._wake = asyncio.Event()
        self._lanes: dict[str, asyncio.Task[None]] = {}
        self._queues: dict[str, list[int]] = {}
        self._inflight: set[int] = set()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.halted: str | None = None  # why sending is halted (401), until resume()

    # ---- life cycle ------------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._recover_interrupted()
            self._stopping = False
            self._task = asyncio.get_running_loop().create_task(self._run(), name="notice-worker")

    async def stop(self) -> None:
        """Stop taking entries and cancel the lanes; unfinished entries stay pending for the next run."""
        self._stopping = True
        self._wake.set()
        tasks = [t for t in (self._task, *self._lanes.values()) if t is not None]
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        self._task = None
        self._lanes.clear()
        self._queues.clear()
        self._inflight.clear()

    def wake(self) -> None:
        self._wake.set()

    def resume(self, client: TelegramClient | None = None) -> None:
        """After the admin fixed the token: carry on (with a new client if given)."""
        if client is not None:
            self._client = client
        self.halted = None
        self._wake.set()

    async def run_until_idle(self, timeout: float = 30.0) -> None:
        """Send everything that is due now and return (tests, the CLI)."""
        self._recover_interrupted()

        async def _drain() -> None:
            while True:
                scheduled = self._schedule()
                if not scheduled and not self._lanes:
                    return
                await asyncio.gather(*self._lanes.values(), return_exceptions=True)

        await asyncio.wait_for(_drain(), timeout)

    # ---- scheduling ------------------------------------------------------------------------------

    def _recover_interrupted(self) -> None:
        # A notice still "sending" means the last run died mid-request: it may have arrived.
        Notice.update(state="pending", possible_duplicate=True).where(Notice.state == "sending").execute()

    def _due(self) -> list[OutboxEntry]:
        now = self._clock()
        return list(
            OutboxEntry.select()
            .where(
                (OutboxEntry.target == TARGET)
                & (OutboxEntry.state == "pending")
                & (OutboxEntry.next_attempt_at.is_null() | (OutboxEntry.next_attempt_at <= now))
            )
            .order_by(OutboxEntry.id)
            .limit(1000)
        )

    def _schedule(self) -> int:
        """Hand due entries to their chat's lane; returns how many were handed out."""
        self._lanes = {c: t for c, t in self._lanes.items() if not t.done()}
        if self.halted or self._stopping:
            return 0
        count = 0
        for entry in self._due():
            if entry.id in self._inflight:
                continue
            notice = Notice.get_or_none(Notice.id == entry.entity_id)
            if notice is None:
                entry.state = "discarded"
                entry.last_error = "the notice no longer exists"
                entry.save()
                continue
            chat = resolve_chat(notice.chat_id)
            self._inflight.add(entry.id)
            self._queues.setdefault(chat, []).append(entry.id)
            if chat not in self._lanes or self._lanes[chat].done():
                self._lanes[chat] = asyncio.get_running_loop().create_task(self._lane(chat), name=f"notice-lane {chat}")
            count += 1
        return count

    def _next_due_in(self) -> float:
        soonest = (
            OutboxEntry.select(OutboxEntry.next_attempt_at)
            .where(
                (OutboxEntry.target == TARGET)
                & (OutboxEntry.state == "pending")
                & OutboxEntry.next_attempt_at.is_null(False)
            )
            .order_by(OutboxEntry.next_attempt_at)
            .first()
        )
        if soonest is None:
            return self._poll
        return max(0.0, min(self._poll, (soonest.next_attempt_at - self._clock()).total_seconds()))

    async def _run(self) -> None:
        while not self._stopping:
            try:
                self._schedule()
                wait = self._next_due_in()
            except Exception:
                log.exception("notice worker: scheduling failed; trying again shortly")
                wait = min(self._poll, 5.0)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(wait, 0.01))

    async def _lane(self, chat: str) -> None:
        queue = self._queues.setdefault(chat, [])
        while queue and not self._stopping:
            entry_id = queue.pop(0)
            try:
                await self._deliver(entry_id)
            except Exception:
                log.exception("notice worker: delivering entry %d failed unexpectedly", entry_id)
            finally:
                self._inflight.discard(entry_id)
        self._queues.pop(chat, None)
        self._wake.set()  # entries rescheduled by this lane may be due again

    # ---- one notice ------------------------------------------------------------------------------

    async def _deliver(self, entry_id: int) -> None:
        entry = OutboxEntry.get_or_none(OutboxEntry.id == entry_id)
        if entry is None or entry.state != "pending" or self.halted:
            return
        notice = Notice.get_by_id(entry.entity_id)
        migrations = 0
        while True:
            chat = resolve_chat(notice.chat_id)
            target = TelegramTarget.get_or_none(TelegramTarget.chat_id == chat)
            if target is not None and target.stopped:
                self._mark_stopped(notice, entry, target.stop_reason or "stopped")
                return
            notice.state = "sending"
            notice.attempts += 1
            entry.attempts += 1
            with Notice._meta.database.atomic():
                notice.save()
                entry.save()
            try:
                sent = await self._client.send_message(
                    chat,
                    notice.text,
                    button_text=notice.button_text,
                    button_url=notice.button_url,
                    silent=notice.silent,
                )
            except TelegramMaybeDelivered as exc:
                if notice.possible_duplicate:
                    self._finish(notice, entry, "uncertain", f"{exc.description}; already resent once, not again")
                    return
                # Prefer one possible duplicate to a lost notice: resend once, and say so.
                log.warning("notice %d to %s: no answer; resending once (possible duplicate)", notice.id, chat)
                notice.possible_duplicate = True
                notice.state = "uncertain"
                notice.error = f"{exc.description}; resent once"
                notice.save()
                continue
            except TelegramMigrated as exc:
                self._record_migration(chat, exc.new_chat_id)
                migrations += 1
                if migrations > MAX_MIGRATIONS:
                    self._finish(notice, entry, "failed", "the chat keeps migrating; check the chat id")
                    return
                continue
            except (TelegramUnauthorized, TelegramConfigError) as exc:
                self._halt(notice, entry, exc)
                return
            except TelegramTargetRefused as exc:
                self._stop_target(chat, exc.description)
                self._mark_stopped(notice, entry, exc.description)
                return
            except TelegramBadRequest as exc:
                self._finish(notice, entry, "failed", exc.description)
                return
            except TelegramRetryAfter as exc:
                self._reschedule(notice, entry, exc.retry_after, f"Telegram asked to wait {exc.retry_after:.0f} s")
                return
            except TelegramError as exc:  # transient: nothing was delivered
                delay = min(self._retry_max, self._retry_base * 2 ** max(0, entry.attempts - 1))
                self._reschedule(notice, entry, delay, exc.description)
                return
            notice.state = "sent"
            notice.sent_at = self._clock()
            notice.sent_chat_id = sent.chat_id
            notice.message_id = sent.message_id
            notice.error = None
            entry.state = "done"
            entry.done_at = notice.sent_at
            entry.last_error = None
            with Notice._meta.database.atomic():
                notice.save()
                entry.save()
            self._bus.publish(NoticeSent(notice.id, sent.chat_id, notice.possible_duplicate))
            self._bus.publish(NoticesChanged())
            return

    def _finish(self, notice: Notice, entry: OutboxEntry, state: str, error: str) -> None:
        notice.state = state
        notice.error = error
        entry.state = "error"
        entry.last_error = error
        with Notice._meta.database.atomic():
            notice.save()
            entry.save()
        log.warning("notice %d to %s %s: %s", notice.id, notice.chat_id, state, error)
        self._bus.publish(NoticeFailed(notice.id, notice.chat_id, error, state))
        self._bus.publish(NoticesChanged())

    def _reschedule(self, notice: Notice, entry: OutboxEntry, seconds: float, error: str) -> None:
        notice.state = "pending"
        notice.error = error
        entry.last_error = error
        entry.next_attempt_at = self._clock() + dt.timedelta(seconds=seconds)
        with Notice._meta.database.atomic():
            notice.save()
            entry.save()
        self._bus.publish(NoticesChanged())

    def _mark_stopped(self, notice: Notice, entry: OutboxEntry, reason: str) -> None:
        self._finish(notice, entry, "stopped", f"chat stopped: {reason}")

    def _stop_target(self, chat: str, reason: str) -> None:
        now = self._clock()
        with TelegramTarget._meta.database.atomic():
            target, _ = TelegramTarget.get_or_create(chat_id=chat)
            target.stopped = True
            target.stop_reason = reason
            target.stopped_at = now
            target.updated_at = now
            target.save()
        log.warning("Telegram chat %s stopped: %s", chat, reason)
        self._bus.publish(TelegramTargetStopped(chat, reason))
        # Its other queued notices would only be refused too: stop them without asking Telegram.
        for other_id in list(self._queues.get(chat, [])):
            other = OutboxEntry.get_or_none(OutboxEntry.id == other_id)
            if other is not None and other.state == "pending":
                self._mark_stopped(Notice.get_by_id(other.entity_id), other, reason)

    def _record_migration(self, old: str, new: str) -> None:
        with TelegramTarget._meta.database.atomic():
            target, _ = TelegramTarget.get_or_create(chat_id=old)
            target.migrated_to = new
            target.updated_at = self._clock()
            target.save()
            config: NoticeConfig = load_config()
            updated = config.replace_chat(old, new)
            if updated != config:
                save_config(updated)
        log.info("Telegram chat %s became supergroup %s; rules updated", old, new)
        self._bus.publish(TelegramTargetMigrated(old, new))

    def _halt(self, notice: Notice, entry: OutboxEntry, exc: TelegramError) -> None:
        reason = f"the bot token was refused ({exc.description}); enter a working token"
        first = self.halted is None  # lanes already in flight may hear the same 401
        self.halted = reason
        notice.state = "pending"
        notice.attempts -= 1
        entry.attempts -= 1
        notice.error = reason
        with Notice._meta.database.atomic():
            notice.save()
            entry.save()
        if first:
            log.error("Telegram sending halted: %s", reason)
            self._bus.publish(TelegramTokenRejected(reason))
        self._bus.publish(NoticesChanged())
