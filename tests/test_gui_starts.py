"""`make run` opens a main window: start the real program offscreen and let it quit on its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_console_opens_its_main_window_and_exits_cleanly(tmp_path: Path) -> None:
    profile = tmp_path / "gui-profile"
    env = dict(os.environ)
    env.update(
        {
            "QT_QPA_PLATFORM": "offscreen",
            "KAPUSTA_EXIT_AFTER_MS": "1500",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.pop("KAPUSTA_PROFILE_DIR", None)
    env.pop("KAPUSTA_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "kapusta_desktop", "--profile", str(profile)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    log_text = (profile / "logs" / "kapusta.log").read_text(encoding="utf-8")
    assert done.returncode == 0, f"exit {done.returncode}\nstderr:\n{done.stderr[-3000:]}\nlog:\n{log_text[-3000:]}"
    assert "main window shown" in log_text
    # No portal is configured on a fresh profile, so `make run` opens the demo in its own sub-profile.
    assert "no Bitrix24 portal is configured on this profile yet: opening the demo" in log_text
    assert (profile / "demo" / "kapusta.sqlite3").exists()
    assert "Traceback" not in log_text and "Traceback" not in done.stderr
    assert (profile / "kapusta.sqlite3").exists()
