"""Domain events in, Notice rows and telegram outbox entries out, in one transaction.

The notifier listens on the bus, asks the notice rules who should hear of an
event, and queues one notice per chat. (event key, chat) is unique, so an
event heard twice (a replayed sync, a restart) never makes a second notice.
Sending is the worker's job (`notice_worker.py`); this module also holds what
the admin does by hand: the rule configuration, retrying a notice, resuming a
stopped chat.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import replace

import peewee

from kapusta_desktop.domain.events import (
    DomainEvent,
    MissedCall,
    TenderCreated,
    TenderDeadlineNear,
)
from kapusta_desktop.domain.notice_rules import NoticeConfig, NoticeContext, PlannedNotice, plan_notices
from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.notice_events import NoticesChanged
from kapusta_desktop.store.models import Deal, Notice, OutboxEntry, TelegramTarget, Tender, UserManager
from kapusta_desktop.store.outbox import enqueue
from kapusta_desktop.store.setting_values import get_value, set_value

log = logging.getLogger(__name__)

# The same key the settings dialog and `config set` validate and write.
SETTING_KEY = "notices.config"
TARGET = "telegram"
RETRYABLE_STATES = ("failed", "uncertain", "stopped")


def utcnow() -> dt.datetime:
    """Naive UTC, as the store keeps times."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def load_config() -> NoticeConfig:
    return NoticeConfig.from_json(get_value(SETTING_KEY))


def save_config(config: NoticeConfig) -> None:
    data = config.to_json()
    NoticeConfig.from_json(data)  # refuse to store what could not be read back
    set_value(SETTING_KEY, data)


def resolve_chat(chat_id: str) -> str:
    """Follow recorded migrations (group → supergroup) to the id that takes messages now."""
    seen = {chat_id}
    current = chat_id
    while True:
        target = TelegramTarget.get_or_none(TelegramTarget.chat_id == current)
        if target is None or not target.migrated_to or target.migrated_to in seen:
            return current
        current = target.migrated_to
        seen.add(current)


def stopped_reason(chat_id: str) -> str | None:
    target = TelegramTarget.get_or_none(TelegramTarget.chat_id == chat_id)
    return target.stop_reason or "stopped" if target is not None and target.stopped else None


def queue_entry(notice: Notice, when: dt.datetime | None) -> OutboxEntry | None:
    """The outbox entry that sends `notice` (at `when`, or as soon as possible)."""
    entry = enqueue(target=TARGET, entity_type="notice", entity_id=notice.id, op="send", key=f"notice:{notice.id}")
    if entry is None:
        entry = OutboxEntry.get(OutboxEntry.key == f"notice:{notice.id}")
    entry.state = "pending"
    entry.next_attempt_at = when
    entry.last_error = None
    entry.save()
    return entry


