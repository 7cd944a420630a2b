"""`kapusta-desktop sync` as a user runs it: a subprocess on a temporary profile."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, stdin: str = "", profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kapusta_desktop", "--profile", str(profile), *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=90,
    )


def test_demo_sync_pulls_and_reports(tmp_path: Path) -> None:
    done = _run("--demo", "sync", "--demo-size", "4", profile=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "mode: full" in done.stdout and "pulled: company 4, contact 12, deal 24" in done.stdout
    assert "deal     [" in done.stderr  # the progress bar
    assert "/rest/" not in done.stdout + done.stderr  # never the webhook URL


def test_missing_webhook_is_a_configuration_error(tmp_path: Path) -> None:
    done = _run("sync", profile=tmp_path)
    assert done.returncode == 2 and "no Bitrix24 webhook saved" in done.stderr


def test_unreachable_portal_fails_without_showing_the_webhook(tmp_path: Path) -> None:
    secret = "http://127.0.0.1:9/rest/1/s3cretc0de99/"  # port 9 (discard): nothing listens
    done = _run("sync", "--webhook-from-stdin", "--retries", "0", stdin=secret + "\n", profile=tmp_path)
    assert done.returncode == 1 and "failed:" in done.stdout
    assert "s3cretc0de99" not in done.stdout + done.stderr
    log = (tmp_path / "logs" / "kapusta.log").read_text(encoding="utf-8")
    assert "s3cretc0de99" not in log
