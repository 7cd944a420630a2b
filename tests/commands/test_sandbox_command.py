"""`kapusta-desktop sandbox` starts the Bitrix24 sandbox and prints a working webhook URL."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx


def test_sandbox_command_prints_a_webhook_that_answers(sandbox_command: dict[str, str]) -> None:
    m = re.match(r"bitrix24 webhook: (\S+)", sandbox_command["bitrix24 webhook:"])
    assert m, sandbox_command
    r = httpx.post(m.group(1) + "user.current.json", json={})
    assert r.status_code == 200 and r.json()["result"]["ID"] == "1"


def test_bad_fault_spec_is_a_clear_error() -> None:
    out = subprocess.run([sys.executable, "-m", "kapusta_desktop", "sandbox", "--faults", "nonsense=1"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "unknown fault settings: nonsense" in out.stdout
