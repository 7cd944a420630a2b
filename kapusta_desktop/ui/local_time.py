"""The cache keeps naive UTC; the operator reads the computer's local time."""

from __future__ import annotations

import datetime as dt


def to_local(value: dt.datetime) -> dt.datetime:
    """`value` (naive UTC as stored, or aware) as naive local wall time."""
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone().replace(tzinfo=None)
