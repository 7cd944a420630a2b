"""`kapusta-desktop sandbox` also runs the Mango PBX API sandbox with the demo key pair."""

from __future__ import annotations

import hashlib
import re

import httpx

from kapusta_desktop.integrations.mango.demo import DEMO_KEY, DEMO_SALT


def test_sandbox_command_serves_the_mango_api(sandbox_command: dict[str, str]) -> None:
    line = sandbox_command["mango api:"]
    m = re.match(r"mango api: (\S+) \(key/salt the demo pair\); events to http://127\.0\.0\.1:8765/mango", line)
    assert m, line
    text = '{"extension":"102"}'
    sign = hashlib.sha256((DEMO_KEY + text + DEMO_SALT).encode()).hexdigest()
    r = httpx.post(m.group(1) + "config/users/request", data={"vpbx_api_key": DEMO_KEY, "sign": sign, "json": text})
    assert r.status_code == 200
    assert [u["telephony"]["extension"] for u in r.json()["users"]] == ["102"]
