"""The one place a database connection is made.

Models bind to `database_proxy`; `init_db()` opens SQLite in WAL mode (the
default) or the database a URL names (PostgreSQL for a team cache), then
creates or migrates the schema. On PostgreSQL that happens under an advisory
lock, so relays and desks starting at once on an empty database take turns
instead of racing to create the same tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import peewee

database_proxy = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -64 * 1024,  # 64 MiB page cache
    "busy_timeout": 5000,
}

# pg_advisory_lock key for schema creation/migration: any bigint, the same in every KAPUSTA process.
SCHEMA_LOCK_KEY = 0x4B415055535441  # "KAPUSTA"


def open_database(target: str | Path) -> peewee.Database:
    """Open a SQLite file path, ':memory:', or a database URL."""
    text = str(target)
    if "://" in text:
        from playhouse.db_url import connect

        return connect(text)
    if text != ":memory:":
        Path(text).parent.mkdir(parents=True, exist_ok=True)
    return peewee.SqliteDatabase(text, pragmas=SQLITE_PRAGMAS, check_same_thread=False)


def init_db(target: str | Path, *, backup_dir: Path | None = None) -> peewee.Database:
    """Open, bind and bring the schema to the current version."""
    from kapusta_desktop.store.migrations import migrate

    db = open_database(target)
    database_proxy.initialize(db)
    db.connect(reuse_if_open=True)
    with schema_lock(db):
        migrate(db, backup_dir=backup_dir)
    return db


@contextmanager
def schema_lock(db: peewee.Database) -> Iterator[None]:
    """On PostgreSQL: one process at a time creates or migrates the schema (the others wait, then find it done).

    A session-level lock on this thread's connection, released after; a crashed holder's lock goes with its
    session. SQLite needs none: its migrations run in write transactions on one file.
    """
    if not isinstance(db, peewee.PostgresqlDatabase):
        yield
        return
    db.execute_sql("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK_KEY,))
    try:
        yield
    except BaseException:
        with suppress(peewee.DatabaseError):  # a lost connection took the lock with it: keep the first error
            db.execute_sql("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK_KEY,))
        raise
    db.execute_sql("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK_KEY,))


def close_db() -> None:
    """Close the bound database; safe to call twice."""
    db = database_proxy.obj
    if db is not None and not db.is_closed():
        db.close()
