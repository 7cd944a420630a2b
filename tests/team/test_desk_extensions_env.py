"""KAPUSTA_DESK_EXTENSIONS gives a desk its own extensions (team desks share their settings)."""

from __future__ import annotations

import logging

import pytest

from kapusta_desktop.services.team_feed import (
    DESK_EXTENSIONS_ENV,
    desk_extensions_source,
    libpq_url,
    team_database_url,
)


def test_the_environment_names_this_desks_extensions(monkeypatch: pytest.MonkeyPatch) -> None:
    assert desk_extensions_source() is None
    monkeypatch.setenv(DESK_EXTENSIONS_ENV, "102, 105,102")
    source = desk_extensions_source()
    assert source is not None and source() == ["102", "105"]


def test_a_bad_value_is_reported_and_the_setting_is_used(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(DESK_EXTENSIONS_ENV, "10x")
    with caplog.at_level(logging.ERROR):
        assert desk_extensions_source() is None
    assert "KAPUSTA_DESK_EXTENSIONS ignored" in caplog.text


def test_team_mode_is_a_postgresql_url_only(monkeypatch: pytest.MonkeyPatch) -> None:
    assert team_database_url() is None
    monkeypatch.setenv("KAPUSTA_DATABASE_URL", "sqlite:////tmp/x.db")
    assert team_database_url() is None
    monkeypatch.setenv("KAPUSTA_DATABASE_URL", "postgresql+pool://u:p@db:5432/k")
    assert team_database_url() == "postgresql+pool://u:p@db:5432/k"
    assert libpq_url("postgresql+pool://u:p@db:5432/k") == "postgresql://u:p@db:5432/k"
