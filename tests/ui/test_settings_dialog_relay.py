"""A team desk saving settings through the relay: the relay's refusal is shown plainly, nothing is kept here."""

from __future__ import annotations

from typing import Any

import pytest

from kapusta_desktop import secret_store as ss
from kapusta_desktop.integrations.relay.desk_side import RelayRefusedError, UnusableRelay
from kapusta_desktop.secret_store import SecretStore
from kapusta_desktop.services.admin import AdminAccess, ScryptCost
from kapusta_desktop.services.settings import SettingsService
from kapusta_desktop.store.setting_values import get_value
from kapusta_desktop.ui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

FAST = ScryptCost(n=2**10, r=8, p=1)
TOKEN = "123456789:AAUiFakeToken_abcdefghijklmnopqrstu"


class StubRelay:
    def __init__(self, refuse: int | None = None) -> None:
        self.refuse = refuse
        self.sent: list[dict[str, str]] = []

    def put_settings(self, values: dict[str, str]) -> dict[str, str]:
        self.sent.append(values)
        if self.refuse:
            raise RelayRefusedError(self.refuse, "only an admin desk may change settings")
        return {}


def _dialog(qtbot: Any, relay: Any) -> tuple[SettingsDialog, SettingsService]:
    service = SettingsService(SecretStore(), AdminAccess(cost=FAST), relay=relay)
    dialog = SettingsDialog(service, checks={})
    qtbot.addWidget(dialog)
    dialog.password.setText("desk-admin-1")  # first run: sets the password and unlocks
    dialog.unlock_button.click()
    dialog.editors[ss.TELEGRAM_TOKEN].setText(TOKEN)  # type: ignore[union-attr]
    dialog.editors["sync.interval_seconds"].setText("90")  # type: ignore[union-attr]
    return dialog, service


def test_a_non_admin_desk_is_told_and_nothing_is_saved(qtbot: Any, db: object) -> None:
    relay = StubRelay(refuse=403)
    dialog, service = _dialog(qtbot, relay)
    assert not dialog.save()
    assert dialog.status_label.text() == "Nothing saved: the relay lets only an admin desk change settings."
    assert relay.sent == [{ss.TELEGRAM_TOKEN: TOKEN, "sync.interval_seconds": "90"}]
    assert service.get(ss.TELEGRAM_TOKEN) is None and get_value("sync.interval_seconds") is None


def test_an_admin_desk_saves_on_the_relay_not_here(qtbot: Any, db: object) -> None:
    relay = StubRelay()
    dialog, service = _dialog(qtbot, relay)
    assert dialog.save() and dialog.status_label.text() == "Saved."
    assert relay.sent[0][ss.TELEGRAM_TOKEN] == TOKEN
    assert service.get(ss.TELEGRAM_TOKEN) is None  # the token went to the relay only


def test_a_relay_without_a_desk_token_says_why(qtbot: Any, db: object) -> None:
    dialog, service = _dialog(qtbot, UnusableRelay("no desk token: set KAPUSTA_RELAY_TOKEN"))
    assert not dialog.save()
    assert "KAPUSTA_RELAY_TOKEN" in dialog.status_label.text()
    assert service.get(ss.TELEGRAM_TOKEN) is None
