"""A desk's feed of team events: LISTEN kapusta_events, catch up by id, apply each event once, in order.

A background thread owns its own psycopg2 connection (autocommit): it LISTENs
first, then reads every stored event after the last one it fetched, then takes
events from the notifications themselves (they carry the row; an id-only one
makes it read the table), with a safety read after each quiet poll interval. A
dropped connection is re-opened with backoff and the read resumes from the
same id, so a desk that was offline misses nothing. Rows go to the event loop
(`call_soon_threadsafe`), where `on_event` runs, the applied id advances and
is kept in `SyncCursor` (one cursor per desk: `cursor_name`). Relays commit in
id order (see relay_events), so reading `id > last` never skips a row.

A desk joining for the first time starts at the newest event instead of
replaying the team's whole history.

The cursor is saved once per delivered batch, not per event: at 100 events/s
and 50 desks, per-event saves would be 5,000 writes a second on the shared
database. A desk that dies mid-batch therefore gets that batch again when it
restarts. That is harmless for what desks do with events: the restarted
CallDesk starts with no calls in memory, so to it they are new (a call still
ringing pops up again, as it should), and what they left in the shared cache
is keyed by the Mango entry id (one CallRecord per call, its log and callback
task in the same transaction, recording and log outbox entries by key), so
nothing is stored or pushed twice (tests/team/test_relay_feed_replay.py).
A handler with side effects of its own must be idempotent per event id too.
"""

from __future__ import annotations

import asyncio
import logging
import select
import socket
import threading
from collections.abc import Callable
from typing import Any

from kapusta_desktop.redact import redact
from kapusta_desktop.store.models import SyncCursor
from kapusta_desktop.store.relay_events import (
    CHANNEL,
    SELECT_AFTER,
    SELECT_LATEST,
    StoredRelayEvent,
    event_from_notification,
    row_to_event,
)

log = logging.getLogger(__name__)

CURSOR_PREFIX = "relay_feed:"
POLL_SECONDS = 5.0  # a read even without a NOTIFY: a lost notification costs at most this long
BATCH = 500
RECONNECT_MIN = 0.5
RECONNECT_MAX = 15.0
APPLICATION_NAME = "kapusta-desk-feed"  # what pg_stat_activity shows for a desk's LISTEN connection

EventHandler = Callable[[StoredRelayEvent], None]


def load_cursor(name: str) -> int | None:
    row = SyncCursor.get_or_none(SyncCursor.name == name)
    if row is None or row.value in (None, ""):
        return None
    try:
        return int(row.value)
    except ValueError:
        return None


def save_cursor(name: str, value: int) -> None:
    import datetime as dt

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    SyncCursor.insert(name=name, value=str(value), updated_at=now).on_conflict(
        conflict_target=[SyncCursor.name], update={SyncCursor.value: str(value), SyncCursor.updated_at: now}
    ).execute()


