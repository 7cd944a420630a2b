"""Field types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import peewee


class JSONField(peewee.TextField):
    """JSON kept as text: portable, and readable in a database browser."""

    def db_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)

    def python_value(self, value: Any) -> Any:
        if value is None:
            return None
        return json.loads(value)
