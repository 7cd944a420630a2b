"""The settings dialog: read-only until unlocked, secrets masked, validation next to fields, async tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import keyring
import keyring.backends.fail
import pytest
import qasync
from PySide6.QtWidgets import QLineEdit, QMessageBox

from kapusta_desktop import secret_store as ss
from kapusta_desktop.secret_store import SecretStore
from kapusta_desktop.services.admin import AdminAccess, ScryptCost
from kapusta_desktop.services.connection_checks import Bitrix24Check
from kapusta_desktop.services.settings import SettingsService
from kapusta_desktop.store.models import UserManager
from kapusta_desktop.ui.settings_dialog import SAVED_PLACEHOLDER, SettingsDialog
from tests.waiting import until

# The offscreen platform cannot size top-level windows; harmless here.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

FAST = ScryptCost(n=2**10, r=8, p=1)
TOKEN = "123456789:AAUiFakeToken_abcdefghijklmnopqrstu"


@pytest.fixture
def service(db: object) -> SettingsService:
    return SettingsService(SecretStore(), AdminAccess(cost=FAST))


def _run(loop: qasync.QEventLoop, body: Callable[[], Coroutine[Any, Any, None]]) -> None:
    loop.run_until_complete(asyncio.wait_for(body(), 10))


def _unlock(loop: qasync.QEventLoop, dialog: SettingsDialog, password: str) -> None:
    async def body() -> None:
        dialog.password.setText(password)
        dialog.unlock_button.click()
        await until(lambda: "unlock" not in dialog._tasks)

    _run(loop, body)


def test_read_only_until_unlocked(qtbot: Any, service: SettingsService) -> None:
    dialog = SettingsDialog(service, checks={})
    qtbot.addWidget(dialog)
    token = dialog.editors[ss.TELEGRAM_TOKEN]
    assert isinstance(token, QLineEdit)
    assert "First run" in dialog.access_label.text()
    assert token.isReadOnly() and not dialog.save_button.isEnabled()

    dialog.password.setText("desk-admin-1")  # first run sets the password and unlocks
    dialog.unlock_button.click()
    assert not token.isReadOnly() and dialog.save_button.isEnabled()
    dialog.unlock_button.click()  # lock
    assert token.isReadOnly() and "Read-only" in dialog.access_label.text()
    # Even if a widget were edited while locked, saving is refused by the service.
    token.setText(TOKEN)
    assert not dialog.save()
    assert "Only an admin" in dialog.status_label.text()
    assert service.get(ss.TELEGRAM_TOKEN) is None


def test_wrong_password_then_save_with_field_messages(
    qtbot: Any, qloop: qasync.QEventLoop, service: SettingsService, monkeypatch: pytest.MonkeyPatch
) -> None:
    service.admin.set_initial_password("desk-admin-1")
    service.admin.lock()
    dialog = SettingsDialog(service, checks={})
    qtbot.addWidget(dialog)
    _unlock(qloop, dialog, "wrong-password")
    assert "Wrong admin password" in dialog.access_message.text() and not dialog.unlocked
    monkeypatch.setattr(service.admin, "retry_after", lambda: 0.0)
    _unlock(qloop, dialog, "desk-admin-1")
    assert dialog.unlocked

    dialog.editors[ss.TELEGRAM_TOKEN].setText("12345:nope")
    dialog.editors["mango.listener_port"].setText("0")
    dialog.editors["sync.interval_seconds"].setText("90")
    assert not dialog.save()
    assert "not a bot token" in dialog.errors[ss.TELEGRAM_TOKEN].text()
    assert "between 1 and 65535" in dialog.errors["mango.listener_port"].text()
    assert service.sync_interval() == 30  # all or nothing

    dialog.editors[ss.TELEGRAM_TOKEN].setText(TOKEN)
    dialog.editors["mango.listener_port"].setText(str(service.get("mango.listener_port")))
    assert dialog.save(), dialog.status_label.text()
    assert service.get(ss.TELEGRAM_TOKEN) == TOKEN and service.sync_interval() == 90
    token = dialog.editors[ss.TELEGRAM_TOKEN]
    assert token.text() == "" and token.placeholderText() == SAVED_PLACEHOLDER  # never shown again


def test_forget_all_secrets_asks_first(qtbot: Any, service: SettingsService) -> None:
    service.admin.set_initial_password("desk-admin-1")
    service.secrets.set(ss.TELEGRAM_TOKEN, TOKEN)
    dialog = SettingsDialog(service, checks={})
    qtbot.addWidget(dialog)
    dialog.forget_button.click()
    box = dialog._forget_box
    assert box.isVisible()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert service.get(ss.TELEGRAM_TOKEN) == TOKEN
    dialog.forget_button.click()
    dialog._forget_box.button(QMessageBox.StandardButton.Yes).click()
    assert service.get(ss.TELEGRAM_TOKEN) is None
    assert "forgotten" in dialog.status_label.text()


def test_banner_when_no_secure_keyring(qtbot: Any, service: SettingsService) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    dialog = SettingsDialog(service, checks={})
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.banner.isVisible() and "No secure system keyring" in dialog.banner.text()
    assert dialog.create_store_button.isVisible() and not dialog.create_store_button.isEnabled()


def test_test_buttons_run_async_and_a_new_click_cancels_the_old(
    qtbot: Any, qloop: qasync.QEventLoop, service: SettingsService
) -> None:
    service.admin.set_initial_password("desk-admin-1")
    calls: list[str] = []
    gate = asyncio.Event()

    async def slow_b24(values: dict[str, Any]) -> Bitrix24Check:
        calls.append(values["bitrix24.webhook_url"] or "")
        if len(calls) == 1:
            await gate.wait()  # the first check hangs: the second click must replace it
        return Bitrix24Check("Ivan Petrov", "7", True, ("crm", "user"), ("task", "telephony"))

    dialog = SettingsDialog(service, checks={"bitrix24": slow_b24})
    qtbot.addWidget(dialog)
    dialog.editors[ss.BITRIX24_WEBHOOK].setText("https://acme.bitrix24.ru/rest/7/abcdef123456/")
    first: list[asyncio.Task[None]] = []

    async def body() -> None:
        dialog.start_check("bitrix24")
        first.append(dialog._tasks["bitrix24"])
        await asyncio.sleep(0.05)
        dialog.start_check("bitrix24")
        await until(lambda: "Acts as" in dialog.results["bitrix24"].text())

    _run(qloop, body)
    assert first[0].cancelled() and len(calls) == 2
    text = dialog.results["bitrix24"].text()
    assert "Ivan Petrov" in text and "portal admin: yes" in text and "task, telephony" in text
    assert service.get(ss.BITRIX24_WEBHOOK) is None  # testing does not save


def test_match_managers_by_email_and_extension(
    qtbot: Any, qloop: qasync.QEventLoop, service: SettingsService
) -> None:
    service.admin.set_initial_password("desk-admin-1")

    async def b24_users(values: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {"ID": "1", "NAME": "Анна", "LAST_NAME": "Иванова", "EMAIL": "Anna@Acme.ru", "UF_PHONE_INNER": ""},
            {"ID": "2", "NAME": "Олег", "LAST_NAME": "Смирнов", "EMAIL": "oleg@acme.ru", "UF_PHONE_INNER": "102"},
        ]

    class Pbx:
        def __init__(self, name: str, email: str | None, extension: str) -> None:
            self.name, self.email, self.extension, self.mobile = name, email, extension, None

    async def pbx_users(values: dict[str, Any]) -> list[Pbx]:
        return [Pbx("Анна", "anna@acme.ru", "101"), Pbx("Олег", None, "102"), Pbx("Склад", None, "300")]

    dialog = SettingsDialog(service, checks={"bitrix24_users": b24_users, "mango": pbx_users})
    qtbot.addWidget(dialog)
    async def body() -> None:
        dialog.match_button.click()
        await until(lambda: "Created" in dialog.results["match_managers"].text())

    _run(qloop, body)
    rows = {m.b24_user_id: m.mango_extension for m in UserManager.select()}
    assert rows == {1: "101", 2: "102"}
    assert "Склад (300)" in dialog.results["match_managers"].text()
    assert dialog.manager_table.rowCount() == 2


def test_choices_read_in_the_operator_s_language_and_save_the_setting_s_own_value(
    qtbot: Any, service: SettingsService, russian: Any
) -> None:
    from PySide6.QtWidgets import QComboBox

    dialog = SettingsDialog(service, checks={})
    qtbot.addWidget(dialog)
    enabled, mode = dialog.editors["mango.enabled"], dialog.editors["bitrix24.auth_mode"]
    assert isinstance(enabled, QComboBox) and isinstance(mode, QComboBox)
    assert [enabled.itemText(i) for i in range(enabled.count())] == ["нет", "да"]
    assert mode.currentText() == "входящий вебхук"
    enabled.setCurrentIndex(enabled.findData("on"))
    texts = dialog.edited_texts()
    assert texts["mango.enabled"] == "on" and "bitrix24.auth_mode" not in texts  # only what was changed
