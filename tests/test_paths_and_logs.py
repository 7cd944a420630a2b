from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kapusta_desktop.logs import setup_logging, shutdown_logging
from kapusta_desktop.paths import DATABASE_URL_ENV, PROFILE_ENV, Profile, resolve_profile
from kapusta_desktop.redact import redact, register_secret


def test_profile_flag_beats_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PROFILE_ENV, str(tmp_path / "env"))
    assert resolve_profile(tmp_path / "flag").root == (tmp_path / "flag").resolve()
    assert resolve_profile(None).root == (tmp_path / "env").resolve()


def test_everything_lives_under_the_profile(tmp_path: Path) -> None:
    p = Profile(root=tmp_path)
    for path in (p.db_path, p.log_file, p.settings_file, p.backup_dir):
        assert tmp_path in path.parents


def test_demo_profile_is_separate(tmp_path: Path) -> None:
    real = resolve_profile(tmp_path)
    demo = resolve_profile(tmp_path, demo=True)
    assert demo.root != real.root and demo.demo and demo.root.parent == real.root


def test_demo_never_opens_the_team_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql://team@db/kapusta")
    assert resolve_profile(tmp_path).database_url == "postgresql://team@db/kapusta"
    assert resolve_profile(tmp_path, demo=True).database_url is None  # the demo keeps its own throw-away file


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("POST https://acme.bitrix24.ru/rest/1/q1w2e3r4t5y6u7i8/crm.deal.add.json failed", "q1w2e3r4t5y6u7i8"),
        ("https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage",
         "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"),
        ("token 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw was revoked", "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"),
        ("vpbx_api_key=abcdefgh12345678&sign=0123456789abcdef&json=%7B%7D", "abcdefgh12345678"),
        ("vpbx_api_key=abcdefgh12345678&sign=0123456789abcdef&json=%7B%7D", "0123456789abcdef"),
        ('{"access_token": "tok-98765-secret", "x": 1}', "tok-98765-secret"),
    ],
)
def test_patterns_mask_secrets_we_were_never_told_about(text: str, secret: str) -> None:
    out = redact(text)
    assert secret not in out
    assert "***" in out


def test_registered_secret_is_masked_anywhere() -> None:
    register_secret("salt-Zx81-very-private")
    assert redact("error near salt-Zx81-very-private here") == "error near *** here"


def test_log_file_never_holds_a_secret(temp_profile: Profile) -> None:
    setup_logging(temp_profile, "DEBUG")
    try:
        register_secret("mango-salt-0042")
        log = logging.getLogger("kapusta.test")
        log.info("calling %s", "https://x.bitrix24.ru/rest/7/hookcode777abc/user.current")
        try:
            raise RuntimeError("Mango said no to salt mango-salt-0042")
        except RuntimeError:
            log.exception("request failed")
    finally:
        shutdown_logging()
    text = temp_profile.log_file.read_text(encoding="utf-8")
    assert "request failed" in text and "RuntimeError" in text
    assert "hookcode777abc" not in text
    assert "mango-salt-0042" not in text
