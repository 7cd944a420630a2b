"""`config set desk.extensions` on a team desk keeps the list in this desk's profile, not the shared database."""

from __future__ import annotations

import json

from kapusta_desktop.paths import Profile
from tests.commands.test_config_cli import ADMIN, _cli


def test_a_team_desk_sets_its_own_extensions_from_the_command_line(pg_url: str, temp_profile: Profile) -> None:
    team = {"KAPUSTA_DATABASE_URL": pg_url}
    assert _cli(temp_profile, "set-admin-password", stdin=ADMIN + "\n", env=team).returncode == 0
    bad = _cli(temp_profile, "set", "desk.extensions", "10a", env=team)
    assert bad.returncode == 1 and "desk.extensions" in bad.stderr
    done = _cli(temp_profile, "set", "desk.extensions", "103, 105", env={**team, "KAPUSTA_ADMIN_PASSWORD": ADMIN})
    assert done.returncode == 0, done.stderr
    assert json.loads((temp_profile.root / "desk.json").read_text(encoding="utf-8"))["extensions"] == ["103", "105"]


def test_a_lone_desk_is_told_to_use_the_shared_setting(temp_profile: Profile) -> None:
    refused = _cli(temp_profile, "set", "desk.extensions", "103")
    assert refused.returncode == 1 and "mango.desk_extensions" in refused.stderr
    assert not (temp_profile.root / "desk.json").exists()
