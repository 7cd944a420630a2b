"""`kapusta-desktop db seed`: sample data into the profile's cache from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kapusta_desktop.cli import main


def test_seed_loads_and_reports(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    profile = str(tmp_path / "p")
    args = ["--profile", profile, "db", "seed", "--companies", "12", "--deals", "30", "--tasks", "5", "--seed", "3"]
    assert main(args) == 0
    out = capsys.readouterr().out
    for line in ("companies: 12", "contacts: 36", "deals: 30", "tasks: 5", "leads: 6", "managers: 8"):
        assert f"  {line}\n" in out, out
    assert main(["--profile", profile, "db", "info"]) == 0
    assert "deal: 30" in capsys.readouterr().out


def test_seed_refuses_a_filled_cache_then_replaces(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    profile = str(tmp_path / "p")
    assert main(["--profile", profile, "db", "seed", "--companies", "3"]) == 0
    capsys.readouterr()
    assert main(["--profile", profile, "db", "seed", "--companies", "4"]) == 1
    assert "already holds data" in capsys.readouterr().out
    assert main(["--profile", profile, "db", "seed", "--companies", "4", "--replace"]) == 0
    assert "companies: 4" in capsys.readouterr().out


def test_bad_seed_arguments_are_clear(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    profile = str(tmp_path / "p")
    assert main(["--profile", profile, "db", "seed", "--companies", "-5"]) == 2
    assert "must not be negative" in capsys.readouterr().err
    assert main(["--profile", profile, "db", "seed", "--companies", "many"]) == 2
    assert "whole number" in capsys.readouterr().err
    assert main(["--profile", profile, "db", "seed", "--companies", "1", "--managers", "0"]) == 2
    assert "managers" in capsys.readouterr().out
    assert main(["--profile", profile, "db", "info", "--companies", "0"]) == 2
    assert "only apply to 'db seed'" in capsys.readouterr().out
