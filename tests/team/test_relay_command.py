"""`kapusta-desktop relay` refuses a configuration it cannot serve, plainly and with exit code 2."""

from __future__ import annotations

import pytest

from kapusta_desktop.cli import main


@pytest.fixture(autouse=True)
def no_relay_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KAPUSTA_DATABASE_URL", "KAPUSTA_MANGO_API_KEY", "KAPUSTA_MANGO_API_SALT",
                 "KAPUSTA_B24_APPLICATION_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def test_no_database(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["relay"]) == 2
    assert "KAPUSTA_DATABASE_URL" in capsys.readouterr().err


def test_not_postgresql(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["relay", "--database-url", "sqlite:////tmp/x.sqlite3"]) == 2
    assert "needs PostgreSQL" in capsys.readouterr().err


def test_nothing_to_receive(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["relay", "--database-url", "postgresql://u:pw-secret@127.0.0.1:1/x"]) == 2
    err = capsys.readouterr().err
    assert "nothing to receive" in err and "pw-secret" not in err


def test_a_key_without_its_salt(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KAPUSTA_MANGO_API_KEY", "only-the-key")
    assert main(["relay", "--database-url", "postgresql://u:p@127.0.0.1:1/x"]) == 2
    assert "key and salt go together" in capsys.readouterr().err


def test_an_unreachable_database(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("KAPUSTA_B24_APPLICATION_TOKEN", "tok-123456")
    assert main(["relay", "--database-url", f"postgresql://u:pw-secret@127.0.0.1:{port}/x"]) == 2
    err = capsys.readouterr().err
    assert "cannot open the database" in err and "pw-secret" not in err
