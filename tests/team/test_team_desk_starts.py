"""A team desk opens on the shared database even before the team's portal is connected: the demo never stands in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_team_desk_without_a_portal_opens_the_shared_cache_not_the_demo(pg_url: str, tmp_path: Path) -> None:
    profile = tmp_path / "team-desk"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KAPUSTA_EXIT_AFTER_MS="1500", PYTHONPATH=str(ROOT),
               KAPUSTA_DATABASE_URL=pg_url)
    env.pop("KAPUSTA_PROFILE_DIR", None)
    done = subprocess.run([sys.executable, "-m", "kapusta_desktop", "--profile", str(profile)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=90)
    log_text = (profile / "logs" / "kapusta.log").read_text(encoding="utf-8")
    assert done.returncode == 0, f"exit {done.returncode}\nstderr:\n{done.stderr[-3000:]}\nlog:\n{log_text[-3000:]}"
    assert "main window shown" in log_text
    assert "team mode: no Bitrix24 portal is configured for the team yet" in log_text
    assert "opening the demo" not in log_text and not (profile / "demo").exists()
    assert "Traceback" not in log_text and "Traceback" not in done.stderr
