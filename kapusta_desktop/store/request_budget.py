"""One Bitrix24 request budget for a whole team of desks, kept in the shared PostgreSQL.

The portal's leaky bucket counts every request from the company's address, so
desks that each keep their own bucket overflow it together. Here the bucket is
one `request_budget` row: `level` as of `drained_at`. Taking a request is ONE
atomic UPDATE that drains the row to the database's clock and adds 1 only if
that fits under `capacity`; the row lock serialises desks, the database clock
means desks' clocks do not matter. A request that does not fit waits as long as
the bucket needs to drain one request, then tries again.

The bucket has its own connection (autocommit), so a caller's open transaction
never holds the row lock while it waits on the network. Its calls are short
synchronous statements, like the rest of the store.
"""

from __future__ import annotations

import asyncio

import peewee

from kapusta_desktop.store.models import RequestBudget

_NOW = "extract(epoch FROM clock_timestamp())"
_DRAINED = "GREATEST(0.0, b.level - GREATEST(0.0, t.now - b.drained_at) * %(rate)s)"
_TAKE = f"""
WITH t AS (SELECT {_NOW} AS now)
UPDATE request_budget AS b
   SET level = {_DRAINED} + 1.0, drained_at = GREATEST(b.drained_at, t.now)
  FROM t
 WHERE b.key = %(key)s AND {_DRAINED} + 1.0 <= %(capacity)s
RETURNING b.level
"""
_PEEK = f"WITH t AS (SELECT {_NOW} AS now) SELECT {_DRAINED} FROM request_budget AS b, t WHERE b.key = %(key)s"
_FILL = f"""
WITH t AS (SELECT {_NOW} AS now)
UPDATE request_budget AS b
   SET level = GREATEST({_DRAINED}, %(capacity)s), drained_at = GREATEST(b.drained_at, t.now)
  FROM t
 WHERE b.key = %(key)s
"""
_ENSURE = f"""
INSERT INTO request_budget (key, level, drained_at) VALUES (%(key)s, 0.0, {_NOW}) ON CONFLICT (key) DO NOTHING
"""


class SharedRequestBudget:
    """A leaky bucket (`rate` per second, `capacity` requests) shared through PostgreSQL; a `RequestLimiter`."""

    def __init__(self, db: peewee.Database, *, key: str, rate: float, capacity: float) -> None:
        if not isinstance(db, peewee.PostgresqlDatabase):
            raise ValueError("a shared request budget needs the team's PostgreSQL database")
        if rate <= 0 or capacity < 1:
            raise ValueError("rate must be > 0 and capacity >= 1")
        if not key:
            raise ValueError("the budget needs a key (the portal it counts for)")
        self.db = db
        self.key = key
        self.rate = float(rate)
        self.capacity = float(capacity)
        self._lock = asyncio.Lock()  # this desk's callers queue here, not in the database
        self._params = {"key": key, "rate": self.rate, "capacity": self.capacity}
        self._execute(_ENSURE)

    @classmethod
    def open(cls, url: str, *, key: str, rate: float, capacity: float) -> SharedRequestBudget:
        """A budget on its own connection to the team database at `url`."""
        from kapusta_desktop.store.db import open_database

        return cls(open_database(url), key=key, rate=rate, capacity=capacity)

    def _execute(self, sql: str) -> list[tuple]:
        if self.db.in_transaction():
            raise RuntimeError("the shared request budget must not run inside a transaction")
        cursor = self.db.execute_sql(sql, self._params)
        return list(cursor.fetchall()) if cursor.description else []

    def try_take(self) -> bool:
        """Count one request if it fits now."""
        return bool(self._execute(_TAKE))

    @property
    def level(self) -> float:
        rows = self._execute(_PEEK)
        return float(rows[0][0]) if rows else 0.0

    def delay_for_next(self) -> float:
        return max(0.0, (self.level + 1.0 - self.capacity) / self.rate)

    async def acquire(self) -> float:
        waited = 0.0
        async with self._lock:
            while not self.try_take():
                # Other desks take from the same bucket: wait one drain, not the whole backlog, then retry.
                delay = max(self.delay_for_next(), 0.005)
                await asyncio.sleep(delay)
                waited += delay
        return waited

    def fill(self) -> None:
        self._execute(_FILL)

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()


def budget_row(key: str) -> RequestBudget | None:
    """The stored bucket (for status displays and tests)."""
    return RequestBudget.get_or_none(RequestBudget.key == key)
