from __future__ import annotations

from pathlib import Path

import peewee
import pytest

from kapusta_desktop.store import models
from kapusta_desktop.store.db import close_db, init_db, open_database
from kapusta_desktop.store.migrations import (
    MIGRATIONS,
    SchemaTooNewError,
    current_version,
    latest_version,
    migrate,
)


def test_new_database_is_created_at_latest_version_in_wal(tmp_path: Path) -> None:
    db = init_db(tmp_path / "c.sqlite3")
    try:
        assert current_version(db) == latest_version()
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert set(db.get_tables()) >= {m._meta.table_name for m in models.ALL_MODELS}
    finally:
        close_db()


def test_newer_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    db = init_db(path)
    models.SchemaVersion.create(version=latest_version() + 5)
    close_db()
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError, match="newer KAPUSTA desktop"):
        init_db(path)
    close_db()
    assert db.is_closed()
    assert path.read_bytes() == before


def test_older_file_is_backed_up_and_migrated_keeping_data(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    db = init_db(path)
    models.Company.create(title="ООО Ромашка", inn="7701234567")
    db.close()

    def add_column(database: peewee.Database) -> None:
        database.execute_sql("ALTER TABLE company ADD COLUMN okved TEXT")

    steps = {**MIGRATIONS, latest_version() + 1: add_column}
    db = open_database(path)
    models.database_proxy.initialize(db)
    backups = tmp_path / "backups"
    assert migrate(db, backup_dir=backups, migrations=steps) == latest_version() + 1
    assert models.Company.get().title == "ООО Ромашка"
    cols = [c.name for c in db.get_columns("company")]
    assert "okved" in cols
    saved = list(backups.iterdir())
    assert len(saved) == 1
    close_db()


def test_failed_step_rolls_back_and_leaves_version(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    db = init_db(path)
    start = current_version(db)

    def broken(database: peewee.Database) -> None:
        database.execute_sql("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        migrate(db, migrations={**MIGRATIONS, start + 1: broken})
    assert current_version(db) == start
    assert "half_done" not in db.get_tables()
    close_db()
