"""Russian by default for Russian locales, --lang overrides; the crash hook logs redacted and shows a dialog."""

from __future__ import annotations

import logging
import sys

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication

from kapusta_desktop.ui import crash
from kapusta_desktop.ui.i18n import choose_language

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_language_choice() -> None:
    assert choose_language(None, QLocale(QLocale.Language.Russian, QLocale.Country.Russia)) == "ru"
    assert choose_language(None, QLocale(QLocale.Language.German)) == "en"
    assert choose_language(None, QLocale.c()) == "ru"  # a system naming no language (LANG=C): Russian
    assert choose_language("en", QLocale(QLocale.Language.Russian)) == "en"
    with pytest.raises(ValueError):
        choose_language("fr")


def test_russian_catalogue_loads_and_translates(russian: QApplication) -> None:
    assert QCoreApplication.translate("MainWindow", "Deals") == "Сделки"
    assert QCoreApplication.translate("SyncState", "Pending") == "Ожидает отправки"
    assert QCoreApplication.translate("Validation", "Enter a title.") == "Введите название."


def test_the_catalogue_is_gone_after_a_russian_test() -> None:  # the fixture's clean-up, for the tests after it
    assert QCoreApplication.translate("MainWindow", "Deals") == "Deals"


def test_crash_hook_logs_redacted_and_shows_a_dialog(qtbot, caplog: pytest.LogCaptureFixture) -> None:
    crash.install_excepthook()
    try:
        assert sys.excepthook is crash.handle_exception
        try:
            raise RuntimeError("push failed for https://x.bitrix24.ru/rest/1/abcdef123456/crm.deal.add")
        except RuntimeError as exc:
            with caplog.at_level(logging.ERROR, logger="kapusta_desktop.crash"):
                sys.excepthook(type(exc), exc, exc.__traceback__)
        dialog = crash.current_dialog()
        assert dialog is not None and dialog.isVisible()
        assert "abcdef123456" not in dialog.text() and "abcdef123456" not in dialog.detailedText()
        assert "RuntimeError" in dialog.text()
        assert "abcdef123456" not in caplog.text and "RuntimeError" in caplog.text
        dialog.close()
        qtbot.waitUntil(lambda: crash.current_dialog() is None)
    finally:
        crash.uninstall_excepthook()
    assert sys.excepthook is not crash.handle_exception
