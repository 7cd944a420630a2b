"""`kapusta-desktop sandbox` starts the Bitrix24 sandbox and prints a working webhook URL."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import httpx


def test_sandbox_command_prints_a_webhook_that_answers() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "kapusta_desktop", "sandbox", "--companies", "5"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and url is None:
            line = proc.stdout.readline() if proc.stdout else ""
            if not line:
                break
            m = re.match(r"bitrix24 webhook: (\S+)", line)
            url = m.group(1) if m else None
        assert url, proc.stderr.read() if proc.stderr else "no output"
        r = httpx.post(url + "user.current.json", json={})
        assert r.status_code == 200 and r.json()["result"]["ID"] == "1"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()


def test_bad_fault_spec_is_a_clear_error() -> None:
    out = subprocess.run([sys.executable, "-m", "kapusta_desktop", "sandbox", "--faults", "nonsense=1"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "unknown fault settings: nonsense" in out.stdout
