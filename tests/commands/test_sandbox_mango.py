"""`kapusta-desktop sandbox` also runs the Mango PBX API sandbox with the demo key pair."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time

import httpx

from kapusta_desktop.integrations.mango.demo import DEMO_KEY, DEMO_SALT


def test_sandbox_command_serves_the_mango_api() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "kapusta_desktop", "sandbox", "--companies", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and url is None:
            line = proc.stdout.readline() if proc.stdout else ""
            if not line:
                break
            m = re.match(r"mango api: (\S+) \(key/salt the demo pair\); events to http://127\.0\.0\.1:8765/mango", line)
            url = m.group(1) if m else None
        assert url, proc.stderr.read() if proc.stderr else "no output"
        text = '{"extension":"102"}'
        sign = hashlib.sha256((DEMO_KEY + text + DEMO_SALT).encode()).hexdigest()
        r = httpx.post(url + "config/users/request", data={"vpbx_api_key": DEMO_KEY, "sign": sign, "json": text})
        assert r.status_code == 200
        assert [u["telephony"]["extension"] for u in r.json()["users"]] == ["102"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
