"""The one place a database connection is made.

Models bind to `database_proxy`; `init_db()` opens SQLite in WAL mode (the
default) or the database a URL names (PostgreSQL for a team cache), then
creates or migrates the schema.
"""

from __future__ import annotations

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
    migrate(db, backup_dir=backup_dir)
    return db


def close_db() -> None:
    """Close the bound database; safe to call twice."""
    db = database_proxy.obj
    if db is not None and not db.is_closed():
        db.close()
