"""Keep True, False and None alive under PySide6 6.12 on Python 3.11.

PySide6 6.12.0 gives some results back to Python one reference short:
`Signal.emit()` takes a reference from True or False on every call, and an
empty QVariant handed to Python (e.g. `QModelIndex.data()` of an unset role)
one from None. On Python 3.12+ these objects are immortal and nothing happens;
on 3.11 their count runs down until "Fatal Python error: bool_dealloc" (or
none_dealloc), at exit or mid-session. Importing this module checks for the
bug and, if present, gives each of the three a reference count no session can
exhaust, which is what Python 3.12 does for them anyway.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

_PLENTY = 1 << 40


class _Probe(QObject):
    ping = Signal()


def emit_loses_references() -> bool:
    """True when this PySide's Signal.emit() hands back its bool a reference short."""
    probe = _Probe()
    probe.ping.connect(lambda: None)
    before = sys.getrefcount(True)
    results = [probe.ping.emit() for _ in range(4)]
    return sys.getrefcount(True) < before + len(results)  # each kept result should hold one more


def immortalise_singletons() -> None:
    for singleton in (True, False, None):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _PLENTY


EMIT_LOSES_REFERENCES = sys.version_info < (3, 12) and emit_loses_references()
if EMIT_LOSES_REFERENCES:
    immortalise_singletons()