class Notifier:
    def __init__(
        self,
        bus: EventBus,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        on_queued: Callable[[], None] | None = None,
    ) -> None:
        self._bus = bus
        self._clock = clock
        self._on_queued = on_queued  # the worker's wake-up
        self._unsubscribe: Callable[[], None] | None = None

    def attach(self) -> None:
        if self._unsubscribe is None:
            self._unsubscribe = self._bus.subscribe(DomainEvent, self.handle)

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def handle(self, event: DomainEvent) -> list[Notice]:
        """Queue every notice `event` calls for; returns the notices created now (not earlier duplicates)."""
        config = load_config()
        if not config.portal_url:
            # The Bitrix24 connection knows the portal; the notice settings need not repeat it.
            config = replace(config, portal_url=get_value("bitrix24.portal_url"))
        now = self._clock().replace(tzinfo=dt.UTC)
        planned = plan_notices(event, config, now=now, ctx=self._context(event))
        if not planned:
            return []
        created = self._store(planned)
        if created:
            log.info("queued %d Telegram notice(s) for %s", len(created), event.key)
            self._bus.publish(NoticesChanged())
            if self._on_queued is not None:
                self._on_queued()
        return created

    def _store(self, planned: list[PlannedNotice]) -> list[Notice]:
        created: list[Notice] = []
        db = Notice._meta.database
        with db.atomic():
            for p in planned:
                if Notice.select().where((Notice.event_key == p.event_key) & (Notice.chat_id == p.chat_id)).exists():
                    continue
                hold = p.hold_until.astimezone(dt.UTC).replace(tzinfo=None) if p.hold_until else None
                reason = stopped_reason(resolve_chat(p.chat_id))
                try:
                    with db.atomic():
                        notice = Notice.create(
                            event_key=p.event_key,
                            chat_id=p.chat_id,
                            kind=p.kind.value,
                            recipient=p.recipient[:200],
                            text=p.text,
                            button_text=p.button_text,
                            button_url=p.button_url,
                            silent=p.silent,
                            state="stopped" if reason else ("held" if hold else "pending"),
                            error=f"chat stopped: {reason}" if reason else None,
                            hold_until=hold,
                        )
                except peewee.IntegrityError:
                    continue  # another writer queued the same event for this chat first
                if not reason:
                    queue_entry(notice, hold)
                created.append(notice)
        return created

    def _context(self, event: DomainEvent) -> NoticeContext:
        manager = None
        responsible_id = getattr(event, "responsible_id", None)
        if responsible_id is not None:
            manager = UserManager.get_or_none(UserManager.id == responsible_id)
        deal_b24_id = None
        if isinstance(event, TenderCreated | TenderDeadlineNear):
            tender = Tender.get_or_none(Tender.id == event.tender_id)
            if tender is not None and tender.deal_id is not None:
                deal = Deal.get_or_none(Deal.id == tender.deal_id)
                deal_b24_id = deal.b24_id if deal else None
        elif isinstance(event, MissedCall) and event.deal_id is not None:
            deal = Deal.get_or_none(Deal.id == event.deal_id)
            deal_b24_id = deal.b24_id if deal else None
        active = manager is not None and manager.active
        return NoticeContext(
            responsible_chat=(manager.telegram_id or None) if active else None,
            responsible_name=manager.name if manager is not None else None,
            deal_b24_id=deal_b24_id,
        )

    # ---- what the admin does by hand -------------------------------------------------------------

    def retry(self, notice_id: int) -> None:
        """Send a failed, uncertain or stopped notice again (resuming its chat if it was stopped)."""
        notice = Notice.get_or_none(Notice.id == notice_id)
        if notice is None:
            raise LookupError(f"notice {notice_id} does not exist")
        if notice.state not in RETRYABLE_STATES:
            raise ValueError(f"notice {notice_id} is {notice.state}; only failed, uncertain or stopped ones retry")
        with Notice._meta.database.atomic():
            chat = resolve_chat(notice.chat_id)
            if stopped_reason(chat):
                self._resume(chat)
            notice.state = "pending"
            notice.error = None
            notice.save()
            queue_entry(notice, None)
        self._changed()

    def resume_target(self, chat_id: str) -> int:
        """The admin fixed a stopped chat: clear the stop and requeue its stopped notices; returns how many."""
        with Notice._meta.database.atomic():
            count = self._resume(chat_id)
        self._changed()
        return count

    def _resume(self, chat_id: str) -> int:
        TelegramTarget.update(stopped=False, stop_reason=None, stopped_at=None, updated_at=utcnow()).where(
            TelegramTarget.chat_id == chat_id
        ).execute()
        count = 0
        for notice in Notice.select().where(Notice.state == "stopped"):
            if resolve_chat(notice.chat_id) == chat_id:
                notice.state = "pending"
                notice.error = None
                notice.save()
                queue_entry(notice, None)
                count += 1
        return count

    def _changed(self) -> None:
        self._bus.publish(NoticesChanged())
        if self._on_queued is not None:
            self._on_queued()
