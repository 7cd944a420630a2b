"""Times stored as naive UTC are shown in the computer's local time (Moscow here: UTC+3)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest

from kapusta_desktop.ui.local_time import to_local
from kapusta_desktop.ui.record_model import format_datetime


@pytest.fixture
def moscow(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Europe/Moscow")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_naive_utc_and_aware_times_read_as_moscow_wall_time(moscow: None) -> None:
    assert to_local(dt.datetime(2026, 12, 4, 9, 30)) == dt.datetime(2026, 12, 4, 12, 30)
    aware = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=5)))  # Yekaterinburg
    assert to_local(aware) == dt.datetime(2026, 12, 4, 7, 30)
    assert format_datetime(dt.datetime(2026, 12, 31, 22, 15)) == "01.01.2027 01:15"
