"""A last-resort exception hook: log the error (redacted) and tell the operator, instead of dying.

qasync reports exceptions from slots and tasks through sys.excepthook, so this
catches what would otherwise kill the window silently.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from kapusta_desktop.redact import redact

log = logging.getLogger("kapusta_desktop.crash")

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]
_previous: ExceptHook | None = None
_showing = False


def _show_dialog(text: str, details: str) -> None:
    global _showing
    if _showing or QApplication.instance() is None:
        return  # one dialog at a time; an error while showing it must not stack dialogs
    _showing = True
    box = QMessageBox(QMessageBox.Icon.Critical, "KAPUSTA desktop", text)
    box.setObjectName("crashDialog")
    box.setInformativeText(
        QApplication.translate(
            "Crash", "The error was written to the log. Your saved changes are kept; you can keep working."
        )
    )
    box.setDetailedText(details)
    box.finished.connect(_dialog_closed)
    box.open()
    _last_dialog[:] = [box]


_last_dialog: list[QMessageBox] = []


def _dialog_closed(_result: int) -> None:
    global _showing
    _showing = False
    _last_dialog.clear()


def handle_exception(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        if _previous is not None:
            _previous(exc_type, exc, tb)
        return
    details = redact("".join(traceback.format_exception(exc_type, exc, tb)))
    log.error("unhandled error:\n%s", details)
    message = redact(f"{exc_type.__name__}: {exc}")
    text = QApplication.translate("Crash", "Something went wrong: %1").replace("%1", message)
    try:
        _show_dialog(text, details)
    except Exception:  # never raise out of the hook itself
        log.exception("could not show the crash dialog")


def install_excepthook() -> None:
    global _previous
    if sys.excepthook is not handle_exception:
        _previous = sys.excepthook
        sys.excepthook = handle_exception


def uninstall_excepthook() -> None:
    global _previous
    if sys.excepthook is handle_exception and _previous is not None:
        sys.excepthook = _previous
        _previous = None


def current_dialog() -> QMessageBox | None:
    return _last_dialog[0] if _last_dialog else None
