"""Read and write rows of the Setting table (non-secret values only, JSON)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kapusta_desktop.store.models import Setting


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def get_value(key: str, default: Any = None) -> Any:
    row = Setting.get_or_none(Setting.key == key)
    return default if row is None or row.value is None else row.value


def set_value(key: str, value: Any) -> None:
    """Insert or replace one setting (atomic upsert on the unique key)."""
    (
        Setting.insert(key=key, value=value, updated_at=_now())
        .on_conflict(conflict_target=[Setting.key], update={Setting.value: value, Setting.updated_at: _now()})
        .execute()
    )


def delete_value(key: str) -> None:
    Setting.delete().where(Setting.key == key).execute()


def all_values(prefix: str = "") -> dict[str, Any]:
    query = Setting.select()
    if prefix:
        query = query.where(Setting.key.startswith(prefix))
    return {row.key: row.value for row in query}
