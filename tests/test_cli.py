from __future__ import annotations

import subprocess
import sys

import pytest

from kapusta_desktop import __version__
from kapusta_desktop.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_unknown_argument_is_a_clear_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--frobnicate"]) == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments: --frobnicate" in err and "usage:" in err


def test_bad_language_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "de"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_db_info_uses_the_profile(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    assert main(["--profile", str(tmp_path / "p"), "db", "info"]) == 0
    out = capsys.readouterr().out
    from kapusta_desktop.store.migrations import latest_version

    assert f"schema: {latest_version()}" in out and "deal: 0" in out
    assert (tmp_path / "p" / "kapusta.sqlite3").exists()


def test_module_entry_point_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "kapusta_desktop", "--version"], capture_output=True, text=True, check=True
    )
    assert __version__ in out.stdout
