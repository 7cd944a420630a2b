"""The team's puller reads a record the moment Bitrix24 says it changed.

Bitrix24 POSTs an outgoing event (ONCRMDEALUPDATE, ONTASKADD, ...) to the
relay, which stores it in the shared PostgreSQL (integrations/relay/server.py).
The desk that holds the team's pull lease (the sync engine tells it through
`on_leading`) follows that log with a `RelayFeed` of its own and hands each
event naming a cached kind of record to `SyncEngine.pull_records`: the record
is read and applied exactly as an incremental pull applies it (an operator's
unsent edit stays), and a ...DELETE drops it as reconcile would, without a
request. Events for one record within `debounce` seconds cost one read, and a
burst's reads share batch requests. Only the puller follows: every desk shows
the same shared rows.

The feed starts at the newest event each time this desk becomes the puller:
anything older is what the puller's scheduled incremental pull brings anyway.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from kapusta_desktop.integrations.bitrix24.outgoing_events import OutgoingEvent
from kapusta_desktop.integrations.relay.desk_events import BITRIX24_PREFIX, outgoing_event_of
from kapusta_desktop.services.sync.engine import SyncEngine
from kapusta_desktop.services.team_feed import libpq_url
from kapusta_desktop.store.relay_events import StoredRelayEvent
from kapusta_desktop.store.relay_feed import POLL_SECONDS, RelayFeed

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.5  # Bitrix24 often sends several events for one save
# Event name prefix -> the kind of record the cache keeps.
KIND_PREFIXES = (("ONCRMDEAL", "deal"), ("ONCRMCONTACT", "contact"), ("ONCRMCOMPANY", "company"),
                 ("ONCRMLEAD", "lead"), ("ONTASK", "task"))
ACTIONS = ("ADD", "UPDATE", "DELETE")

PullRecords = Callable[[dict[str, set[int]], dict[str, set[int]]], Awaitable[object]]


@dataclass(frozen=True)
class RecordChange:
    kind: str  # deal, contact, company, lead, task
    b24_id: int
    deleted: bool


def record_change(event: OutgoingEvent) -> RecordChange | None:
    """The cached record an event names; None for events about anything else (or without a readable id)."""
    for prefix, kind in KIND_PREFIXES:
        action = event.event[len(prefix):] if event.event.startswith(prefix) else None
        if action in ACTIONS:
            try:
                b24_id = int(event.record_id or "")
            except ValueError:
                return None
            return RecordChange(kind, b24_id, action == "DELETE") if b24_id > 0 else None
    return None


class RecordEventQueue:
    """Collects record changes and hands them to `pull` `debounce` seconds after the first of a burst.

    Changes arriving while a pull runs wait for the next round (the running read may predate them).
    """

    def __init__(self, pull: PullRecords, *, debounce: float = DEBOUNCE_SECONDS) -> None:
        self._pull = pull
        self.debounce = debounce
        self._changed: dict[str, set[int]] = {}
        self._deleted: dict[str, set[int]] = {}
        self._task: asyncio.Task[None] | None = None
        self.events = 0  # record events taken in
        self.rounds = 0  # pulls handed out

    def add(self, change: RecordChange) -> None:
        """Queue a change (event loop thread); the round starts after `debounce`."""
        self.events += 1
        if change.deleted:
            self._changed.get(change.kind, set()).discard(change.b24_id)
            self._deleted.setdefault(change.kind, set()).add(change.b24_id)
        elif change.b24_id not in self._deleted.get(change.kind, ()):
            self._changed.setdefault(change.kind, set()).add(change.b24_id)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._rounds(), name="b24-record-events")

    @property
    def pending(self) -> int:
        return sum(map(len, self._changed.values())) + sum(map(len, self._deleted.values()))

    async def _rounds(self) -> None:
        while True:
            await asyncio.sleep(self.debounce)
            if not self.pending:
                return
            changed, deleted = self._changed, self._deleted
            self._changed, self._deleted = {}, {}
            self.rounds += 1
            try:
                await self._pull(changed, deleted)
            except Exception:  # the scheduled pull catches up; the queue must keep working
                log.exception("pulling records named by Bitrix24 events failed")

    async def aclose(self) -> None:
        """Drop what is queued and stop a waiting round (a running pull is cancelled too)."""
        self._changed, self._deleted = {}, {}
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass


class Bitrix24EventFollower:
    """Follows the relay's Bitrix24 events while this desk is the team's puller (`set_leading`)."""

    def __init__(
        self,
        pull: PullRecords,
        database_url: str,
        *,
        cursor_name: str,
        debounce: float = DEBOUNCE_SECONDS,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._url = libpq_url(database_url)
        self.cursor_name = cursor_name
        self.poll_seconds = poll_seconds
        self.queue = RecordEventQueue(pull, debounce=debounce)
        self.feed: RelayFeed | None = None
        self._switch = asyncio.Lock()

    @property
    def following(self) -> bool:
        return self.feed is not None

    async def set_leading(self, leading: bool) -> None:
        async with self._switch:
            if leading and self.feed is None:
                feed = RelayFeed(self._url, self._on_stored, cursor_name=self.cursor_name,
                                 poll_seconds=self.poll_seconds, cursor_store=_fresh_cursor())
                await feed.start()
                self.feed = feed
                log.info("following Bitrix24 events from the relay (this desk pulls for the team)")
            elif not leading and self.feed is not None:
                feed, self.feed = self.feed, None
                await feed.stop()
                await self.queue.aclose()

    async def close(self) -> None:
        await self.set_leading(False)
        await self.queue.aclose()

    def _on_stored(self, stored: StoredRelayEvent) -> None:
        if not stored.kind.startswith(BITRIX24_PREFIX):
            return  # call events: the desk's call feed handles those
        event = outgoing_event_of(stored)
        change = record_change(event) if event is not None else None
        if change is not None:
            self.queue.add(change)


def _fresh_cursor() -> tuple[Callable[[str], int | None], Callable[[str, int], None]]:
    """A cursor kept in memory: the feed starts at the newest event (see the module docstring)."""
    return (lambda _name: None), (lambda _name, _value: None)


def follow_bitrix24_events(engine: SyncEngine, database_url: str, *, cursor_name: str,
                           debounce: float = DEBOUNCE_SECONDS, poll_seconds: float = POLL_SECONDS
                           ) -> Bitrix24EventFollower:
    """Attach a follower to a team desk's sync engine: it follows while the engine holds the pull lease."""
    follower = Bitrix24EventFollower(engine.pull_records, database_url, cursor_name=cursor_name, debounce=debounce,
                                     poll_seconds=poll_seconds)
    engine.on_leading = follower.set_leading
    return follower
