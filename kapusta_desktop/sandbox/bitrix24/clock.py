"""Portal time: Moscow, ISO 8601 with the offset, whole seconds."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

MSK = timezone(timedelta(hours=3))


def now_iso() -> str:
    return datetime.now(MSK).replace(microsecond=0).isoformat()


def iso(d: datetime) -> str:
    if d.tzinfo is None:
        d = d.replace(tzinfo=MSK)
    return d.astimezone(MSK).replace(microsecond=0).isoformat()
