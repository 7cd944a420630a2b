"""Substring search tables for the console (SQLite only).

One FTS5 table per searchable entity with the `trigram` tokenizer: any piece of
three or more characters of a title, a name or the company's name is an index
probe, case-insensitive for Cyrillic too. SQLite triggers on the entity tables
keep them current, so every writer (seeding, editing, the sync cache writer,
tenders) stays in step without knowing about search. The company's title is
copied into its deals' and contacts' rows, a deal's title into its tasks' rows;
renaming a company or a deal updates those copies.

After a bulk load use `bulk_loading()`: the triggers are dropped for the load
and the tables are rebuilt once with `INSERT ... SELECT` at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import peewee

# entity table -> (FTS table, its columns, SELECT that fills it: rowid first, then the columns)
SEARCH_TABLES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "deal": (
        "deal_fts",
        ("title", "company"),
        "SELECT d.id, d.title, c.title FROM deal d LEFT JOIN company c ON c.id = d.company_id",
    ),
    "contact": (
        "contact_fts",
        ("name", "company"),
        "SELECT p.id, trim(p.last_name || ' ' || p.name || ' ' || p.second_name), c.title"
        " FROM contact p LEFT JOIN company c ON c.id = p.company_id",
    ),
    "company": ("company_fts", ("title", "inn"), "SELECT c.id, c.title, c.inn FROM company c"),
    "task": (
        "task_fts",
        ("title", "deal"),
        "SELECT t.id, t.title, d.title FROM task t LEFT JOIN deal d ON d.id = t.deal_id",
    ),
}

# Indexes the console's listings need that the models do not declare (prefix search, sorting).
_EXTRA_INDEXES = (
    "CREATE INDEX IF NOT EXISTS task_title_search ON task (title)",
    "CREATE INDEX IF NOT EXISTS deal_amount_sort ON deal (amount)",
    "CREATE INDEX IF NOT EXISTS deal_local_modified_sort ON deal (local_modified)",
    "CREATE INDEX IF NOT EXISTS contact_local_modified_sort ON contact (local_modified)",
    "CREATE INDEX IF NOT EXISTS company_local_modified_sort ON company (local_modified)",
    "CREATE INDEX IF NOT EXISTS task_local_modified_sort ON task (local_modified)",
)

_CONTACT_NAME = "trim(NEW.last_name || ' ' || NEW.name || ' ' || NEW.second_name)"

_TRIGGERS: dict[str, str] = {
    # Deals: own row; a new title reaches the deal's tasks.
    "deal_fts_ai": """AFTER INSERT ON deal BEGIN
        INSERT INTO deal_fts (rowid, title, company)
        VALUES (NEW.id, NEW.title, (SELECT title FROM company WHERE id = NEW.company_id));
    END""",
    "deal_fts_au": """AFTER UPDATE OF title, company_id ON deal
        WHEN OLD.title IS NOT NEW.title OR OLD.company_id IS NOT NEW.company_id BEGIN
        UPDATE deal_fts SET title = NEW.title, company = (SELECT title FROM company WHERE id = NEW.company_id)
        WHERE rowid = NEW.id;
        UPDATE task_fts SET deal = NEW.title
        WHERE OLD.title IS NOT NEW.title AND rowid IN (SELECT id FROM task WHERE deal_id = NEW.id);
    END""",
    "deal_fts_ad": "AFTER DELETE ON deal BEGIN DELETE FROM deal_fts WHERE rowid = OLD.id; END",
    # Companies: own row; a new title reaches the company's deals and contacts.
    "company_fts_ai": """AFTER INSERT ON company BEGIN
        INSERT INTO company_fts (rowid, title, inn) VALUES (NEW.id, NEW.title, NEW.inn);
    END""",
    "company_fts_au": """AFTER UPDATE OF title, inn ON company
        WHEN OLD.title IS NOT NEW.title OR OLD.inn IS NOT NEW.inn BEGIN
        UPDATE company_fts SET title = NEW.title, inn = NEW.inn WHERE rowid = NEW.id;
        UPDATE deal_fts SET company = NEW.title
        WHERE OLD.title IS NOT NEW.title AND rowid IN (SELECT id FROM deal WHERE company_id = NEW.id);
        UPDATE contact_fts SET company = NEW.title
        WHERE OLD.title IS NOT NEW.title AND rowid IN (SELECT id FROM contact WHERE company_id = NEW.id);
    END""",
    "company_fts_ad": """AFTER DELETE ON company BEGIN
        DELETE FROM company_fts WHERE rowid = OLD.id;
        UPDATE deal_fts SET company = NULL WHERE rowid IN (SELECT id FROM deal WHERE company_id = OLD.id);
        UPDATE contact_fts SET company = NULL WHERE rowid IN (SELECT id FROM contact WHERE company_id = OLD.id);
    END""",
    "contact_fts_ai": f"""AFTER INSERT ON contact BEGIN
        INSERT INTO contact_fts (rowid, name, company)
        VALUES (NEW.id, {_CONTACT_NAME}, (SELECT title FROM company WHERE id = NEW.company_id));
    END""",
    "contact_fts_au": f"""AFTER UPDATE OF last_name, name, second_name, company_id ON contact
        WHEN OLD.last_name IS NOT NEW.last_name OR OLD.name IS NOT NEW.name
          OR OLD.second_name IS NOT NEW.second_name OR OLD.company_id IS NOT NEW.company_id BEGIN
        UPDATE contact_fts SET name = {_CONTACT_NAME},
            company = (SELECT title FROM company WHERE id = NEW.company_id)
        WHERE rowid = NEW.id;
    END""",
    "contact_fts_ad": "AFTER DELETE ON contact BEGIN DELETE FROM contact_fts WHERE rowid = OLD.id; END",
    "task_fts_ai": """AFTER INSERT ON task BEGIN
        INSERT INTO task_fts (rowid, title, deal)
        VALUES (NEW.id, NEW.title, (SELECT title FROM deal WHERE id = NEW.deal_id));
    END""",
    "task_fts_au": """AFTER UPDATE OF title, deal_id ON task
        WHEN OLD.title IS NOT NEW.title OR OLD.deal_id IS NOT NEW.deal_id BEGIN
        UPDATE task_fts SET title = NEW.title, deal = (SELECT title FROM deal WHERE id = NEW.deal_id)
        WHERE rowid = NEW.id;
    END""",
    "task_fts_ad": "AFTER DELETE ON task BEGIN DELETE FROM task_fts WHERE rowid = OLD.id; END",
}


def supports_search_index(db: peewee.Database) -> bool:
    """FTS5 lives in SQLite; other databases (PostgreSQL) search with ILIKE instead."""
    return isinstance(db, peewee.SqliteDatabase)


def has_search_index(db: peewee.Database) -> bool:
    if not supports_search_index(db):
        return False
    row = db.execute_sql("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'deal_fts'").fetchone()
    return bool(row and row[0])


def create_triggers(db: peewee.Database) -> None:
    for name, body in _TRIGGERS.items():
        db.execute_sql(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


def drop_triggers(db: peewee.Database) -> None:
    for name in _TRIGGERS:
        db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")


def create_search_index(db: peewee.Database) -> None:
    """Create the FTS tables, their triggers and the listing indexes; fill the tables from what is there."""
    if not supports_search_index(db):
        return
    existed = has_search_index(db)
    for fts, columns, _fill in SEARCH_TABLES.values():
        db.execute_sql(f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({', '.join(columns)}, tokenize='trigram')")
    for statement in _EXTRA_INDEXES:
        db.execute_sql(statement)
    create_triggers(db)
    if not existed:
        rebuild_search_index(db)


def rebuild_search_index(db: peewee.Database) -> None:
    """Refill every FTS table from its entity table in one statement each (after a bulk load)."""
    if not supports_search_index(db):
        return
    with db.atomic():
        for fts, columns, fill in SEARCH_TABLES.values():
            db.execute_sql(f"DELETE FROM {fts}")
            db.execute_sql(f"INSERT INTO {fts} (rowid, {', '.join(columns)}) {fill}")


@contextmanager
def bulk_loading(db: peewee.Database) -> Iterator[None]:
    """Load many rows without per-row index upkeep; the search tables are rebuilt once at the end."""
    if not has_search_index(db):
        yield
        return
    drop_triggers(db)
    try:
        yield
    finally:
        rebuild_search_index(db)
        create_triggers(db)
