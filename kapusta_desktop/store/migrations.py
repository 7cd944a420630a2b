"""Numbered schema migrations.

The schema version lives in `schema_version`. A fresh database is created at
the current version. An older one is copied to the backup directory first,
then each step runs in its own transaction and records its number. A file
written by a newer program is refused rather than damaged.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import peewee

from kapusta_desktop import __version__
from kapusta_desktop.store.models import ALL_MODELS, SchemaVersion

log = logging.getLogger(__name__)

Step = Callable[[peewee.Database], None]


class SchemaTooNewError(RuntimeError):
    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"The database was written by a newer KAPUSTA desktop (schema {found}); "
            f"this program understands schema {supported} at most. Update the program, "
            "or open another profile."
        )
        self.found = found
        self.supported = supported


def create_schema(db: peewee.Database) -> None:
    """Every table as it is now, plus the SQLite-only search tables and their triggers."""
    from kapusta_desktop.store.search_index import create_search_index

    db.create_tables(ALL_MODELS, safe=True)
    create_search_index(db)


def _baseline(db: peewee.Database) -> None:
    create_schema(db)


def _relay_desks(db: peewee.Database) -> None:
    from kapusta_desktop.store.models import RelayDesk

    db.create_tables([RelayDesk], safe=True)


# Step N brings the schema from N-1 to N. Append; never edit a released step.
MIGRATIONS: dict[int, Step] = {
    1: _baseline,
    2: _relay_desks,  # desks' tokens (hashed) for forwarding through the team relay
}


def _ensure_search_index(db: peewee.Database) -> None:
    # Caches made before the search tables joined the (still unreleased) baseline get them on open.
    from kapusta_desktop.store.search_index import create_search_index, has_search_index, supports_search_index

    if supports_search_index(db) and not has_search_index(db):
        with db.atomic():
            create_search_index(db)


def latest_version(migrations: Mapping[int, Step] = MIGRATIONS) -> int:
    return max(migrations)


def current_version(db: peewee.Database) -> int:
    if not db.table_exists(SchemaVersion._meta.table_name):
        return 0
    row = SchemaVersion.select(peewee.fn.MAX(SchemaVersion.version)).scalar()
    return int(row or 0)


def _backup(db: peewee.Database, backup_dir: Path | None, version: int) -> Path | None:
    if backup_dir is None or not isinstance(db, peewee.SqliteDatabase) or db.database == ":memory:":
        return None
    src = Path(db.database)
    if not src.exists():
        return None
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = backup_dir / f"{src.stem}.schema{version}.{stamp}{src.suffix}"
    # VACUUM INTO gives a consistent copy even with a WAL beside the file.
    try:
        db.execute_sql("VACUUM INTO ?", (str(dest),))
    except peewee.OperationalError:
        shutil.copy2(src, dest)
    log.info("database backed up to %s before migrating from schema %d", dest, version)
    return dest


def migrate(
    db: peewee.Database,
    *,
    backup_dir: Path | None = None,
    migrations: Mapping[int, Step] = MIGRATIONS,
) -> int:
    """Bring `db` to the latest version; return the version it is at."""
    target = latest_version(migrations)
    found = current_version(db)
    if found > target:
        raise SchemaTooNewError(found, target)
    if found == target:
        _ensure_search_index(db)
        return found
    if found == 0 and not db.get_tables():
        # A new, empty database: create everything as it is now.
        with db.atomic():
            create_schema(db)
            SchemaVersion.create(version=target, app_version=__version__)
        return target
    _backup(db, backup_dir, found)
    for number in range(found + 1, target + 1):
        with db.atomic():
            migrations[number](db)
            db.create_tables([SchemaVersion], safe=True)
            SchemaVersion.create(version=number, app_version=__version__)
        log.info("database migrated to schema %d", number)
    return target
