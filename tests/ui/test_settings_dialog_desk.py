"""The settings dialog on a team desk: this desk's own extensions, and token fields the relay holds."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import qasync
from PySide6.QtWidgets import QLineEdit

from kapusta_desktop import secret_store as ss
from kapusta_desktop.paths import Profile
from kapusta_desktop.secret_store import SecretStore
from kapusta_desktop.services.admin import AdminAccess, ScryptCost
from kapusta_desktop.services.connection_checks import ForwardingOff, RelayDesk, ThroughRelay
from kapusta_desktop.services.desk_settings import DESK_EXTENSIONS, DESK_EXTENSIONS_ENV, DeskSettings
from kapusta_desktop.services.settings import SettingsService
from kapusta_desktop.store.setting_values import get_value
from kapusta_desktop.ui.settings_dialog import RELAY_HELD, RELAY_HELD_REPLACE, SettingsDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

FAST = ScryptCost(n=2**10, r=8, p=1)


def _dialog(qtbot: Any, *, desk: DeskSettings | None = None, relay: Any = None,
            checks: dict[str, Any] | None = None) -> SettingsDialog:
    service = SettingsService(SecretStore(), AdminAccess(cost=FAST), relay=relay, desk=desk)
    dialog = SettingsDialog(service, checks=checks or {})
    qtbot.addWidget(dialog)
    dialog.password.setText("desk-admin-1")  # first run: sets the password and unlocks
    dialog.unlock_button.click()
    return dialog


def _edit(dialog: SettingsDialog, key: str) -> QLineEdit:
    editor = dialog.editors[key]
    assert isinstance(editor, QLineEdit)
    return editor


def test_a_team_desk_sets_its_own_extensions_in_its_profile(
    qtbot: Any, db: object, temp_profile: Profile
) -> None:
    desk = DeskSettings.in_profile(temp_profile.root)
    dialog = _dialog(qtbot, desk=desk)
    own = _edit(dialog, DESK_EXTENSIONS)
    assert not own.isReadOnly() and own.text() == ""
    assert "Kept on this computer only" in dialog.desk_extensions_note.text()

    own.setText("102, 10x")
    assert not dialog.save()
    assert "10x" in dialog.errors[DESK_EXTENSIONS].text() and desk.extensions() == []

    own.setText("102 105")
    _edit(dialog, "mango.desk_extensions").setText("101")  # the team's list, shared
    assert dialog.save() and dialog.status_label.text() == "Saved."
    assert desk.extensions() == ["102", "105"] and get_value("mango.desk_extensions") == ["101"]
    assert own.text() == "102, 105"  # reloaded as saved
    dialog.unlock_button.click()  # lock: read-only like every other setting
    assert own.isReadOnly()


def test_the_environment_override_is_said_next_to_the_field(
    qtbot: Any, db: object, temp_profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DESK_EXTENSIONS_ENV, "103")
    dialog = _dialog(qtbot, desk=DeskSettings.in_profile(temp_profile.root))
    note = dialog.desk_extensions_note.text()
    assert note == "KAPUSTA_DESK_EXTENSIONS=103 in this desk's environment overrides this list."


def test_a_solo_desk_has_only_the_shared_field(qtbot: Any, db: object) -> None:
    dialog = _dialog(qtbot)
    assert DESK_EXTENSIONS not in dialog.editors
    _edit(dialog, "mango.desk_extensions").setText("102")
    assert dialog.save() and get_value("mango.desk_extensions") == ["102"]


class QuietRelay:
    url = "https://relay.example.com/kapusta"

    def __init__(self) -> None:
        self.sent: list[dict[str, str]] = []

    def put_settings(self, values: dict[str, str]) -> dict[str, str]:
        self.sent.append(values)
        return {}


def _desk(admin: bool) -> RelayDesk:
    return RelayDesk("boss" if admin else "desk-102", admin, {"bitrix24": True, "telegram": False, "mango": True})


def test_relay_mode_token_fields_are_held_by_the_relay_until_it_says_this_is_an_admin_desk(
    qtbot: Any, db: object, qloop: qasync.QEventLoop
) -> None:
    answers = {"who": _desk(admin=False)}

    async def whoami(_values: dict[str, Any]) -> RelayDesk:
        return answers["who"]

    relay = QuietRelay()
    dialog = _dialog(qtbot, relay=relay, checks={"relay": whoami})
    assert relay.url in dialog.relay_note.text()
    for key in (ss.BITRIX24_WEBHOOK, ss.TELEGRAM_TOKEN, ss.MANGO_API_KEY, ss.BITRIX24_CLIENT_SECRET):
        assert not _edit(dialog, key).isEnabled() and _edit(dialog, key).placeholderText() == RELAY_HELD

    def test_relay() -> None:
        dialog.start_check("relay")
        qloop.run_until_complete(asyncio.wait_for(dialog._tasks["relay"], 5))

    test_relay()
    assert dialog.results["relay"].text() == (
        "Relay OK: desk “desk-102”, admin desk: no; forwarding: Bitrix24, Mango Office"
    )
    assert not _edit(dialog, ss.TELEGRAM_TOKEN).isEnabled()
    assert "Only an admin desk" in _edit(dialog, ss.TELEGRAM_TOKEN).toolTip()

    answers["who"] = _desk(admin=True)
    test_relay()
    for key in (ss.BITRIX24_WEBHOOK, ss.TELEGRAM_TOKEN):
        assert _edit(dialog, key).isEnabled() and _edit(dialog, key).placeholderText() == RELAY_HELD_REPLACE
    for key in (ss.MANGO_API_KEY, ss.MANGO_API_SALT, ss.BITRIX24_CLIENT_SECRET):
        assert not _edit(dialog, key).isEnabled()
        assert "relay's host" in _edit(dialog, key).toolTip()
    token = "123456789:AAUiFakeToken_abcdefghijklmnopqrstu"
    _edit(dialog, ss.TELEGRAM_TOKEN).setText(token)
    assert dialog.save()
    assert relay.sent == [{ss.TELEGRAM_TOKEN: token}] and SecretStore().get(ss.TELEGRAM_TOKEN) is None


def test_relay_mode_check_results_read_plainly(qtbot: Any, db: object, qloop: qasync.QEventLoop) -> None:
    async def through(_values: dict[str, Any]) -> ThroughRelay:
        return ThroughRelay(_desk(admin=False), "@kapusta_bot (KAPUSTA)")

    async def off(_values: dict[str, Any]) -> ThroughRelay:
        raise ForwardingOff("mango")

    dialog = _dialog(qtbot, relay=QuietRelay(), checks={"telegram": through, "mango": off})
    for name in ("telegram", "mango"):
        dialog.start_check(name)
        qloop.run_until_complete(asyncio.wait_for(dialog._tasks[name], 5))
    assert dialog.results["telegram"].text() == "Through the relay: OK. @kapusta_bot (KAPUSTA)"
    assert dialog.results["mango"].text() == (
        "Through the relay: Mango Office forwarding is not configured on the relay."
    )
