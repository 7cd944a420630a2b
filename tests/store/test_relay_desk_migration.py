"""Migration 2 adds relay_desk to a cache made at schema 1, keeping its data."""

from __future__ import annotations

from pathlib import Path

from kapusta_desktop.store import models
from kapusta_desktop.store.db import close_db, init_db, open_database
from kapusta_desktop.store.migrations import current_version, migrate
from kapusta_desktop.store.relay_desks import add_desk, list_desks


def test_schema_1_gets_the_relay_desk_table(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    db = init_db(path)
    models.Company.create(title="ООО Ромашка")
    db.execute_sql("DROP TABLE relay_desk")
    db.execute_sql("UPDATE schema_version SET version = 1")  # as a schema-1 program left it
    db.close()
    db = open_database(path)
    models.database_proxy.initialize(db)
    assert current_version(db) == 1
    assert migrate(db) >= 2
    assert "relay_desk" in db.get_tables() and models.Company.get().title == "ООО Ромашка"
    add_desk(db, "desk-1")
    assert [d.name for d in list_desks(db)] == ["desk-1"]
    close_db()
