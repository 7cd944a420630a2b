"""`kapusta-desktop config` in a real subprocess: secrets only through stdin, same rules as the dialog."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kapusta_desktop.paths import Profile

WEBHOOK_CODE = "zq8CliFakeCode2718"
WEBHOOK = f"https://acme.bitrix24.ru/rest/7/{WEBHOOK_CODE}/"
ADMIN = "cli-admin-pass-1"
MASTER = "cli-master-pass-1"


def _cli(
    profile: Profile, *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KAPUSTA_")}
    full_env.update(env or {})
    argv = [sys.executable, "-m", "kapusta_desktop", "--profile", str(profile.root), "config", *args]
    assert all(WEBHOOK_CODE not in a and ADMIN not in a and MASTER not in a for a in argv)
    return subprocess.run(argv, input=stdin, capture_output=True, text=True, env=full_env, timeout=90)


def _admin_failures(profile: Profile, replace: dict[str, float] | None = None) -> dict[str, float]:
    """Read (or overwrite) the stored wrong-password backoff straight from the profile's cache."""
    from kapusta_desktop.services.admin import FAILURES_KEY
    from kapusta_desktop.store.db import close_db, init_db
    from kapusta_desktop.store.setting_values import get_value, set_value

    init_db(profile.db_path)
    try:
        if replace is not None:
            set_value(FAILURES_KEY, replace)
        return dict(get_value(FAILURES_KEY) or {})
    finally:
        close_db()


def _all_profile_text(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def test_provisioning_from_a_script(temp_profile: Profile) -> None:
    show = _cli(temp_profile, "show")
    assert show.returncode == 0, show.stderr
    assert "No secure system keyring" in show.stdout  # a subprocess has no system keyring here
    assert "admin password: NOT SET" in show.stdout

    # Changes are refused before there is an admin password, and with a wrong one.
    refused = _cli(temp_profile, "set", "sync.interval_seconds", "40", stdin="x\n")
    assert refused.returncode == 3 and "No admin password" in refused.stderr
    assert _cli(temp_profile, "set-admin-password", stdin=ADMIN + "\n").returncode == 0
    before_wrong = time.time()
    wrong = _cli(temp_profile, "set", "sync.interval_seconds", "40", stdin="not-the-password\n")
    assert wrong.returncode == 3 and "Wrong admin password" in wrong.stderr
    # The backoff is stored in the profile, so it survives the process. Read it rather than race a
    # 2 s window against subprocess start-up, then stretch it so the next process must meet it.
    failures = _admin_failures(temp_profile)
    assert failures["count"] == 1 and failures["until"] >= before_wrong + 2.0
    _admin_failures(temp_profile, {"count": 1, "until": time.time() + 120})
    soon = _cli(temp_profile, "set", "sync.interval_seconds", "40", env={"KAPUSTA_ADMIN_PASSWORD": ADMIN})
    assert soon.returncode == 3 and "try again in" in soon.stderr
    _admin_failures(temp_profile, {"count": 1, "until": 0.0})

    # Validation before any password; secrets never on the command line.
    bad = _cli(temp_profile, "set", "mango.listener_port", "99999")
    assert bad.returncode == 1 and "between 1 and 65535" in bad.stderr
    on_argv = _cli(temp_profile, "set", "bitrix24.webhook_url", "https://example.org/")
    assert on_argv.returncode == 1 and "--secret" in on_argv.stderr

    # No secure keyring: saving a secret is refused plainly, then the encrypted file store is created.
    no_ring = _cli(temp_profile, "set", "--secret", "bitrix24.webhook_url", stdin=f"{ADMIN}\n{WEBHOOK}\n")
    assert no_ring.returncode == 1 and "No secure system keyring" in no_ring.stderr
    created = _cli(temp_profile, "init-file-store", stdin=f"{ADMIN}\n{MASTER}\n")
    assert created.returncode == 0, created.stderr
    saved = _cli(
        temp_profile, "set", "--secret", "bitrix24.webhook_url", stdin=WEBHOOK + "\n",
        env={"KAPUSTA_ADMIN_PASSWORD": ADMIN, "KAPUSTA_SECRETS_PASSWORD": MASTER},
    )
    assert saved.returncode == 0, saved.stderr
    bad_secret = _cli(
        temp_profile, "set", "--secret", "telegram.bot_token", stdin="12345:short\n",
        env={"KAPUSTA_ADMIN_PASSWORD": ADMIN, "KAPUSTA_SECRETS_PASSWORD": MASTER},
    )
    assert bad_secret.returncode == 1 and "not a bot token" in bad_secret.stderr

    shown = _cli(temp_profile, "show", env={"KAPUSTA_SECRETS_PASSWORD": MASTER})
    assert "bitrix24.webhook_url = set (•••• 2718)" in shown.stdout
    assert WEBHOOK_CODE not in shown.stdout + shown.stderr

    for proc in (show, refused, wrong, soon, bad, on_argv, no_ring, created, saved, bad_secret, shown):
        assert WEBHOOK_CODE not in proc.stdout + proc.stderr
    disk = _all_profile_text(temp_profile.root)
    for secret in (WEBHOOK_CODE, ADMIN, MASTER):
        assert secret.encode() not in disk

    forget = _cli(temp_profile, "forget-secrets", "--yes", env={"KAPUSTA_ADMIN_PASSWORD": ADMIN,
                                                                 "KAPUSTA_SECRETS_PASSWORD": MASTER})
    assert forget.returncode == 0, forget.stderr
    after = _cli(temp_profile, "show", env={"KAPUSTA_SECRETS_PASSWORD": MASTER})
    assert "bitrix24.webhook_url = not set" in after.stdout


@pytest.mark.parametrize("args", [("set", "--secret", "bitrix24.webhook_url", "https://x/rest/1/abcdefgh/")])
def test_secret_value_on_argv_is_refused(temp_profile: Profile, args: tuple[str, ...]) -> None:
    proc = _cli(temp_profile, *args)
    assert proc.returncode == 2 and "never from the command line" in proc.stderr
