"""A team desk's own extensions: kept in its profile, validated like the shared field, the environment still wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from kapusta_desktop.paths import Profile
from kapusta_desktop.secret_store import SecretStore
from kapusta_desktop.services.admin import AdminAccess, AdminError, ScryptCost
from kapusta_desktop.services.desk_settings import DESK_EXTENSIONS, DESK_EXTENSIONS_ENV, DeskSettings
from kapusta_desktop.services.settings import RelaySettingsError, SettingsService
from kapusta_desktop.services.team_feed import desk_extensions_source
from kapusta_desktop.store.setting_values import get_value, set_value

FAST = ScryptCost(n=2**10, r=8, p=1)


def _service(desk: DeskSettings | None, relay: object = None) -> SettingsService:
    admin = AdminAccess(cost=FAST)
    admin.set_initial_password("desk-admin-1")  # sets and unlocks
    return SettingsService(SecretStore(), admin, relay=relay, desk=desk)


def test_the_file_round_trips_and_a_change_is_seen_by_another_reader(temp_profile: Profile) -> None:
    writer = DeskSettings.in_profile(temp_profile.root)
    reader = DeskSettings.in_profile(temp_profile.root)
    assert reader.extensions() == []
    writer.set_extensions(["102", "105"])
    assert reader.extensions() == ["102", "105"]
    writer.set_extensions(["7"])  # a different size: seen even within one mtime tick
    assert reader.extensions() == ["7"]
    assert writer.path == temp_profile.root / "desk.json"


def test_a_broken_file_means_no_own_extensions(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "desk.json"
    path.write_text("{not json", encoding="utf-8")
    assert DeskSettings(path).extensions() == []
    path.write_text('{"extensions": ["10x"]}', encoding="utf-8")
    assert DeskSettings(path).extensions() == []
    assert "ignored" in caplog.text


def test_apply_saves_this_desks_list_in_the_profile_not_the_database(db: object, temp_profile: Profile) -> None:
    desk = DeskSettings.in_profile(temp_profile.root)
    service = _service(desk)
    assert service.apply({DESK_EXTENSIONS: "102; 105, 102", "sync.interval_seconds": "60"}) == {}
    assert desk.extensions() == ["102", "105"] and service.desk_extensions() == ["102", "105"]
    assert get_value("sync.interval_seconds") == 60
    assert get_value(DESK_EXTENSIONS) is None and get_value("mango.desk_extensions") is None

    errors = service.apply({DESK_EXTENSIONS: "10x", "sync.interval_seconds": "90"})
    assert "not valid: 10x" in errors[DESK_EXTENSIONS]
    assert desk.extensions() == ["102", "105"] and get_value("sync.interval_seconds") == 60  # all or nothing

    service.admin.lock()
    with pytest.raises(AdminError):
        service.apply({DESK_EXTENSIONS: "103"})
    assert desk.extensions() == ["102", "105"]


def test_a_solo_desk_has_no_own_list(db: object) -> None:
    errors = _service(None).apply({DESK_EXTENSIONS: "102"})
    assert "only a team desk" in errors[DESK_EXTENSIONS]


class RefusingRelay:
    def __init__(self) -> None:
        self.sent: list[dict[str, str]] = []

    def put_settings(self, values: dict[str, str]) -> dict[str, str]:
        from kapusta_desktop.integrations.relay.desk_side import RelayRefusedError

        self.sent.append(values)
        raise RelayRefusedError(403, "only an admin desk may change settings")


def test_through_the_relay_the_own_list_stays_here_and_waits_for_the_team_change(
    db: object, temp_profile: Profile
) -> None:
    desk = DeskSettings.in_profile(temp_profile.root)
    relay = RefusingRelay()
    service = _service(desk, relay)
    assert service.apply({DESK_EXTENSIONS: "102"}) == {}  # this desk's own: the relay is not asked
    assert relay.sent == [] and desk.extensions() == ["102"]
    with pytest.raises(RelaySettingsError):
        service.apply({DESK_EXTENSIONS: "103", "sync.interval_seconds": "60"})
    assert relay.sent == [{"sync.interval_seconds": "60"}]  # the desk's key never goes to the relay
    assert desk.extensions() == ["102"]  # refused: nothing saved here either


def test_the_call_desk_source_env_then_own_list_then_team_list(
    db: object, temp_profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = DeskSettings.in_profile(temp_profile.root)
    assert desk_extensions_source(None) is None  # a solo desk: CallDesk reads the setting itself
    source = desk_extensions_source(desk)
    assert source is not None and source() == []
    set_value("mango.desk_extensions", ["101"])
    assert source() == ["101"]  # no own list yet: the team's
    desk.set_extensions(["102"])
    assert source() == ["102"]  # saved in the dialog: applies at once, no restart
    monkeypatch.setenv(DESK_EXTENSIONS_ENV, "103")
    env_source = desk_extensions_source(desk)
    assert env_source is not None and env_source() == ["103"]
    assert _service(desk).desk_extensions_override() == "103"