class RelayFeed:
    """Start with `await start()` on the desk's event loop; `await stop()` before the loop ends."""

    def __init__(
        self,
        database_url: str,
        on_event: EventHandler,
        *,
        cursor_name: str,
        poll_seconds: float = POLL_SECONDS,
        connect: Callable[[str], Any] | None = None,
        cursor_store: tuple[Callable[[str], int | None], Callable[[str, int], None]] | None = None,
    ) -> None:
        self._url = database_url
        self._on_event = on_event
        self.cursor_name = cursor_name if cursor_name.startswith(CURSOR_PREFIX) else CURSOR_PREFIX + cursor_name
        self._poll = poll_seconds
        self._connect = connect or _psycopg2_connect
        # Where the applied id is kept: SyncCursor in the desk's cache (a benchmark may keep it in memory).
        self._load_cursor, self._save_cursor = cursor_store or (load_cursor, save_cursor)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._wake_r: socket.socket | None = None  # wakes the thread's select() on stop
        self._wake_w: socket.socket | None = None
        self.applied_id = 0  # loop thread only
        self._fetched_id = 0  # feed thread only (after start)
        self.connected = threading.Event()
        self.last_error: str | None = None
        self.delivered = 0

    # ---- lifecycle (event loop thread) ---------------------------------------------------------

    async def start(self) -> None:
        if self._thread is not None:
            return
        self._loop = asyncio.get_running_loop()
        saved = self._load_cursor(self.cursor_name)
        if saved is None:
            saved = await asyncio.to_thread(self._latest_id)
            self._save_cursor(self.cursor_name, saved)
        self.applied_id = self._fetched_id = saved
        self._stopping.clear()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._thread = threading.Thread(target=self._run, name="relay-feed", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        """Stop listening and keep the cursor; safe to call twice."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stopping.set()
        wake_r, wake_w = self._wake_r, self._wake_w
        if wake_w is not None:
            wake_w.send(b"x")
        await asyncio.to_thread(thread.join, 10.0)
        for sock in (wake_r, wake_w):
            if sock is not None:
                sock.close()
        self._wake_r = self._wake_w = None
        try:
            self._save_cursor(self.cursor_name, self.applied_id)
        except Exception:  # the cache is gone: the last per-batch save stands, events after it come again
            log.exception("relay feed: saving the cursor on stop failed")

    @property
    def running(self) -> bool:
        return self._thread is not None

    # ---- delivery (event loop thread) ----------------------------------------------------------

    def _deliver(self, events: list[StoredRelayEvent]) -> None:
        if self._thread is None:
            return  # stopped meanwhile: the next start reads these again from the cursor
        advanced = False
        for event in events:
            if event.id <= self.applied_id:
                continue  # already applied (a re-read after a reconnect)
            try:
                self._on_event(event)
            except Exception:  # one bad event must not stop the desk's feed
                log.exception("relay feed: applying event %s (%s) failed", event.id, event.kind)
            self.applied_id = event.id
            self.delivered += 1
            advanced = True
        if advanced:
            try:
                self._save_cursor(self.cursor_name, self.applied_id)
            except Exception:
                log.exception("relay feed: saving the cursor failed")

    # ---- the feed thread -----------------------------------------------------------------------

    def _latest_id(self) -> int:
        conn = self._connect(self._url)
        try:
            with conn.cursor() as cur:
                cur.execute(SELECT_LATEST)
                return int(cur.fetchone()[0])
        finally:
            conn.close()

    def _run(self) -> None:
        delay = RECONNECT_MIN
        while not self._stopping.is_set():
            conn = None
            try:
                conn = self._connect(self._url)
                conn.autocommit = True
                with conn.cursor() as cur:
                    cur.execute(f"LISTEN {CHANNEL}")  # before the catch-up read, so nothing falls between
                self.connected.set()
                self.last_error = None
                delay = RECONNECT_MIN
                self._listen(conn)
            except Exception as exc:
                self.connected.clear()
                if self._stopping.is_set():
                    break
                self.last_error = redact(str(exc).strip() or type(exc).__name__)
                log.warning("relay feed: connection lost (%s); retrying in %.1f s", self.last_error, delay)
                self._stopping.wait(delay)  # stop() sets the event, so this wait ends at once
                delay = min(delay * 2, RECONNECT_MAX)
            finally:
                self.connected.clear()
                if conn is not None:
                    try:
                        conn.close()
                    except Exception:
                        pass

    def _listen(self, conn: Any) -> None:
        wake = self._wake_r
        assert wake is not None
        self._read_new(conn)  # catch up: everything committed before our LISTEN took effect
        while not self._stopping.is_set():
            ready, _, _ = select.select([conn, wake], [], [], self._poll)
            if wake in ready:
                return  # stop() asked
            if conn in ready:
                conn.poll()
                notes = list(conn.notifies)
                conn.notifies.clear()
                self._take_notifications(conn, [n.payload for n in notes])
            else:
                self._read_new(conn)  # quiet for a while: a safety read in case a notification was lost

    def _take_notifications(self, conn: Any, texts: list[str]) -> None:
        """Rows carried by NOTIFY go straight to delivery (they come in id order); an id-only one means a read."""
        batch: list[StoredRelayEvent] = []
        for text in texts:
            event = event_from_notification(text)
            if event is None:
                self._send(batch)
                batch = []
                self._read_new(conn)
            elif event.id > self._fetched_id:
                batch.append(event)
                self._fetched_id = event.id
        self._send(batch)

    def _send(self, events: list[StoredRelayEvent]) -> None:
        loop = self._loop
        if events and loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._deliver, events)

    def _read_new(self, conn: Any) -> None:
        while not self._stopping.is_set():
            with conn.cursor() as cur:
                cur.execute(SELECT_AFTER, (self._fetched_id, BATCH))
                rows = cur.fetchall()
            if not rows:
                return
            events = [row_to_event(row) for row in rows]
            self._fetched_id = events[-1].id
            self._send(events)
            if len(rows) < BATCH:
                return


def _psycopg2_connect(url: str) -> Any:
    import psycopg2

    return psycopg2.connect(url, connect_timeout=10, application_name=APPLICATION_NAME)
