"""Signal.emit() from Python thousands of times must not run True/False down (PySide6 6.12 on Python 3.11)."""

from __future__ import annotations

import sys

from kapusta_desktop.ui import pyside_refcounts


def test_many_emits_leave_the_bools_alive() -> None:
    connected, unconnected = pyside_refcounts._Probe(), pyside_refcounts._Probe()
    connected.ping.connect(lambda: None)
    for _ in range(20_000):  # more than True's and False's own counts: without the fix this aborts the run
        connected.ping.emit()
        unconnected.ping.emit()
    if pyside_refcounts.EMIT_LOSES_REFERENCES:
        assert sys.getrefcount(True) > 1 << 39 and sys.getrefcount(False) > 1 << 39


def test_the_fix_applies_only_where_needed() -> None:
    if sys.version_info >= (3, 12):
        assert not pyside_refcounts.EMIT_LOSES_REFERENCES  # immortal there already
    else:
        assert pyside_refcounts.emit_loses_references() == pyside_refcounts.EMIT_LOSES_REFERENCES
