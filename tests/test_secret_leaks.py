"""A whole scenario with known fake secrets, then a search of every profile file and the captured logs."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from kapusta_desktop import secret_store as ss
from kapusta_desktop.logs import setup_logging, shutdown_logging
from kapusta_desktop.paths import Profile
from kapusta_desktop.secret_store import SecretStore
from kapusta_desktop.services.admin import AdminAccess, ScryptCost
from kapusta_desktop.services.settings import SettingsService

FAST = ScryptCost(n=2**10, r=8, p=1)
SECRETS = {
    ss.BITRIX24_WEBHOOK: "https://acme.bitrix24.ru/rest/9/leakTestWebhookCode91/",
    ss.TELEGRAM_TOKEN: "987654321:AALeakTestTelegramToken_0123456789ab",
    ss.MANGO_API_KEY: "leakTestMangoApiKey0123456789",
    ss.MANGO_API_SALT: "leakTestMangoSalt9876543210",
}
NEEDLES = ["leakTestWebhookCode91", "AALeakTestTelegramToken", "leakTestMangoApiKey", "leakTestMangoSalt",
           "leak-admin-pass", "leak-master-pass"]


def _grep_profile(root: Path) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits += [f"{path.name}: {n}" for n in NEEDLES if n.encode() in data]
    return hits


def test_no_secret_reaches_disk_or_logs(
    db: object, temp_profile: Profile, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ss.FILE_PASSWORD_ENV, raising=False)
    keyring.set_keyring(keyring.backends.fail.Keyring())  # a desk without Secret Service
    setup_logging(temp_profile, "DEBUG")
    try:
        caplog.set_level(logging.DEBUG)
        secrets = SecretStore.for_profile(temp_profile)
        admin = AdminAccess(cost=FAST)
        service = SettingsService(secrets, admin)
        admin.set_initial_password("leak-admin-pass")
        secrets.create_file_store("leak-master-pass")
        assert service.apply({k: v for k, v in SECRETS.items()}) == {}
        assert service.apply({"telegram.team_chats": "-100123, @sales_team", "bitrix24.enabled": "on"}) == {}
        # Use them the way careless code would: log them, raise them.
        log = logging.getLogger("kapusta_desktop.leaktest")
        for value in SECRETS.values():
            log.info("calling with %s", value)
            try:
                raise RuntimeError(f"request to {value} failed")
            except RuntimeError:
                log.exception("boom")
        log.warning("admin typed %s", "leak-admin-pass")
        # Wrong passwords are logged too (without the password).
        admin.lock()
        time.sleep(0)
        with pytest.raises(Exception, match="Wrong admin password"):
            admin.unlock("leak-admin-pass-wrong")
        text = "\n".join(service.shown(k).text for k in SECRETS)
        assert "•••• " in text and not any(n in text for n in NEEDLES)
    finally:
        shutdown_logging()
    assert _grep_profile(temp_profile.root) == []
    log_text = (temp_profile.log_file).read_text(encoding="utf-8")
    assert "calling with ***" in log_text
    # caplog sees records before our handlers redact them; what it formats must still be clean
    # for every secret the store handed out (registered with redact).
    from kapusta_desktop.redact import redact

    assert all(n not in redact(caplog.text) for n in NEEDLES)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_headless_sync_leaves_no_webhook_code_in_the_profile(temp_profile: Profile, tmp_path: Path) -> None:
    """`config set --secret` for a running sandbox's webhook, then `sync`, then grep the profile."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAPUSTA_")}
    env.update({"KAPUSTA_ADMIN_PASSWORD": "sync-admin-pass", "KAPUSTA_SECRETS_PASSWORD": "sync-master-pass"})
    base = [sys.executable, "-m", "kapusta_desktop", "--profile", str(temp_profile.root)]
    port = _free_port()
    code = "sandboxWebhookCode4242"
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "kapusta_desktop", "--profile", str(tmp_path / "sandbox-profile"), "sandbox",
         "--port", str(port), "--webhook-code", code, "--companies", "20"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        webhook = f"http://127.0.0.1:{port}/rest/1/{code}/"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)

        def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
            return subprocess.run([*base, *args], input=stdin, capture_output=True, text=True, env=env, timeout=110)

        assert run("config", "set-admin-password").returncode == 0
        assert run("config", "init-file-store", stdin="sync-master-pass\n").returncode == 0
        saved = run("config", "set", "--secret", ss.BITRIX24_WEBHOOK, stdin=webhook + "\n")
        assert saved.returncode == 0, saved.stderr
        synced = run("sync")
        assert code not in synced.stdout + synced.stderr
        assert synced.returncode == 0, synced.stderr[-2000:]
        hits = [p.name for p in temp_profile.root.rglob("*") if p.is_file() and code.encode() in p.read_bytes()]
        assert hits == []
    finally:
        sandbox.terminate()
        sandbox.communicate(timeout=10)
