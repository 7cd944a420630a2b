"""The team's pull lease: exactly one desk of a team pulls from Bitrix24 into the shared cache at a time.

Every desk of a team shares one PostgreSQL cache, so one pull serves them all;
pulling on every desk would only spend the team's shared request budget again.
The lease is a PostgreSQL session advisory lock held on a connection of its
own: the desk that gets `pg_try_advisory_lock` is the team's puller for as long
as that connection lives. A desk that quits releases it; a desk that crashes or
loses its network loses it with its connection (TCP keepalives on both sides
make the server notice a dead desk within about half a minute), and another
desk takes it on its next sync cycle. No table and no expiry to tune.

The calls are short synchronous statements on that connection; `try_hold` is
the async face the sync engine awaits (the statements run in a worker thread).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

from kapusta_desktop.redact import redact

log = logging.getLogger(__name__)

# Two-int advisory lock key: "KAPU" + "PULL" in ASCII (the relay's insert lock uses the one-bigint key space).
LOCK_CLASS = 0x4B415055
LOCK_OBJECT = 0x50554C4C
APPLICATION_NAME = "kapusta-pull-lease"
# The server drops a vanished desk's session (and so its lease) after about idle + interval * count seconds.
_KEEPALIVE = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3}
_SERVER_KEEPALIVE = "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3"


class PullLease:
    """`try_hold()` -> True while this desk is the team's puller; `release()` hands the turn on; `close()` at exit."""

    def __init__(self, database_url: str, *, holder: str = "", connect: Callable[[str], Any] | None = None,
                 key: tuple[int, int] = (LOCK_CLASS, LOCK_OBJECT)) -> None:
        self._url = database_url
        self.holder = holder
        name = f"{APPLICATION_NAME}:{holder}"[:63] if holder else APPLICATION_NAME  # pg_stat_activity shows it
        self._connect = connect or (lambda url: _psycopg2_connect(url, name))
        self.key = key
        self._conn: Any = None
        self._held = False
        self._lock = threading.Lock()  # one statement at a time; close() may come from another thread
        self.last_error: str | None = None

    @property
    def held(self) -> bool:
        """What the last check found (no round trip)."""
        return self._held

    # ---- synchronous core ----------------------------------------------------------------------

    def try_hold_now(self) -> bool:
        """Keep the lease if this desk has it, else try to take it; False when the database cannot be reached."""
        with self._lock:
            try:
                return self._try_hold()
            except Exception as exc:  # the connection broke: whatever we held went with it
                self.last_error = redact(str(exc).strip() or type(exc).__name__)
                log.info("pull lease: database not reached (%s)", self.last_error)
                self._drop()
                return False

    def _try_hold(self) -> bool:
        if self._conn is not None and getattr(self._conn, "closed", 0):
            self._drop()  # closed under us (the server ended the session): the lock is gone too
        if self._conn is None:
            self._conn = self._connect(self._url)
            self._conn.autocommit = True  # no transaction stays open while the desk holds the lease
            with self._conn.cursor() as cur:
                try:
                    cur.execute(_SERVER_KEEPALIVE)
                except Exception as exc:  # a pooler may refuse SET: the client-side keepalives still work
                    log.debug("pull lease: server keepalives not set: %s", exc)
        with self._conn.cursor() as cur:
            if self._held:
                # A session lock lasts as long as the session: one round trip proves the session still lives.
                cur.execute("SELECT 1")
                cur.fetchone()
            else:
                cur.execute("SELECT pg_try_advisory_lock(%s, %s)", self.key)
                self._held = bool(cur.fetchone()[0])
        self.last_error = None
        return self._held

    def release_now(self) -> None:
        """Give the turn to another desk (keeps the connection for a later try)."""
        with self._lock:
            if not self._held or self._conn is None:
                return
            try:
                with self._conn.cursor() as cur:
                    cur.execute("SELECT pg_advisory_unlock(%s, %s)", self.key)
                self._held = False
            except Exception as exc:  # the connection is gone, and the lock with it
                log.info("pull lease: release failed (%s); dropping the connection", redact(str(exc)))
                self._drop()

    def close(self) -> None:
        """Release and close; the lease goes to whichever desk asks next. Safe to call twice."""
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        conn, self._conn, self._held = self._conn, None, False
        if conn is not None:
            try:
                conn.close()  # ends the session: PostgreSQL releases its advisory locks
            except Exception:
                pass

    # ---- async face (the sync engine's PullGate) -----------------------------------------------

    async def try_hold(self) -> bool:
        return await asyncio.to_thread(self.try_hold_now)

    async def release(self) -> None:
        await asyncio.to_thread(self.release_now)


def _psycopg2_connect(url: str, application_name: str) -> Any:
    import psycopg2

    return psycopg2.connect(url, connect_timeout=10, application_name=application_name, **_KEEPALIVE)
